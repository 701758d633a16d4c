"""Take the screenshots in docs/screenshots/ from a running server (headless Chromium).

    .venv/bin/hgkbp-ld serve --port 8765 &
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8765 [NAME ...]

The pages of several plans (plannen-start, acties-van-een-plan, bevoegdheid-in-twee-plannen) are taken
from a build of data/ with the two invented plans of examples/plans/ copied in (three plans):

    cp -rL data /tmp/drie && cp -r examples/plans/. /tmp/drie/
    .venv/bin/hgkbp-ld build --data /tmp/drie --out /tmp/drie-dist

the others from a build of the bundled data (the real plan alone).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PAGES = {
    "actie-12": "/doc/actie/hgkbp-2025-2029/12",
    "plan": "/doc/beleidsplan/hgkbp-2025-2029",
    "actie-12-smal": "/doc/actie/hgkbp-2025-2029/12",
    "hd-7": "/doc/doelstelling/hgkbp-2025-2029/HD7",
    "start": "/",
    "tijdlijn": "/doc/beleidsplan/hgkbp-2025-2029#h-tijdlijn",
    "samenwerking": "/doc/beleidsplan/hgkbp-2025-2029#h-samenwerking",
    "acties-gefilterd": "/acties?doelstelling=HD3&q=toegankelijk",
    "plannen-start": "/",
    "acties-van-een-plan": "/acties?plan=vapa-2025-2029",
    "bevoegdheid-in-twee-plannen": "/doc/bevoegdheid/armoedebestrijding",
    "sparql": "/sparql?format=html&query=PREFIX+bp%3A+%3Chttps%3A%2F%2Fdata.vlaanderen.be%2Fns%2Fbeleidsplan%23%3E%0A"
    "SELECT+%3Factie+%3Ftitel+WHERE+%7B+%3Factie+a+bp%3AActie+%3B+%3Chttp%3A%2F%2Fpurl.org%2Fdc%2Fterms%2Ftitle%3E"
    "+%3Ftitel+%7D+LIMIT+8",
}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="where the server runs, e.g. http://127.0.0.1:8765")
    parser.add_argument("names", nargs="*", help="only these screenshots (default: all)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
        for name, path in PAGES.items():
            if args.names and name not in args.names:
                continue
            narrow = name.endswith("-smal")  # 1280 px at 400 % zoom
            page = browser.new_page(viewport={"width": 320 if narrow else 1280, "height": 900},
                                    device_scale_factor=1)
            page.goto(args.url + path)
            if "#" in path:  # just the section the anchor names
                page.locator(f"section:has(#{path.split('#')[1]})").screenshot(path=str(OUT / f"{name}.png"))
            else:
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=not narrow)
            page.close()
            print(OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
