"""Make the conformance vectors in tests/conformance/vectors/ (see its README.md).

    python3 tests/conformance/generate.py [OUT_FOLDER]

Everything is fixed (the published test keys, times, ids), so running this again gives the same
files; tests/conformance/test_vectors.py checks that. Like the writer it uses, this imports only the
standard library and ``cryptography``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from independent_writer import (  # noqa: E402
    Bag,
    canonical_json,
    certificate_document,
    key_id,
    make_row,
    public_raw,
    revocation_list_document,
    root_key_document,
)

DESA = "32.16.01.2001"
OTHER_DESA = "32.16.01.2002"
KECAMATAN = "32.16.01"
REGENCY = "32.16"
CREATED = "2026-06-01T08:00:00Z"
# A 2x2 PNG, written out so that no image library's version changes the vectors.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001649444154789c"
    "633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082"
)


def test_key(name: str) -> Ed25519PrivateKey:
    seeds = json.loads((HERE / "TEST-KEYS-DO-NOT-USE.json").read_text())["keys"]
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seeds[name]))


ROOT = test_key("root-32.16")
STRANGER_ROOT = test_key("stranger-root-32.16")
KEYS = {
    DESA: test_key("desa-32.16.01.2001"),
    OTHER_DESA: test_key("desa-32.16.01.2002"),
    KECAMATAN: test_key("kecamatan-32.16.01"),
}
ROLES = {DESA: "desa", OTHER_DESA: "desa", KECAMATAN: "kecamatan"}
# The kecamatan's previous key, which the root-signed revocation list carried by feedback revokes.
RETIRED_KECAMATAN_KEY = test_key("kecamatan-32.16.01-retired")
RETIRED_AFTER_SEQUENCE = 20


def certificate(
    office: str, root: Ed25519PrivateKey = ROOT, key: Ed25519PrivateKey | None = None
) -> dict[str, Any]:
    serial_of = office if key is None else f"{office}/{key_id(public_raw(key))}"
    return certificate_document(
        root,
        key or KEYS[office],
        office=office,
        role=ROLES[office],
        operator="Operator Uji",
        serial=hashlib.sha256(serial_of.encode()).hexdigest()[:16],
        valid_from="2026-01-01T00:00:00Z",
        valid_until="2030-12-31T00:00:00Z",
        regency=REGENCY,
    )


def record_id(vector: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"smartcity-conformance/{vector}/{n}"))


def problem_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Jalan desa rusak",
        "description": "Jalan utama dusun Krajan berlubang sepanjang 2 km.\nSaat hujan tergenang.",
        "causes": None,
        "dimension": "living",
        "sub_element": "transportasi",
        "urusan": None,
        "location_detail": "Dusun Krajan, RT 02/RW 01",
        "latitude": -6.0831,
        "longitude": 106.9602,
        "since_date": "2024-11-30",
        "affected_count": 640,
        "affected_unit": None,
        "severity": "berat",
        "info_source": None,
    }
    values.update(changes)
    return values


def potential_values() -> dict[str, Any]:
    return {
        "title": "Tambak bandeng",
        "description": "Tambak bandeng rakyat di pesisir utara.",
        "potential_type": "ekonomi",
        "dimension": "economy",
        "sub_element": None,
        "urusan": None,
        "location_detail": None,
        "latitude": None,
        "longitude": None,
        "magnitude": "40 ha tambak",
    }


def proposal_values(problem: str, potential: str) -> dict[str, Any]:
    return {
        "title": "Pengerasan jalan dan saluran",
        "description": "Betonisasi jalan 2 km dengan saluran air di kedua sisi.",
        "problem_ids": [problem],
        "potential_ids": [potential],
        "dimension": "living",
        "sub_element": "transportasi",
        "urusan": None,
        "opd": None,
        "location_detail": None,
        "latitude": None,
        "longitude": None,
        "beneficiaries": "Warga dusun Krajan",
        "volume": 2000.0,
        "unit": "meter",
        "estimated_cost": 1_500_000_000,
        "funding_source": None,
        "bidang_desa": None,
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
        "implementation": None,
        "partners": ["dunia_usaha", "pemerintah"],
        "scale": None,
        "quick_win": None,
    }


def problem_row(vector: str, office: str = DESA, **changes: Any) -> dict[str, Any]:
    return make_row(
        "problem", record_id=record_id(vector, 1), office=office, values=problem_values(**changes)
    )


def bag(vector: str, office: str = DESA, **options: Any) -> Bag:
    """A valid bundle of one problem row by ``office``, certified by the test root."""
    options.setdefault("records", {"problem": [problem_row(vector, office)]})
    return Bag(
        office=office,
        role=ROLES[office],
        key=KEYS[office],
        certificate=options.pop("certificate", certificate(office)),
        sequence=options.pop("sequence"),
        created=CREATED,
        **options,
    )


def all_kinds(vector: str, sequence: int) -> Bag:
    return bag(vector, sequence=sequence, records=all_kinds_records(vector), attachments=[PNG])


def all_kinds_records(vector: str) -> dict[str, list[dict[str, Any]]]:
    problem, potential = record_id(vector, 1), record_id(vector, 2)
    photo = hashlib.sha256(PNG).hexdigest()
    attachment = {
        "record_kind": "problem",
        "record_id": problem,
        "sha256": photo,
        "filename": "jalan.png",
        "media_type": "image/png",
        "size": len(PNG),
        "width": 2,
        "height": 2,
        "caption": "Lubang di depan balai desa",
    }
    return {
        "problem": [make_row("problem", record_id=problem, office=DESA, values=problem_values())],
        "potential": [
            make_row("potential", record_id=potential, office=DESA, values=potential_values())
        ],
        "proposal": [
            make_row(
                "proposal",
                record_id=record_id(vector, 3),
                office=DESA,
                values=proposal_values(problem, potential),
            )
        ],
        "attachment": [
            make_row("attachment", record_id=record_id(vector, 4), office=DESA, values=attachment)
        ],
    }


# --- Feedback: reviews going down from the kecamatan to a desa (sections 3.7 and 6) -----------

# The desa receiver holds, as its own final records, the problems, potentials and proposals of
# these vectors (it is their sender); a desa takes reviews of its own records only.
DESA_HOLDS = (
    "valid-minimal",
    "valid-all-kinds",
    "valid-deflated-with-directories",
    "valid-empty-kind",
)
REVIEWED_KINDS = ("problem", "potential", "proposal")


def review_values(
    target_kind: str, target_id: str, revision: int, target_hash: str, state: str, **changes: Any
) -> dict[str, Any]:
    """Section 3.7: every value present, ``null`` when empty."""
    values: dict[str, Any] = {
        "target_kind": target_kind,
        "target_id": target_id,
        "target_revision": revision,
        "target_hash": target_hash,
        "state": state,
        "reason": None,
        "comment": None,
        "priority": None,
        "redirect_urusan": None,
        "redirect_opd": None,
        "redirect_level": None,
        "merge_into": None,
    }
    values.update(changes)
    return values


def review_of(
    vector: str, n: int, kind: str, target: dict[str, Any], state: str, **changes: Any
) -> dict[str, Any]:
    """The kecamatan's review of a village record (``target``, a row as the village sent it)."""
    values = review_values(
        kind, target["id"], target["revision"], target["content_hash"], state, **changes
    )
    return make_row("review", record_id=record_id(vector, n), office=KECAMATAN, values=values)


def village_verdict(
    vector: str, n: int, desa: str, records: list[dict[str, Any]], state: str, **changes: Any
) -> dict[str, Any]:
    """The kecamatan's verdict on everything ``desa`` sent: ``records`` are its problems,
    potentials and proposals, tombstones included."""
    pairs = sorted([r["id"], r["revision"]] for r in records)
    live = sum(1 for r in records if not r["deleted"])
    digest = hashlib.sha256(canonical_json(pairs)).hexdigest()
    values = review_values("desa", desa, live, digest, state, **changes)
    return make_row("review", record_id=record_id(vector, n), office=KECAMATAN, values=values)


def revocation_list(version: int, *, root: Ed25519PrivateKey = ROOT) -> dict[str, Any]:
    """The regency's revocation lists of the vectors: version 1 revokes nothing; version 2 the
    kecamatan's retired key after its sequence 20; version 3, signed by a stranger's root, would
    revoke the kecamatan's current key (a forgery: the desa must ignore it)."""
    entries = {
        1: [],
        2: [
            {
                "office_code": KECAMATAN,
                "key_id": key_id(public_raw(RETIRED_KECAMATAN_KEY)),
                "revoked_after_sequence": RETIRED_AFTER_SEQUENCE,
                "revoked_at": "2026-05-20T00:00:00Z",
                "reason": "Kunci lama diganti",
            }
        ],
        3: [
            {
                "office_code": KECAMATAN,
                "key_id": key_id(public_raw(KEYS[KECAMATAN])),
                "revoked_after_sequence": 0,
                "revoked_at": "2026-05-25T00:00:00Z",
                "reason": "",
            }
        ],
    }[version]
    issued = {1: "2026-03-01T00:00:00Z", 2: "2026-05-20T00:00:00Z", 3: "2026-05-25T00:00:00Z"}
    return revocation_list_document(
        root, regency=REGENCY, version=version, issued=issued[version], entries=entries
    )


def in_force(document: dict[str, Any]) -> dict[str, Any]:
    """What a manifest entry says about the revocation list the desa holds after an import."""
    body = document["body"]
    return {
        "regency_code": body["regency_code"],
        "version": body["version"],
        "revoked": [
            {k: e[k] for k in ("office_code", "key_id", "revoked_after_sequence")}
            for e in body["entries"]
        ],
    }


def _replace(name: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    def edit(files: dict[str, bytes]) -> None:
        assert old in files[name], (name, old)
        files[name] = files[name].replace(old, new)

    return edit


def _rehash(kind: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    """Change a row's values and keep its content hash right (a fault in the values only)."""

    def apply(payload: dict[str, bytes]) -> None:
        from independent_writer import content_hash

        name = f"data/records/{kind}.jsonl"
        rows = [json.loads(line) for line in payload[name].splitlines()]
        for row in rows:
            edit(row["values"])
            row["content_hash"] = content_hash(kind, row)
        payload[name] = b"".join(canonical_json(r) + b"\n" for r in rows)

    return apply


def vectors() -> list[tuple[dict[str, Any], Bag]]:
    """(manifest entry, bundle) for every vector; the sequence numbers differ so that the valid
    ones can be imported one after another into the same office."""
    out: list[tuple[dict[str, Any], Bag]] = []

    def add(name: str, verdict: str, code: str | None, description: str, made: Bag, **extra: Any):
        entry = {"file": f"{name}.scb", "verdict": verdict, "code": code, **extra}
        entry["description"] = description
        out.append((entry, made))

    n = iter(range(1, 1000))
    add(
        "valid-minimal",
        "valid",
        None,
        "One problem row, nothing else: the smallest useful bundle.",
        bag("valid-minimal", sequence=next(n)),
        imported={"problem": 1},
    )
    add(
        "valid-all-kinds",
        "valid",
        None,
        "A problem, a potential, a proposal linking both, and a photo attached to the problem.",
        all_kinds("valid-all-kinds", next(n)),
        imported={"problem": 1, "potential": 1, "proposal": 1, "attachment": 1},
    )
    add(
        "valid-deflated-with-directories",
        "valid",
        None,
        "Records and tag files deflated, and directory entries for the layout's folders.",
        bag(
            "valid-deflated-with-directories",
            sequence=next(n),
            deflate=True,
            directories=["", "data", "data/records"],
        ),
        imported={"problem": 1},
    )
    add(
        "valid-empty-kind",
        "valid",
        None,
        "A kind without rows: an empty records file and a count of 0.",
        bag(
            "valid-empty-kind",
            sequence=next(n),
            records={"problem": [problem_row("valid-empty-kind")], "potential": []},
        ),
        imported={"problem": 1},
    )
    add(
        "valid-forwarding",
        "valid",
        None,
        "A kecamatan bundle forwarding a bundle of a village below it. Verifies and imports: "
        "the nested village bundle is imported with it (its rows stay the village's).",
        bag(
            "valid-forwarding",
            KECAMATAN,
            sequence=next(n),
            records={"problem": []},
            forwarded=[bag("valid-forwarding-inner", sequence=900).to_bytes()],
        ),
        receiver="kabupaten",
        imported={},
    )
    add(
        "bagit-crlf",
        "invalid",
        "bag.bad_declaration",
        "bagit.txt with CRLF line ends: the declaration must be byte for byte.",
        bag(
            "bagit-crlf",
            sequence=next(n),
            edit_tags=_replace("bagit.txt", b"\n", b"\r\n"),
        ),
    )

    def unsorted(tags: dict[str, bytes]) -> None:
        lines = tags["manifest-sha256.txt"].splitlines(keepends=True)
        tags["manifest-sha256.txt"] = b"".join(reversed(lines))

    add(
        "manifest-unsorted",
        "invalid",
        "manifest.malformed",
        "manifest-sha256.txt not sorted by path.",
        bag(
            "manifest-unsorted",
            sequence=next(n),
            records={"problem": [problem_row("manifest-unsorted")], "potential": []},
            edit_tags=unsorted,
        ),
    )
    add(
        "directory-outside-layout",
        "invalid",
        "archive.unexpected_member",
        "A directory entry data/extra/ that is not a folder of the layout.",
        bag("directory-outside-layout", sequence=next(n), directories=["data/extra"]),
    )

    def notes(payload: dict[str, bytes]) -> None:
        payload["data/notes.txt"] = b"catatan\n"

    add(
        "unexpected-file",
        "invalid",
        "archive.unexpected_member",
        "A payload file outside records/, attachments/ and forwarded/ (listed and hashed).",
        bag("unexpected-file", sequence=next(n), edit_payload=notes),
    )

    def count_without_file(header: dict[str, Any]) -> None:
        header["record_counts"]["potential"] = 0

    add(
        "count-without-file",
        "invalid",
        "header.count_mismatch",
        "record_counts names a kind (count 0) whose records file is absent.",
        bag("count-without-file", sequence=next(n), edit_header=count_without_file),
    )
    add(
        "signature-without-context",
        "invalid",
        "signature.invalid",
        "Ed25519 over the tag manifest alone, without the SmartCity-Bundle-v1 context line.",
        bag("signature-without-context", sequence=next(n), signature_context=b""),
    )

    def flip_row(members: dict[str, bytes]) -> None:
        members["data/records/problem.jsonl"] = members["data/records/problem.jsonl"].replace(
            b"Jalan desa rusak", b"Jalan desa bagus"
        )

    add(
        "payload-changed",
        "invalid",
        "manifest.hash_mismatch",
        "A records file changed after signing (same length).",
        bag("payload-changed", sequence=next(n), edit_members=flip_row),
    )
    add(
        "payload-oxum-wrong",
        "invalid",
        "manifest.size_mismatch",
        "Payload-Oxum in bag-info.txt counts one byte too many.",
        bag(
            "payload-oxum-wrong",
            sequence=next(n),
            edit_tags=lambda tags: tags.__setitem__(
                "bag-info.txt", _bump_oxum(tags["bag-info.txt"])
            ),
        ),
    )

    def unknown_header_field(header: dict[str, Any]) -> None:
        header["priority"] = "high"

    add(
        "header-unknown-field",
        "invalid",
        "header.malformed",
        "A header field the format does not define (extensions go inside 'extra').",
        bag("header-unknown-field", sequence=next(n), edit_header=unknown_header_field),
    )
    add(
        "schema-too-new",
        "invalid",
        "header.schema_too_new",
        "schema_version 2, newer than the reader knows.",
        bag("schema-too-new", sequence=next(n), schema_version=2),
    )
    add(
        "row-of-another-office",
        "invalid",
        "record.office_not_sender",
        "A village bundle carrying a row of another village.",
        bag(
            "row-of-another-office",
            sequence=next(n),
            records={"problem": [problem_row("row-of-another-office", OTHER_DESA)]},
        ),
    )
    add(
        "attachment-unreferenced",
        "invalid",
        "record.attachment_unreferenced",
        "A file under data/attachments/ that no attachment row names.",
        bag("attachment-unreferenced", sequence=next(n), attachments=[PNG]),
    )

    def traversal(members: dict[str, bytes]) -> None:
        members["../../evil.txt"] = b"x"

    add(
        "path-traversal",
        "invalid",
        "archive.path_traversal",
        "A member name with '..' segments.",
        bag("path-traversal", sequence=next(n), edit_members=traversal),
    )
    add(
        "certificate-untrusted",
        "invalid",
        "trust.certificate_untrusted",
        "Certified by a root key the receiver does not know.",
        bag(
            "certificate-untrusted",
            sequence=next(n),
            certificate=certificate(DESA, STRANGER_ROOT),
        ),
    )
    add(
        "forwarded-by-village",
        "invalid",
        "forwarded.not_allowed",
        "A village forwarding another village's bundle: only a kecamatan forwards.",
        bag(
            "forwarded-by-village",
            sequence=next(n),
            forwarded=[bag("forwarded-inner", OTHER_DESA, sequence=901).to_bytes()],
        ),
    )

    def drop_header_from_tagmanifest(members: dict[str, bytes]) -> None:
        lines = members["tagmanifest-sha256.txt"].splitlines(keepends=True)
        members["tagmanifest-sha256.txt"] = b"".join(
            line for line in lines if b"bundle-header.json" not in line
        )

    add(
        "tag-manifest-incomplete",
        "invalid",
        "manifest.tag_not_covered",
        "tagmanifest-sha256.txt does not list bundle-header.json.",
        bag(
            "tag-manifest-incomplete",
            sequence=next(n),
            edit_members=drop_header_from_tagmanifest,
        ),
    )

    def stale_hash(payload: dict[str, bytes]) -> None:
        payload["data/records/problem.jsonl"] = payload["data/records/problem.jsonl"].replace(
            b"Jalan desa rusak", b"Jalan desa retak"
        )

    add(
        "content-hash-wrong",
        "invalid",
        "record.invalid",
        "A row whose content_hash was computed before its title changed. Verifies (the bag is "
        "signed as it is); the import refuses it.",
        bag("content-hash-wrong", sequence=next(n), edit_payload=stale_hash),
        stage="import",
    )
    add(
        "unknown-value-field",
        "invalid",
        "record.invalid",
        "A field 'colour' inside values that the schema does not declare (hash kept right).",
        bag(
            "unknown-value-field",
            sequence=next(n),
            edit_payload=_rehash("problem", lambda v: v.update(colour="merah")),
        ),
        stage="import",
        message_contains="colour",
    )
    add(
        "float-written-as-integer",
        "invalid",
        "record.invalid",
        "latitude written as -6 instead of -6.0: number fields are JSON floats.",
        bag(
            "float-written-as-integer",
            sequence=next(n),
            edit_payload=_rehash("problem", lambda v: v.update(latitude=-6)),
        ),
        stage="import",
        message_contains="latitude",
    )
    _feedback_vectors(add, n, {e["file"][: -len(".scb")]: made for e, made in out})
    for entry, _made in out:
        entry.setdefault("stage", "verify")
    return out


def _feedback_vectors(add: Callable[..., None], n: Iterator[int], made: dict[str, Bag]) -> None:
    """Bundles going down: the kecamatan's feedback to its desa 32.16.01.2001, imported at that
    desa one after another (the list one installs is the list the next ones meet)."""
    held = [
        row
        for name in DESA_HOLDS
        for kind, rows in made[name].records.items()
        if kind in REVIEWED_KINDS
        for row in rows
    ]
    problem, potential, proposal = (made["valid-all-kinds"].records[k][0] for k in REVIEWED_KINDS)
    add(
        "feedback-valid",
        "valid",
        None,
        "The kecamatan's feedback to its desa: reviews of three of the desa's records and its "
        "verdict on the village as a whole. The desa holds the reviewed records (receivers.desa).",
        bag(
            "feedback-valid",
            KECAMATAN,
            sequence=next(n),
            records={
                "review": [
                    review_of("feedback-valid", 1, "problem", problem, "diterima"),
                    review_of(
                        "feedback-valid",
                        2,
                        "potential",
                        potential,
                        "perlu_perbaikan",
                        reason="foto_belum_ada",
                        comment="Lampirkan foto tambak.",
                    ),
                    review_of("feedback-valid", 3, "proposal", proposal, "diterima", priority=1),
                    village_verdict(
                        "feedback-valid",
                        4,
                        DESA,
                        held,
                        "perlu_perbaikan",
                        reason="data_belum_lengkap",
                        comment="Potensi tambak perlu foto.",
                    ),
                ]
            },
        ),
        receiver="desa",
        imported={"review": 4},
    )
    by_root = revocation_list(2)
    add(
        "feedback-revocations-by-root",
        "valid",
        None,
        "Feedback carrying the regency's revocation list version 2 (signed by the test root) in "
        "extra.revocation_list: the desa, holding none, installs it with the review.",
        bag(
            "feedback-revocations-by-root",
            KECAMATAN,
            sequence=next(n),
            records={
                "review": [
                    review_of(
                        "feedback-revocations-by-root",
                        1,
                        "problem",
                        made["valid-minimal"].records["problem"][0],
                        "ditolak",
                        reason="sudah_ada_program",
                    )
                ]
            },
            extra={"revocation_list": by_root},
        ),
        receiver="desa",
        imported={"review": 1},
        import_notes=["revocation.carried_installed"],
        revocation_in_force=in_force(by_root),
    )
    add(
        "feedback-revocations-by-stranger",
        "valid",
        None,
        "Feedback carrying a newer list (version 3) signed by a root key the desa does not hold: "
        "the list is ignored, version 2 stays in force, the review imports.",
        bag(
            "feedback-revocations-by-stranger",
            KECAMATAN,
            sequence=next(n),
            records={
                "review": [
                    review_of(
                        "feedback-revocations-by-stranger",
                        1,
                        "problem",
                        made["valid-deflated-with-directories"].records["problem"][0],
                        "dialihkan",
                        reason="kewenangan_opd_lain",
                        redirect_level="kabupaten",
                    )
                ]
            },
            extra={"revocation_list": revocation_list(3, root=STRANGER_ROOT)},
        ),
        receiver="desa",
        after=["feedback-revocations-by-root.scb"],
        imported={"review": 1},
        import_notes=["revocation.carried_unverified"],
        revocation_in_force=in_force(by_root),
    )
    add(
        "feedback-revocations-older",
        "valid",
        None,
        "Feedback carrying the root's list version 1, older than the version 2 the desa holds: "
        "the list is ignored, version 2 stays in force, the review imports.",
        bag(
            "feedback-revocations-older",
            KECAMATAN,
            sequence=next(n),
            records={
                "review": [
                    review_of(
                        "feedback-revocations-older",
                        1,
                        "problem",
                        made["valid-empty-kind"].records["problem"][0],
                        "diterima",
                    )
                ]
            },
            extra={"revocation_list": revocation_list(1)},
        ),
        receiver="desa",
        after=["feedback-revocations-by-root.scb"],
        imported={"review": 1},
        import_notes=["revocation.carried_older"],
        revocation_in_force=in_force(by_root),
    )
    other_problem = made["row-of-another-office"].records["problem"][0]
    add(
        "feedback-for-another-desa",
        "invalid",
        "record.review_outside_area",
        "The kecamatan's verdict on desa 32.16.01.2002, imported at desa 32.16.01.2001: a desa "
        "takes verdicts on itself only.",
        bag(
            "feedback-for-another-desa",
            KECAMATAN,
            sequence=next(n),
            records={
                "review": [
                    village_verdict(
                        "feedback-for-another-desa", 1, OTHER_DESA, [other_problem], "diterima"
                    )
                ]
            },
        ),
        stage="import",
        receiver="desa",
        message_contains=OTHER_DESA,
    )
    add(
        "feedback-reviews-of-another-desa",
        "invalid",
        "record.review_outside_area",
        "The kecamatan's review of a problem of desa 32.16.01.2002 (the row of "
        "row-of-another-office.scb), imported at desa 32.16.01.2001, which does not hold it: a "
        "desa takes reviews of its own records only.",
        bag(
            "feedback-reviews-of-another-desa",
            KECAMATAN,
            sequence=next(n),
            records={
                "review": [
                    review_of(
                        "feedback-reviews-of-another-desa", 1, "problem", other_problem, "diterima"
                    )
                ]
            },
        ),
        stage="import",
        receiver="desa",
        message_contains=other_problem["id"],
    )
    add(
        "feedback-by-village",
        "invalid",
        "scope.not_for_us",
        "Reviews of the desa's problem in a bundle signed by (and from) another desa: a desa "
        "takes bundles only from its kecamatan and kabupaten, so a village cannot send reviews "
        "down.",
        bag(
            "feedback-by-village",
            OTHER_DESA,
            sequence=next(n),
            records={
                "review": [
                    make_row(
                        "review",
                        record_id=record_id("feedback-by-village", 1),
                        office=OTHER_DESA,
                        values=review_values(
                            "problem",
                            problem["id"],
                            problem["revision"],
                            problem["content_hash"],
                            "diterima",
                        ),
                    )
                ]
            },
        ),
        stage="import",
        receiver="desa",
    )
    add(
        "review-by-village",
        "invalid",
        "record.review_not_allowed",
        "A desa bundle carrying a review (of another village's problem): only a kecamatan and "
        "the kabupaten review.",
        bag(
            "review-by-village",
            sequence=next(n),
            records={
                "review": [
                    make_row(
                        "review",
                        record_id=record_id("review-by-village", 1),
                        office=DESA,
                        values=review_values(
                            "problem",
                            other_problem["id"],
                            other_problem["revision"],
                            other_problem["content_hash"],
                            "diterima",
                        ),
                    )
                ]
            },
        ),
        stage="import",
    )


def _bump_oxum(bag_info: bytes) -> bytes:
    lines = bag_info.decode().splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("Payload-Oxum: "):
            octets, count = line.split(": ")[1].strip().split(".")
            lines[i] = f"Payload-Oxum: {int(octets) + 1}.{count}\n"
    return "".join(lines).encode()


def write_all(folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for entry, made in vectors():
        made.write(folder / entry["file"])
        entries.append(entry)
    root = root_key_document(ROOT, REGENCY, "2026-01-01T00:00:00Z")
    (folder / "root-key.json").write_bytes(canonical_json(root) + b"\n")
    manifest = {
        "format": "smartcity-conformance-vectors-v1",
        "root_key": "root-key.json",
        "default_receiver": {"office_code": KECAMATAN, "role": "kecamatan"},
        "receivers": {
            "kecamatan": {"office_code": KECAMATAN, "role": "kecamatan"},
            "kabupaten": {"office_code": REGENCY, "role": "kabupaten"},
            "desa": {
                "office_code": DESA,
                "role": "desa",
                "holds": [f"{name}.scb" for name in DESA_HOLDS],
                "holds_kinds": list(REVIEWED_KINDS),
            },
        },
        "vectors": entries,
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "vectors"
    made = write_all(target)
    print(f"{len(made['vectors'])} vectors written to {target}")
