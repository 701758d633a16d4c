"""The shape of the code: the server only serves what the build made, and importing a module changes
nothing outside it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import hgkbp_ld

PACKAGE = Path(hgkbp_ld.__file__).parent
BUILD_ONLY = {
    "hgkbp_ld.build",
    "hgkbp_ld.graphs",
    "hgkbp_ld.incremental",
    "hgkbp_ld.manifest",
    "hgkbp_ld.versions",
    "hgkbp_ld.mapping",
    "hgkbp_ld.parse",
}


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    if not parts:
        return PACKAGE / "__init__.py"
    relative = Path(*parts)
    for candidate in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(name: str) -> set[str]:
    """The hgkbp_ld modules a module imports (at any level of its code), with their parent packages."""
    path = _module_file(name)
    assert path is not None, name
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for imported in names:
            if imported.startswith("hgkbp_ld") and _module_file(imported) is not None:
                found.add(imported)
                parts = imported.split(".")
                found.update(".".join(parts[:n]) for n in range(2, len(parts)) if _module_file(".".join(parts[:n])))
    return found


def reachable(start: set[str]) -> dict[str, str]:
    """Every module reachable from `start`, each with the module that imports it first."""
    seen: dict[str, str] = {name: "" for name in start}
    todo = list(start)
    while todo:
        name = todo.pop()
        for imported in _imports(name):
            if imported not in seen:
                seen[imported] = name
                todo.append(imported)
    return seen


def test_the_server_imports_nothing_of_the_build() -> None:
    server = {f"hgkbp_ld.web.{path.stem}" for path in (PACKAGE / "web").glob("*.py") if path.stem != "__init__"}
    assert "hgkbp_ld.web.app" in server
    seen = reachable(server)
    for name in sorted(BUILD_ONLY & set(seen)):
        chain = [name]
        while seen[chain[-1]]:
            chain.append(seen[chain[-1]])
        raise AssertionError(f"the server reaches {name}: " + " ← ".join(chain))


def test_the_import_graph_sees_a_real_import() -> None:
    """The walker itself: the build does reach the parser (so an empty answer above means something)."""
    assert "hgkbp_ld.parse" in reachable({"hgkbp_ld.build"})


def test_importing_the_package_changes_no_other_librarys_globals() -> None:
    """rdflib's SPARQL processor, plugins and namespace bindings are as rdflib made them after importing
    every module of hgkbp_ld (a fresh interpreter: nothing else ran before)."""
    modules = sorted(
        "hgkbp_ld." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")  # __main__ runs the command line
    )
    probe = f"""
import rdflib.plugin, rdflib.query
def state():
    return (rdflib.plugin.get("sparql", rdflib.query.Processor), rdflib.plugin.get("sparql", rdflib.query.Result))
before = state()
import importlib
for name in {modules!r}:
    importlib.import_module(name)
after = state()
assert before == after, (before, after)
print("ok", len({modules!r}))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_a_build_imports_no_web_framework() -> None:
    """The build and the plan workers it spawns render pages without the server's framework (FastAPI,
    Starlette: ~0.6 s of imports in every build process); the /acties index lives apart from its route."""
    probe = """
import sys
import hgkbp_ld.build, hgkbp_ld.plan_build, hgkbp_ld.render.plan_site, hgkbp_ld.render.stage, hgkbp_ld.cli
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("fastapi", "starlette", "uvicorn"))
print(loaded)
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
