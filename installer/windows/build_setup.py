"""Compile the Windows setup program from the frozen folder with NSIS (installer/windows/smartcity.nsi).

    python3 installer/windows/build_setup.py [--app dist/SmartCityDesktop] [--out dist]

Writes ``<out>/SmartCity-Setup-<version>.exe`` and prints its path. The same command runs on
Windows (the GitHub workflow, NSIS from Chocolatey) and on Linux (``.ci/run``, Debian's ``nsis``
package): on Linux the frozen folder holds Linux binaries, so the result is no use to install, but
the real script compiles, with warnings as errors, and its payload can be listed and checked.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "smartcity.nsi"


def app_version() -> str:
    """``__version__`` from the package source (no import: the build may run outside its venv)."""
    text = (ROOT / "smartcity_desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not found:
        raise SystemExit("__version__ not found in smartcity_desktop/__init__.py")
    return found.group(1)


def four_part_version(version: str) -> str:
    """The file version resource takes four numbers: 0.1.0 -> 0.1.0.0, 1.2.0rc1 -> 1.2.0.0."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    numbers += [0] * (4 - len(numbers))
    return ".".join(str(n) for n in numbers)


def find_makensis() -> str:
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    raise SystemExit(
        "makensis not found: install NSIS (Debian: apt-get install nsis; Windows: choco install nsis)"
    )


def setup_name(version: str) -> str:
    return f"SmartCity-Setup-{version}.exe"


def build(app: Path, out_dir: Path, makensis: str | None = None, fast: bool = False) -> Path:
    if not app.is_dir():
        raise SystemExit(f"{app} is not a folder: build the frozen app first (installer/build.sh)")
    version = app_version()
    out_dir.mkdir(parents=True, exist_ok=True)
    outfile = out_dir.resolve() / setup_name(version)
    command = [
        makensis or find_makensis(),
        "-V2",  # warnings and errors only
        "-WX",  # a warning fails the build: the script stays clean on every NSIS version
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DVIVERSION={four_part_version(version)}",
        f"-DAPPDIR={app.resolve()}",
        f"-DOUTFILE={outfile}",
        *(["-DFAST"] if fast else []),
        str(SCRIPT),
    ]
    subprocess.run(command, check=True)
    return outfile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "SmartCityDesktop")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="zlib instead of solid LZMA: a larger file in seconds, for checking the payload only",
    )
    args = parser.parse_args(argv)
    outfile = build(args.app, args.out, fast=args.fast)
    print(outfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
