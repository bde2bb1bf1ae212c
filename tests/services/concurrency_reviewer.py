"""One analyst's PC in the concurrency test: review the same records again and again, each save
naming the revision it loaded, reloading when someone else saved first.

Run as ``python -m tests.services.concurrency_reviewer DATA_DIR PERSON ROUNDS ID...``; prints
JSON: how many saves of each record went through, and how many were refused as changed meanwhile.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.review import (
    Decision,
    ReviewChanged,
    review_record,
    review_versions,
)
from smartcity_desktop.storage.errors import DatabaseBusyError
from smartcity_desktop.storage.paths import DataPaths

ATTEMPTS = 50


def main(argv: list[str]) -> int:
    data_dir, person, rounds, *ids = argv
    ctx = open_context(DataPaths(Path(data_dir)))
    ctx.person = person
    saved = dict.fromkeys(ids, 0)
    refused = 0
    busy = 0
    try:
        for n in range(int(rounds)):
            for record_id in ids:
                decision = Decision("diterima", comment=f"{person} putaran {n}")
                for _attempt in range(ATTEMPTS):
                    loaded = review_versions(ctx, [record_id])[record_id]
                    try:
                        review_record(ctx, record_id, decision, expected=loaded)
                    except ReviewChanged:
                        refused += 1  # reload (the loop) and save again
                        continue
                    except DatabaseBusyError:  # SQLite: an import holds the file; wait
                        busy += 1
                        time.sleep(0.2)
                        continue
                    saved[record_id] += 1
                    break
                else:
                    raise SystemExit(f"{record_id}: not saved after {ATTEMPTS} attempts")
    finally:
        ctx.close()
    print(json.dumps({"saved": saved, "refused": refused, "busy": busy}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
