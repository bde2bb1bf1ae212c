"""The files of a verified bundle: each one's bytes must be what its row declares.

A signed bundle proves who sent it, not that its "PDF" is a PDF. Every attachment an import keeps is
identified from its bytes (storage.filetypes) before it takes its final name in the blob store, and
one that is something else, is damaged, or has more pixels than the cap refuses the whole bundle.
A file already in the store is checked too: the same bytes may arrive under another declared type.
"""

from __future__ import annotations

from pathlib import Path

from smartcity_desktop.bundles.reader import VerifiedBundle
from smartcity_desktop.i18n import _
from smartcity_desktop.services.bundle_records import IncomingRow
from smartcity_desktop.services.exchange.common import Refused
from smartcity_desktop.storage.blobs import BlobStore
from smartcity_desktop.storage.filetypes import (
    MAX_PIXELS,
    Identified,
    identify_file,
    megapixels,
    pixel_size,
    type_label,
    visible_name,
)


def store_attachment(
    blobs: BlobStore, verified: VerifiedBundle, row: IncomingRow, new_blobs: list[str]
) -> None:
    """Store the file of one attachment row (not deleted) unless the store has it, after checking
    its bytes against the row; a written blob is added to ``new_blobs`` at once."""
    sha = row.values["sha256"]

    def check(path: Path) -> None:
        check_attachment(path, row)

    if sha in new_blobs:
        # Stored by this import for an earlier row (the same photo on two records, or a file
        # that is what one row declares and not another's). Not claimed: a claim would keep a
        # server's store (storage/db_blobs.py) from taking it back if the import fails.
        check(blobs.path_for(sha))
        return
    if blobs.claim(sha):  # claim, not exists: see services/cleanup.py
        check(blobs.path_for(sha))
        return
    with verified.open_attachment(sha) as stream:
        _sha, written = blobs.put_stream(stream, expected_sha256=sha, sync=False, check=check)
    if written:
        new_blobs.append(sha)


def check_attachment(path: Path, row: IncomingRow) -> Identified:
    """Refuse the bundle unless the file at ``path`` is what ``row`` declares."""
    declared = row.values["media_type"]
    # The name as the sender wrote it (the row's own is already made safe), minus what hides it.
    name = visible_name(str(row.raw["values"]["filename"]))
    found = identify_file(path)
    if found.media_type == declared:
        if found.over(MAX_PIXELS):
            raise Refused(
                "attachment.too_many_pixels",
                _(
                    "Lampiran '{name}' dalam paket berukuran {size}, lebih dari batas {cap} "
                    "megapiksel. Paket ditolak; minta kantor pengirim memperkecil foto itu."
                ).format(name=name, size=pixel_size(found), cap=megapixels(MAX_PIXELS)),
            )
        return found
    if found.claimed == declared:
        raise Refused(
            "attachment.corrupt",
            _(
                "Lampiran '{name}' dalam paket adalah {what}. Paket ditolak; minta kantor "
                "pengirim melampirkan ulang berkas itu."
            ).format(name=name, what=found.description),
        )
    raise Refused(
        "attachment.type_mismatch",
        _(
            "Lampiran '{name}' dalam paket disebut {declared}, tetapi isinya {actual}. Paket "
            "ditolak dan tidak ada yang disimpan: berkas yang menyamar dapat berbahaya. Hubungi "
            "kantor pengirim."
        ).format(name=name, declared=type_label(declared), actual=found.description),
    )
