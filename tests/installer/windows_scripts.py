"""The Windows installer's build and check scripts, loaded from installer/windows/ by path
(installer/ holds scripts, not a package)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "installer" / "windows"
NSI = WINDOWS / "smartcity.nsi"


def load(name: str) -> ModuleType:
    module_name = f"_installer_windows_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, WINDOWS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def nsi_defines() -> dict[str, str]:
    """``!define NAME "value"`` (or ``!define NAME value``) lines of smartcity.nsi."""
    text = NSI.read_text(encoding="utf-8")
    found = re.findall(r'^!define (\w+) (?:"([^"]*)"|(\S+))', text, re.MULTILINE)
    return {name: quoted or bare for name, quoted, bare in found}
