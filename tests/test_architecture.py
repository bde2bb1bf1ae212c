"""The layering rules of docs/development.md, checked on the source (AST) and on a running CLI.

    gui  ->  services  ->  {bundles, reports, storage, crypto}  ->  domain  ->  {i18n, errors, ...}
    cli  ->  services

A layer may import itself and the layers below it, never above. Entry points (gui, cli) also resolve
the data folder themselves (``storage.paths``) but reach everything else in storage through services.
Only ``gui`` imports Qt, so the CLI and every library layer work on a machine without a screen.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "smartcity_desktop"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE
QT_PACKAGES = ("PySide6", "shiboken6")

# The lowest layer: the package itself ("" is smartcity_desktop/__init__.py) and its helpers.
BASE = frozenset({"", "i18n", "errors", "resource_files", "resources"})
ALLOWED: dict[str, frozenset[str]] = {
    "": BASE,
    "i18n": BASE,
    "errors": BASE,
    "resource_files": BASE,
    "domain": BASE | {"domain"},
    "crypto": BASE | {"domain", "crypto"},
    "bundles": BASE | {"domain", "crypto", "bundles"},
    "reports": BASE | {"domain", "crypto", "reports"},
    "storage": BASE | {"domain", "storage"},
    "services": BASE | {"domain", "storage", "crypto", "bundles", "reports", "services"},
    "gui": BASE | {"domain", "services", "gui"},
    "cli": BASE | {"domain", "services", "cli"},
    # `python -m smartcity_desktop` starts the desktop app.
    "__main__": BASE | {"gui"},
}
# Single modules a layer may reach past the rules above.
ALLOWED_MODULES: dict[str, frozenset[str]] = {
    "gui": frozenset({f"{PACKAGE}.storage.paths"}),
    "cli": frozenset({f"{PACKAGE}.storage.paths"}),
}
# Heavy libraries that `smartcity --help` and `--version` must not load.
HEAVY = (
    "PySide6",
    "shiboken6",
    "sqlalchemy",
    "alembic",
    "cryptography",
    "reportlab",
    "PIL",
    "pypdf",
    "segno",
    "platformdirs",
)


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # absolute dotted name

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT.parent)}:{self.line}: imports {self.module}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_submodule(name: str) -> bool:
    return (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file()


def imports_of(path: Path, name: str | None = None) -> Iterator[Import]:
    """Every import statement in a file, at module level or inside functions, made absolute."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield Import(path, node.lineno, module)
            # `from smartcity_desktop import services` imports a layer too.
            if module == PACKAGE:
                for alias in node.names:
                    if is_submodule(alias.name):
                        yield Import(path, node.lineno, f"{PACKAGE}.{alias.name}")


def layer_of(module: str) -> str:
    """`smartcity_desktop.storage.models` -> "storage"; the package itself -> ""."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def source_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def all_imports() -> list[Import]:
    return [imp for path in source_files() for imp in imports_of(path)]


def test_the_walk_sees_the_package() -> None:
    layers = {layer_of(module_name(p)) for p in source_files()}
    assert {"cli", "domain", "services", "storage", "i18n"} <= layers
    assert set(ALLOWED) >= layers - {"resources"}, f"a new top-level module needs a rule: {layers}"


def test_only_gui_imports_qt() -> None:
    violations = [
        str(imp)
        for imp in all_imports()
        if imp.module.split(".")[0] in QT_PACKAGES and layer_of(module_name(imp.path)) != "gui"
    ]
    assert not violations, "Qt imported outside smartcity_desktop/gui/:\n" + "\n".join(violations)


def test_layers_point_one_way() -> None:
    violations = []
    for imp in all_imports():
        if imp.module != PACKAGE and not imp.module.startswith(PACKAGE + "."):
            continue
        source = layer_of(module_name(imp.path))
        target = layer_of(imp.module)
        if target in ALLOWED[source]:
            continue
        if any(
            imp.module == m or imp.module.startswith(m + ".")
            for m in ALLOWED_MODULES.get(source, ())
        ):
            continue
        violations.append(f"{imp}  ({source or PACKAGE} may not import {target})")
    assert not violations, "Layering rules broken (see docs/development.md):\n" + "\n".join(
        violations
    )


def test_the_walk_resolves_relative_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ..storage import models\nfrom . import fields\ndef f():\n    import PySide6.QtCore\n",
        encoding="utf-8",
    )
    found = [i.module for i in imports_of(probe, f"{PACKAGE}.domain.probe")]
    assert found == [f"{PACKAGE}.storage", f"{PACKAGE}.domain", "PySide6.QtCore"]
    assert layer_of(found[0]) not in ALLOWED["domain"]


def _run_python(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    full_env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    full_env.update(env or {})
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    report: dict[str, object] = json.loads(last)
    return report


# Runs the CLI in a fresh interpreter and prints, as the last line, which heavy modules got loaded.
_PROBE = """
import json, sys
import smartcity_desktop.cli.main as cli
heavy = {heavy!r}
def loaded():
    return sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))
after_import = loaded()
results = {{}}
for argv in {argvs!r}:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    results[" ".join(argv)] = code
print()
print(json.dumps({{"after_import": after_import, "at_exit": loaded(), "results": results}}))
"""


def test_cli_import_and_help_load_nothing_heavy() -> None:
    from smartcity_desktop.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    commands = sorted(sub.choices)  # type: ignore[union-attr]
    argvs = [["--help"], ["--version"]] + [[c, "--help"] for c in commands]
    report = _run_python(_PROBE.format(heavy=HEAVY, argvs=argvs))
    assert report["after_import"] == [], "importing the CLI loads " + str(report["after_import"])
    assert report["at_exit"] == [], "`smartcity --help` loads " + str(report["at_exit"])
    assert set(report["results"].values()) == {0}, report["results"]  # type: ignore[union-attr]


def test_working_cli_never_loads_qt(tmp_path: Path) -> None:
    argvs = [
        ["init", "--role", "desa", "--office", "32.16.01.2001", "--operator", "Uji"],
        ["sample-data", "--problems", "3", "--potentials", "2", "--proposals", "2"],
        ["stats", "--json"],
        ["search", "banjir"],
        ["backup"],
    ]
    report = _run_python(
        _PROBE.format(heavy=QT_PACKAGES, argvs=argvs),
        env={"SMARTCITY_DATA_DIR": str(tmp_path / "data"), "SMARTCITY_PASSPHRASE": "uji-rahasia-1"},
    )
    assert report["at_exit"] == [], "the CLI loaded Qt"
    assert set(report["results"].values()) == {0}, report["results"]  # type: ignore[union-attr]


@pytest.mark.parametrize("layer", sorted(set(ALLOWED) - {"gui", "cli", "", "__main__"}))
def test_library_layers_import_without_qt(layer: str) -> None:
    modules = [module_name(p) for p in source_files() if layer_of(module_name(p)) == layer]
    modules = [m for m in modules if ".migrations.versions" not in m and not m.endswith(".env")]
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps({'qt': sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{QT_PACKAGES!r})}}))"
    )
    report = _run_python(code)
    assert report["qt"] == [], f"importing {layer} loads Qt"


def test_demo_scripts_stay_out_of_the_shipped_package() -> None:
    shipped = [p.relative_to(ROOT.parent) for p in ROOT.rglob("*demo*.py")]
    assert shipped == [], "demo scripts belong in tools/, not in the installed package"


def test_pages_do_not_import_the_main_window() -> None:
    """Pages get a Shell (gui.shell); only the app entry point builds the window."""
    offenders = [
        str(imp)
        for path in (ROOT / "gui").rglob("*.py")
        if path.name not in ("main_window.py", "app.py")
        for imp in imports_of(path)
        if imp.module == f"{PACKAGE}.gui.main_window"
    ]
    assert offenders == []


def test_receipts_do_not_import_the_exchange() -> None:
    """The exchange writes receipts; receipts read the plain report (services.import_report)."""
    path = ROOT / "services" / "receipts.py"
    assert [
        str(i) for i in imports_of(path) if i.module.startswith(f"{PACKAGE}.services.exchange")
    ] == []
