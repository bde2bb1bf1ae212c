"""Build the wheel that `pip install .` installs and check it carries every data file the app reads.

An editable install (what the tests use) reads the source tree, so a file missing from the package
data only shows up in a real install: the migration scripts, env.py, and the resources/ folder
(reference lists, regions, translations, the report fonts and their licence).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def expected_files() -> set[str]:
    migrations = ROOT / "smartcity_desktop" / "storage" / "migrations"
    names = {
        f"smartcity_desktop/storage/migrations/{p.relative_to(migrations).as_posix()}"
        for p in [*migrations.glob("*.py"), *migrations.glob("versions/*.py")]
    }
    names.add("smartcity_desktop/storage/migrations/script.py.mako")
    resources = ROOT / "resources"
    names |= {
        f"smartcity_desktop/resources/{p.relative_to(resources).as_posix()}"
        for p in resources.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    return names


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp, str(ROOT)],
            check=True,
        )
        (wheel,) = Path(tmp).glob("smartcity_desktop-*.whl")
        with zipfile.ZipFile(wheel) as zf:
            present = set(zf.namelist())
    missing = sorted(expected_files() - present)
    if missing:
        print(f"{wheel.name} lacks {len(missing)} files that the app reads at run time:")
        for name in missing:
            print(f"  {name}")
        return 1
    print(f"{wheel.name}: all {len(expected_files())} data files and migration scripts present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
