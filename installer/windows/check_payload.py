"""Compare what the setup program carries with the frozen folder it was built from.

    python3 installer/windows/check_payload.py dist/SmartCity-Setup-0.1.0.exe dist/SmartCityDesktop

Lists the setup program with 7-Zip (``7z l -slt`` reads NSIS installers) and checks that every
file of the frozen folder is in it with the same size, and that it holds nothing else besides the
uninstaller and the console helper (and NSIS's own plugins, which only ever go to a temporary
folder while setup runs). A frozen folder that was used in portable mode (``portable.txt``,
``data/``) is refused: the setup program would hand every office that mode and that data.
Exit 0 when all matches, 1 with every difference listed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# What smartcity.nsi adds beside the frozen folder's files (UNINSTALLER and PROMPT_CMD there).
EXTRA_ALLOWED = frozenset({"uninstall.exe", "smartcity-prompt.cmd"})
# Files unpacked to NSIS's temporary plugins folder while setup runs, never installed.
SETUP_INTERNAL = "$PLUGINSDIR/"
# Portable mode's marker and data folder (storage/paths.py): never part of a release.
NEVER_SHIPPED = ("portable.txt", "data/")


def find_7z() -> str:
    for name in ("7z", "7zz", "7za"):
        found = shutil.which(name)
        if found:
            return found
    for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
        if base and (Path(base) / "7-Zip" / "7z.exe").is_file():
            return str(Path(base) / "7-Zip" / "7z.exe")
    raise SystemExit("7z not found: install 7-Zip (Debian: apt-get install p7zip-full)")


_FIELD = re.compile(r"^(\w[\w ]*?) =(?: (.*))?$")


def parse_listing(text: str) -> dict[str, int | None]:
    """File path (with /) -> size, from ``7z l -slt``. The block before the ``----------`` line
    describes the archive itself; folders are left out."""
    _, sep, entries = text.partition("\n----------\n")
    if not sep:
        raise ValueError("not a 7z -slt listing (no '----------' line)")
    files: dict[str, int | None] = {}
    for block in entries.split("\n\n"):
        fields = {
            found.group(1): found.group(2) or ""
            for found in map(_FIELD.match, block.splitlines())
            if found
        }
        path = fields.get("Path")
        if not path:
            continue
        if fields.get("Folder") == "+" or fields.get("Attributes", "").startswith("D"):
            continue
        size = fields.get("Size", "")
        files[path.replace("\\", "/")] = int(size) if size.isdigit() else None
    return files


def list_setup(setup: Path, seven_zip: str | None = None) -> dict[str, int | None]:
    result = subprocess.run(
        [seven_zip or find_7z(), "l", "-slt", str(setup)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"7z could not list {setup}:\n{result.stdout}{result.stderr}")
    return parse_listing(result.stdout.replace("\r\n", "\n"))


def frozen_files(app: Path) -> dict[str, int]:
    """Relative path -> size of every file in the frozen folder (a link counts as its target,
    as NSIS's File /r copies it)."""
    return {
        path.relative_to(app).as_posix(): path.stat().st_size
        for path in sorted(app.rglob("*"))
        if path.is_file()
    }


def compare(payload: Mapping[str, int | None], frozen: Mapping[str, int]) -> list[str]:
    """Every difference, one line each; empty when the setup program carries exactly the folder."""
    problems = [
        f"in the frozen folder, must not be shipped (portable mode): {name}"
        for name in sorted(frozen)
        if name == NEVER_SHIPPED[0] or name.startswith(NEVER_SHIPPED[1])
    ]
    installed = {
        name: size for name, size in payload.items() if not name.startswith(SETUP_INTERNAL)
    }
    problems += [
        f"missing from the setup program: {name}" for name in sorted(frozen.keys() - installed)
    ]
    problems += [
        f"in the setup program but not in the frozen folder: {name}"
        for name in sorted(installed.keys() - frozen.keys() - EXTRA_ALLOWED)
    ]
    problems += [
        f"not in the setup program: {name}" for name in sorted(EXTRA_ALLOWED - installed.keys())
    ]
    problems += [
        f"size differs: {name} (frozen {frozen[name]}, setup {installed[name]})"
        for name in sorted(frozen.keys() & installed.keys())
        if installed[name] is not None and installed[name] != frozen[name]
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("setup", type=Path, help="the setup program (.exe)")
    parser.add_argument("app", type=Path, help="the frozen folder it was built from")
    args = parser.parse_args(argv)
    payload = list_setup(args.setup)
    frozen = frozen_files(args.app)
    problems = compare(payload, frozen)
    if problems:
        print(f"{args.setup.name} does not match {args.app}:")
        for line in problems:
            print(f"  {line}")
        return 1
    print(
        f"{args.setup.name}: all {len(frozen)} files of {args.app} present with their sizes, "
        f"plus {', '.join(sorted(EXTRA_ALLOWED))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
