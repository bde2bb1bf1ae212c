"""A known data set for Data serupa and Isu strategis: four villages in two kecamatan, real offices.

Each village writes its problems through the record service, exports a signed bundle, and the
kecamatan of Tarumajaya and the kabupaten import them. The expectations in the tests are written
by hand from these texts, not computed by the engine.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import KABUPATEN_CODE, KECAMATAN_CODE, known_office_on_backend
from tests.services.review_helpers import new_office, send

A = "32.16.01.2001"  # Desa Sagara Makmur, Kecamatan Tarumajaya
B = "32.16.01.2006"  # Desa Samudra Jaya, Kecamatan Tarumajaya
C = "32.16.02.2004"  # Desa Hurip Jaya, Kecamatan Babelan
D = "32.16.02.2005"  # Desa Pantaihurip, Kecamatan Babelan


def _p(
    title: str,
    sub: str,
    urusan: str,
    description: str,
    causes: str,
    severity: str,
    count: int | None = None,
    unit: str | None = None,
) -> dict[str, object]:
    dimension = {
        "proteksi_lingkungan": "environment",
        "sampah_limbah": "environment",
        "transportasi": "living",
        "kesehatan": "living",
    }[sub]
    return {
        "title": title,
        "description": description,
        "causes": causes,
        "dimension": dimension,
        "sub_element": sub,
        "urusan": urusan,
        "severity": severity,
        "affected_count": count,
        "affected_unit": unit,
    }


# label -> (desa, values). Titles, descriptions and causes chosen so that the words shared by
# each expected group are exactly known.
PROBLEMS: dict[str, tuple[str, dict[str, object]]] = {
    "a1": (
        A,
        _p(
            "Banjir rob merendam tambak",
            "proteksi_lingkungan",
            "2.11",
            "Air laut pasang masuk ke tambak warga.",
            "Tanggul pantai pendek.",
            "berat",
            120,
            "jiwa",
        ),
    ),
    "a2": (
        A,
        _p(
            "Jalan desa rusak berlubang",
            "transportasi",
            "1.03",
            "Aspal mengelupas sepanjang dua kilometer.",
            "Truk bermuatan berat.",
            "sedang",
            300,
            "jiwa",
        ),
    ),
    "a3": (
        A,
        _p(
            "Sampah liar menumpuk di bantaran sungai",
            "sampah_limbah",
            "2.11",
            "Bau menyengat sampai permukiman.",
            "Tidak ada angkutan.",
            "sedang",
        ),
    ),
    "a4": (
        A,
        _p(
            "Masalah yang ada di desa kami sudah lama",
            "transportasi",
            "1.03",
            "Belum ada yang memperhatikan.",
            "Tidak jelas.",
            "ringan",
        ),
    ),
    "b1": (
        B,
        _p(
            "Tambak terendam banjir rob setiap bulan",
            "proteksi_lingkungan",
            "2.11",
            "Petani ikan gagal panen; tambak jebol.",
            "Abrasi pesisir.",
            "sangat_berat",
            40,
            "kk",
        ),
    ),
    "b2": (
        B,
        _p(
            "Jalan rusak menuju sekolah",
            "transportasi",
            "1.03",
            "Anak-anak terlambat saat hujan.",
            "Drainase buruk.",
            "berat",
            150,
            "jiwa",
        ),
    ),
    "b3": (
        B,
        _p(
            "Banjir rob di permukiman nelayan",
            "kesehatan",
            "1.02",
            "Diare meningkat setelah genangan.",
            "Sanitasi buruk.",
            "sedang",
        ),
    ),
    "c1": (
        C,
        _p(
            "Banjir rob dan tambak gagal panen",
            "proteksi_lingkungan",
            "2.11",
            "Udang mati; pematang tambak hanyut.",
            "Mangrove habis.",
            "sedang",
            200,
            "jiwa",
        ),
    ),
    "c2": (
        C,
        _p(
            "Sampah menumpuk di bantaran sungai",
            "sampah_limbah",
            "2.11",
            "Aliran tersumbat plastik.",
            "Kebiasaan membuang sembarangan.",
            "berat",
        ),
    ),
    "c3": (
        C,
        _p(
            "Banjir rob merendam tambak udang",
            "proteksi_lingkungan",
            "1.03",
            "Pompa air tidak cukup; tambak terendam.",
            "Saluran dangkal.",
            "ringan",
        ),
    ),
    "d1": (
        D,
        _p(
            "Masalah yang ada di desa kami",
            "transportasi",
            "1.03",
            "Sudah lama tidak ada perhatian.",
            "Tidak jelas.",
            "ringan",
        ),
    ),
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
    """The four villages, the kecamatan Tarumajaya (A, B) and the kabupaten (all four)."""
    root.mkdir(parents=True)
    kec = open_context(new_office(root / "kecamatan", "kecamatan", KECAMATAN_CODE))
    kab = open_context(new_office(root / "kabupaten", "kabupaten", KABUPATEN_CODE))
    ids: dict[str, str] = {}
    try:
        for desa in (A, B, C, D):
            ctx = open_context(new_office(root / desa, "desa", desa))
            try:
                service = RecordService(ctx)
                for label, (owner, values) in PROBLEMS.items():
                    if owner == desa:
                        change = service.create(RecordKind.PROBLEM, dict(values), finalise=True)
                        ids[label] = change.ids[0]
                # One bundle, imported at the kabupaten and, for Tarumajaya, at the kecamatan.
                out = root / "bundles" / desa
                send(ctx, kab, out, "1.scb")
                if desa in (A, B):
                    from smartcity_desktop.services import trust
                    from smartcity_desktop.services.exchange import import_files
                    from smartcity_desktop.services.office import office_fingerprint

                    trust.pin_office(kec, desa, office_fingerprint(ctx))
                    reports = import_files(kec, [out / "1.scb"])
                    assert [r.status for r in reports] == ["imported"]
            finally:
                ctx.close()
    finally:
        kec.close()
        kab.close()
    (root / "ids.json").write_text(json.dumps(ids))
    return Known(root, ids)


@pytest.fixture(scope="session")
def known_template(tmp_path_factory: pytest.TempPathFactory) -> Known:
    return build(tmp_path_factory.mktemp("similarity") / "known")


@pytest.fixture
def known(
    known_template: Known, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> Iterator[Known]:
    """A private copy of the known data set, free to change; the kecamatan and the kabupaten on
    the test's backend (the villages stay on SQLite)."""
    target = tmp_path / "known"
    shutil.copytree(known_template.root, target)
    for office in ("kecamatan", "kabupaten"):
        known_office_on_backend(request, backend, known_template.root / office, target / office)
    yield Known(target, dict(known_template.ids))
