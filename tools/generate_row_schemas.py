"""Write docs/schemas/<kind>.schema.json from the field declarations (run after changing fields).

    PYTHONPATH=. python3 tools/generate_row_schemas.py [--check]

With --check, write nothing and exit 1 when a shipped file differs from the generated one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from smartcity_desktop.services.row_schemas import dumps, file_name, row_schemas

FOLDER = Path(__file__).resolve().parent.parent / "docs" / "schemas"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    FOLDER.mkdir(parents=True, exist_ok=True)
    for kind, schema in row_schemas().items():
        path = FOLDER / file_name(kind)
        text = dumps(schema)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(text, encoding="utf-8")
    verb = "differ" if check else "written"
    print(f"{len(stale)} schema file(s) {verb}: {', '.join(stale) or '-'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
