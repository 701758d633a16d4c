"""What a parse costs, and whether two versions of the parser give the same outcomes.

    .venv/bin/python -m bench.parse_cost time [--parses 20]
    .venv/bin/python -m bench.parse_cost digest [--texts 300] [--seed 1] [--extra DIR ...]

`time` parses the bundled plan's text `--parses` times in this process (after one parse to warm up)
and prints the CPU time of one parse (the best of five rounds). For instruction counts, which the
machine's load does not change, run it under `valgrind --tool=cachegrind --cache-sim=no` with two
values of `--parses` and divide the difference.

`digest` parses the bundled text, the texts of `--extra` folders (`*/*.txt`) and `--texts` mutations of
them (lines deleted, duplicated, swapped, ranges cut, odd spaces, soft hyphens, ligatures, digits,
truncations; the same ones for the same `--seed`), strict and lenient, and prints one SHA-256 over every
outcome: the model's JSON and repr, or the ParseError. Run it with `PYTHONPATH=OTHER/src` for another
tree: the same digest means the same models, reports and errors on every text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from pathlib import Path

from hgkbp_ld.bundled import DATA
from hgkbp_ld.errors import ParseError
from hgkbp_ld.model import to_json
from hgkbp_ld.parse import parse_text
from hgkbp_ld.registers import Registers

ODD = ["\u00a0", "\t", "\u00ad", "\ufb01", "\u2009", "  ", "\ufeff", "\u200b", "\x0c", "\x1c", "é", "1", "12", "2026"]
ODD += [" 3", "\r", "\u2028", "\x85"]


def _bundled() -> str:
    return next((DATA / "source").glob("*.txt")).read_text(encoding="utf-8")


def _mutated(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    kind = rng.randrange(8)
    if kind == 0 and len(lines) > 2:
        del lines[rng.randrange(len(lines))]
    elif kind == 1:
        at = rng.randrange(len(lines))
        lines.insert(at, lines[at])
    elif kind == 2:
        for _ in range(20):
            at = rng.randrange(len(lines))
            cut = rng.randrange(len(lines[at]) + 1)
            lines[at] = lines[at][:cut] + rng.choice(ODD) + lines[at][cut:]
    elif kind == 3:
        at = rng.randrange(len(lines))
        del lines[at : at + rng.randrange(1, 200)]
    elif kind == 4:
        return text[: rng.randrange(len(text))]
    elif kind == 5:
        for _ in range(200):
            at = rng.randrange(len(lines))
            lines[at] = lines[at].replace(" ", rng.choice(ODD), 1)
    elif kind == 6:
        first, second = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[first], lines[second] = lines[second], lines[first]
    return "\n".join(lines)


def digest(count: int, seed: int, extra: list[Path]) -> tuple[str, float]:
    """One SHA-256 over every outcome, and the CPU seconds the parses took."""
    texts = [_bundled()]
    texts += [path.read_text(encoding="utf-8") for folder in extra for path in sorted(folder.glob("*/*.txt"))]
    rng = random.Random(seed)
    registers = Registers.load()
    sha = hashlib.sha256()
    spent = 0.0
    for number in range(count):
        text = texts[number % len(texts)]
        if number >= len(texts):
            text = _mutated(text, rng)
        for strict in (True, False):
            started = time.process_time()
            try:
                plan = parse_text(text, strict=strict, registers=registers)
                outcome = json.dumps([to_json(plan), repr(plan)], sort_keys=True, default=repr)
            except ParseError as error:
                outcome = f"ParseError {error.args!r} {error}"
            spent += time.process_time() - started
            sha.update(outcome.encode())
    return sha.hexdigest(), spent


def one_parse(parses: int) -> float:
    """CPU seconds of one parse of the bundled text: the best of five rounds of `parses`."""
    text, registers = _bundled(), Registers.load()
    parse_text(text, registers=registers)
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for _ in range(parses):
            parse_text(text, registers=registers)
        best = min(best, (time.process_time() - started) / parses)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    timing = commands.add_parser("time", help="the CPU time of one parse of the bundled plan")
    timing.add_argument("--parses", type=int, default=20, help="parses per round (default 20)")
    digesting = commands.add_parser("digest", help="one digest over the outcomes of many mutated texts")
    digesting.add_argument("--texts", type=int, default=300, help="texts, each parsed strict and lenient")
    digesting.add_argument("--seed", type=int, default=1, help="the mutations' random seed (default 1)")
    digesting.add_argument("--extra", type=Path, action="append", default=[], help="a folder of */*.txt plan texts")
    args = parser.parse_args()
    if args.command == "time":
        print(f"{one_parse(args.parses) * 1000:.1f} ms of CPU per parse of the bundled plan")
    else:
        sha, spent = digest(args.texts, args.seed, args.extra)
        print(f"{sha}  ({2 * args.texts} parses, {spent:.2f} s of CPU)")


if __name__ == "__main__":
    main()
