"""Files handed to the desktop from outside: ``smartcity-desktop PATH``, a double-click in the file
manager or Explorer (which runs that command), or a second start passing its paths to the window
already open.

Nothing is read beyond the first bytes here: whether a file is a bundle or a part is told by its
opening bytes, so an obviously wrong file (a photo, a spreadsheet, a folder) is named at once, and
everything else goes to the same check as a file chosen on Terima Data. A part brings the other
parts of its bundle lying beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from smartcity_desktop.bundles.format import BUNDLE_SUFFIX
from smartcity_desktop.bundles.parts import PART_MAGIC, sibling_parts
from smartcity_desktop.i18n import _

# A bundle is a zip archive: a local file header first, or the end record of an empty archive
# (which verification then refuses with its own message).
ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class GivenFiles:
    """What to check on Terima Data, and what could not be used (one Indonesian message each)."""

    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def absolute_paths(given: Iterable[str]) -> list[str]:
    """Paths as the starting process sees them: a second start hands them to a window running in
    another working folder."""
    return [str(Path(p).expanduser().absolute()) for p in given if p]


def given_files(given: Iterable[str | Path]) -> GivenFiles:
    out = GivenFiles()
    for raw in given:
        path = Path(raw).expanduser()
        problem = _problem(path)
        if problem is not None:
            out.problems.append(problem)
            continue
        for found in sibling_parts(path):
            if found not in out.files:
                out.files.append(found)
    return out


def _problem(path: Path) -> str | None:
    if not path.exists():
        return _(
            "Berkas {path} tidak ditemukan. Mungkin sudah dipindahkan, diganti namanya, atau "
            "flashdisk-nya dilepas. Pilih berkasnya lagi dengan tombol Pilih berkas…"
        ).format(path=path)
    if path.is_dir():
        return _(
            "{path} adalah folder, bukan paket SmartCity. Buka berkas paket ({suffix}) yang ada "
            "di dalamnya."
        ).format(path=path, suffix=BUNDLE_SUFFIX)
    try:
        with path.open("rb") as handle:
            start = handle.read(len(PART_MAGIC))
    except OSError as exc:
        return _("Berkas {path} tidak dapat dibaca: {reason}").format(
            path=path, reason=exc.strerror or exc
        )
    if start == PART_MAGIC or start.startswith(ZIP_STARTS):
        return None
    return _(
        "Berkas {name} bukan paket SmartCity. Paket data dibuat dengan menu Kirim Data dan "
        "namanya berakhiran {suffix}. Berkas ini tidak dibuka; tidak ada yang diimpor."
    ).format(name=path.name, suffix=BUNDLE_SUFFIX)
