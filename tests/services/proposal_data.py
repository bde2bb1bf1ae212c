"""A known data set for the proposal views (peringkat, quick win, keselarasan): real offices.

Villages A and B (Kecamatan Tarumajaya) and C (Kecamatan Babelan) write problems and proposals
through the record service. A and B send their bundles to Tarumajaya, which reviews the proposals
(states and priority ranks) and forwards everything to the kabupaten; C sends straight to the
kabupaten and is never reviewed. The expectations in the tests are worked out by hand from the
values below (see the comments there), never by the views' own queries.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review.decide import Decision, review_records
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import KABUPATEN_CODE, KECAMATAN_CODE, known_office_on_backend
from tests.services.review_helpers import forward, new_office, send

A = "32.16.01.2001"  # Desa Sagara Makmur, Kecamatan Tarumajaya
B = "32.16.01.2006"  # Desa Samudra Jaya, Kecamatan Tarumajaya
C = "32.16.02.2004"  # Desa Hurip Jaya, Kecamatan Babelan

# label -> (desa, values)
PROBLEMS: dict[str, tuple[str, dict[str, object]]] = {
    "pa1": (A, {"title": "Abrasi pantai", "dimension": "environment",
                "sub_element": "proteksi_lingkungan", "urusan": "2.11", "severity": "berat"}),
    "pa2": (A, {"title": "Jalan tambak rusak", "dimension": "living",
                "sub_element": "transportasi", "urusan": "1.03", "severity": "sedang"}),
    "pb1": (B, {"title": "Tambak terendam rob", "dimension": "environment",
                "sub_element": "proteksi_lingkungan", "urusan": "2.11",
                "severity": "sangat_berat"}),
    "pc1": (C, {"title": "Sampah sungai", "dimension": "environment",
                "sub_element": "sampah_limbah", "urusan": "2.11", "severity": "ringan"}),
}  # fmt: skip


def _u(**values: object) -> dict[str, object]:
    return {"dimension": "environment", **values}


# label -> (desa, values, linked problem labels)
PROPOSALS: dict[str, tuple[str, dict[str, object], tuple[str, ...]]] = {
    "u1": (A, _u(title="Tanggul pantai swadaya", sub_element="proteksi_lingkungan",
                 urusan="1.03", opd="Dinas PUPR", beneficiaries="1.200 jiwa",
                 estimated_cost=600_000_000, quick_win="sedang",
                 start_date="2027-01-01", end_date="2027-12-31"), ("pa1", "pa2")),
    "u2": (A, _u(title="Bank sampah RW", sub_element="sampah_limbah", urusan="2.11",
                 beneficiaries="Warga RW 03", estimated_cost=50_000_000, quick_win="tinggi",
                 implementation="swakelola", start_date="2027-02-01", end_date="2027-04-01"),
           ()),
    "u3": (B, _u(title="Rumah pompa tambak", sub_element="proteksi_lingkungan", urusan="1.03",
                 opd="Dinas PUPR", beneficiaries="40 KK", estimated_cost=400_000_000,
                 quick_win="rendah"), ("pb1",)),
    "u4": (B, {"title": "Posyandu keliling", "dimension": "living", "sub_element": "kesehatan",
               "urusan": "1.02", "opd": "dinas kesehatan", "beneficiaries": "300 balita",
               "estimated_cost": 30_000_000, "quick_win": "tinggi",
               "start_date": "2027-01-01", "end_date": "2027-03-01"}, ()),
    "u5": (C, _u(title="Perahu sampah sungai", sub_element="sampah_limbah", urusan="2.11",
                 opd="Dinas Lingkungan Hidup", quick_win="tinggi",
                 start_date="2027-01-01", end_date="2027-06-30"), ("pc1",)),
}  # fmt: skip

# Tarumajaya's reviews: label -> (state, priority, reason)
REVIEWS: dict[str, tuple[str, int | None, str | None]] = {
    "u1": ("diterima", 1, None),
    "u2": ("diterima", 2, None),
    "u3": ("perlu_perbaikan", 3, "biaya_tidak_wajar"),
    "u4": ("ditolak", None, "kewenangan_opd_lain"),
}


@dataclass
class Known:
    root: Path
    ids: dict[str, str]  # label -> record id

    def paths(self, office: str) -> DataPaths:
        return DataPaths(self.root / office)

    def open(self, office: str) -> AppContext:
        return open_context(self.paths(office))

    def label_of(self, record_id: str) -> str:
        return {v: k for k, v in self.ids.items()}[record_id]


def build(root: Path) -> Known:
    root.mkdir(parents=True)
    kec = open_context(new_office(root / "kecamatan", "kecamatan", KECAMATAN_CODE))
    kab = open_context(new_office(root / "kabupaten", "kabupaten", KABUPATEN_CODE))
    ids: dict[str, str] = {}
    try:
        for desa in (A, B, C):
            ctx = open_context(new_office(root / desa, "desa", desa))
            try:
                service = RecordService(ctx)
                for label, (owner, values) in PROBLEMS.items():
                    if owner == desa:
                        change = service.create(
                            RecordKind.PROBLEM, dict(values, description="Uraian."), finalise=True
                        )
                        ids[label] = change.ids[0]
                for label, (owner, values, links) in PROPOSALS.items():
                    if owner == desa:
                        full = dict(
                            values, description="Uraian.", problem_ids=[ids[x] for x in links]
                        )
                        change = service.create(RecordKind.PROPOSAL, full, finalise=True)
                        ids[label] = change.ids[0]
                # The kabupaten knows every village's key (A and B arrive inside the forward).
                trust.pin_office(kab, desa, office_fingerprint(ctx))
                send(ctx, kec if desa in (A, B) else kab, root / "bundles" / desa, "1.scb")
            finally:
                ctx.close()
        for label, (state, priority, reason) in REVIEWS.items():
            review_records(kec, [ids[label]], Decision(state, priority=priority, reason=reason))
        forward(kec, kab, root / "bundles" / "forward")
    finally:
        kec.close()
        kab.close()
    (root / "ids.json").write_text(json.dumps(ids))
    return Known(root, ids)


@pytest.fixture(scope="session")
def proposals_template(tmp_path_factory: pytest.TempPathFactory) -> Known:
    return build(tmp_path_factory.mktemp("proposals") / "known")


@pytest.fixture
def proposals(
    proposals_template: Known, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> Iterator[Known]:
    """A private copy of the known data set, free to change; the kecamatan and the kabupaten on
    the test's backend (the villages stay on SQLite)."""
    target = tmp_path / "known"
    shutil.copytree(proposals_template.root, target)
    for office in ("kecamatan", "kabupaten"):
        known_office_on_backend(request, backend, proposals_template.root / office, target / office)
    yield Known(target, dict(proposals_template.ids))
