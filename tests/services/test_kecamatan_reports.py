"""Rekap Kecamatan, Berita Acara and the reminder on a real kecamatan: two villages' bundles
imported, reviewed (with priority ranks) and verified; read back with pypdf."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.completeness import set_deadline
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.kecamatan_reports import (
    build_berita_acara,
    build_kecamatan_recap,
    reminder_text,
    write_reminder_letter,
)
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.reports import build_desa_recap
from smartcity_desktop.services.review import Decision, review_records, verify_village
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import update_settings
from tests.conftest import DESA_CODE
from tests.services.review_helpers import ids, new_office, send

pytestmark = pytest.mark.postgres_ready


OTHER_DESA = "32.16.01.2002"  # Segarajaya, also in Tarumajaya
LATE_DESA = "32.16.01.2003"  # Pusaka Rakyat: never sends anything
CAMAT = "Drs. H. Rahmat Hidayat, M.Si."


@pytest.fixture
def segarajaya(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(new_office(tmp_path / "segarajaya", "desa", OTHER_DESA))
    yield ctx
    ctx.close()


@pytest.fixture
def kecamatan(
    desa_ctx: AppContext, segarajaya: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> AppContext:
    """Sagara Makmur: everything reviewed, two proposals ranked, verified. Segarajaya: part
    reviewed, one record sent back. The other six villages of Tarumajaya sent nothing."""
    generate(desa_ctx, SampleRequest(problems=6, potentials=3, proposals=4, seed=7))
    generate(segarajaya, SampleRequest(problems=3, potentials=2, proposals=0, seed=8))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "sagara-1.scb")
    send(segarajaya, kecamatan_ctx, tmp_path / "out2", "segarajaya-1.scb")
    kec = kecamatan_ctx
    kec.clock = lambda: dt.datetime(2026, 12, 1, 5, 0)  # Selasa, 1 Desember 2026
    proposals = ids(kec, RecordKind.PROPOSAL, DESA_CODE)
    review_records(kec, [proposals[0]], Decision("diterima", priority=2))
    review_records(kec, [proposals[1]], Decision("diterima", priority=1))
    rest = [i for kind in RecordKind for i in ids(kec, kind, DESA_CODE) if i not in proposals[:2]]
    review_records(kec, rest, Decision("diterima"))
    verify_village(kec, DESA_CODE, "diterima", comment="Lengkap")
    problems = ids(kec, RecordKind.PROBLEM, OTHER_DESA)
    review_records(kec, [problems[0]], Decision("perlu_perbaikan", reason="foto_belum_ada"))
    review_records(kec, [problems[1]], Decision("ditolak", reason="duplikat"))
    set_deadline(kec, dt.date(2026, 11, 20))
    update_settings(kec, {"kepala_desa_name": CAMAT, "office_address": "Jl. Raya Tarumajaya No. 1"})
    return kec


def read(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def proposal_title(ctx: AppContext, record_id: str) -> str:
    return RecordService(ctx).get(RecordKind.PROPOSAL, record_id).values["title"]


def embedded_fonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) per font as ``pdffonts`` lists it."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        cols = line.split()
        # name type [encoding...] emb sub uni object ID: emb is 5th from the end
        rows.append((cols[0], cols[-5]))
    return rows


def test_rekap_kecamatan_lists_villages_dimensions_states_and_priorities(
    kecamatan: AppContext, tmp_path: Path
) -> None:
    out = build_kecamatan_recap(kecamatan, tmp_path / "rekap-kec.pdf")
    pages = read(out)
    text = "\n".join(pages)
    first, last = pages[0], pages[-1]
    assert "PEMERINTAH KABUPATEN BEKASI" in first and "KECAMATAN TARUMAJAYA" in first
    assert "REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI KECAMATAN" in first
    assert "Tarumajaya, 1 Desember 2026" in first
    assert "Tenggat pengiriman data desa: 20 November 2026" in first
    # Every village of Tarumajaya from the region list, including those that sent nothing.
    for name in ("Desa Sagara Makmur", "Desa Segarajaya", "Desa Pantai Makmur", "belum ada"):
        assert name in text, name
    assert "13 dari 13" in text  # Sagara Makmur fully reviewed
    assert "2 dari 5" in text  # Segarajaya: two of five
    assert "Diverifikasi kecamatan" in text
    for heading in ("Catatan per desa dan per dimensi", "Hasil reviu kecamatan per desa"):
        assert heading in text
    assert "Perlu perbaikan" in text and "Ditolak" in text
    assert "Daftar prioritas usulan inovasi" in text
    first_rank = proposal_title(kecamatan, ids(kecamatan, RecordKind.PROPOSAL, DESA_CODE)[1])
    second_rank = proposal_title(kecamatan, ids(kecamatan, RecordKind.PROPOSAL, DESA_CODE)[0])
    flat = text.replace("\n", " ")
    assert flat.index(first_rank[:30]) < flat.index(second_rank[:30])
    assert "2 usulan inovasi lain belum diberi peringkat prioritas" in text
    # Signatures and the same place and date as on page 1; numbered pages.
    assert "Camat Tarumajaya" in last and CAMAT in last and "Operator Uji" in last
    assert last.count("Tarumajaya, 1 Desember 2026") >= 1
    assert f"Halaman {len(pages)} dari {len(pages)}" in last
    assert "KECAMATAN TARUMAJAYA – KECAMATAN TARUMAJAYA" not in text
    assert all(emb == "yes" for _name, emb in embedded_fonts(out))


def test_berita_acara_names_verified_villages_counts_and_signatories(
    kecamatan: AppContext, tmp_path: Path
) -> None:
    verify_village(kecamatan, OTHER_DESA, "perlu_perbaikan", reason="data_belum_lengkap")
    out = build_berita_acara(kecamatan, tmp_path / "ba.pdf")
    pages = read(out)
    text = "\n".join(pages)
    assert "BERITA ACARA VERIFIKASI KECAMATAN" in pages[0]
    assert "Pada hari ini Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam" in text
    assert "telah dilaksanakan verifikasi kecamatan" in text
    assert "2 telah diverifikasi: 1 diterima dan 1 dikembalikan" in text
    assert "Desa Sagara Makmur" in text and "Desa Segarajaya" in text
    assert "Dikembalikan untuk diperbaiki" in text and "Data belum lengkap" in text
    assert "Desa Pantai Makmur" in text  # listed among those not yet verified
    assert "Camat Tarumajaya" in pages[-1] and CAMAT in pages[-1]
    assert "Operator kecamatan" in pages[-1] and "Operator Uji" in pages[-1]
    assert "Tarumajaya, 1 Desember 2026" in pages[-1]
    assert all(emb == "yes" for _name, emb in embedded_fonts(out))


def test_reminder_letter_and_text_for_a_late_village(kecamatan: AppContext, tmp_path: Path) -> None:
    out = write_reminder_letter(kecamatan, LATE_DESA, tmp_path / "pengingat.pdf")
    (page,) = read(out)
    assert "Nomor" in page and "Lampiran" in page
    assert "Perihal : Pengingat penyampaian data Smart City" in page
    assert "Yth. Kepala Desa Pusaka Rakyat di tempat" in page
    assert "paling lambat tanggal 20 November 2026" in page
    assert "Belum ada paket data yang diterima kecamatan" in page
    assert "Tarumajaya, 1 Desember 2026" in page
    assert "Camat Tarumajaya" in page and CAMAT in page
    assert all(emb == "yes" for _name, emb in embedded_fonts(out))
    text = reminder_text(kecamatan, LATE_DESA)
    lines = text.splitlines()
    assert lines[0] == "Yth. Kepala Desa Pusaka Rakyat,"
    assert lines[1] == (
        "Kecamatan Tarumajaya belum menerima data Smart City yang lengkap dari Desa Pusaka "
        "Rakyat. Tenggat pengiriman: 20 November 2026 (11 hari yang lalu)."
    )
    assert "belum ada paket data" in lines[2]
    assert "buka halaman Kirim Data" in text and ".scb" in text  # what to do in the app
    assert lines[-1] == "Operator Kecamatan Tarumajaya: Operator Uji"
    assert len(text) < 600  # fits a chat message
    english = reminder_text(kecamatan, LATE_DESA, language="en")
    assert english.startswith("Dear Village Head")
    assert "Sending deadline: 20 November 2026 (11 days ago)." in english
    assert "open the Send Data page" in english


def test_reminder_text_without_a_passed_deadline(kecamatan: AppContext) -> None:
    set_deadline(kecamatan, dt.date(2026, 12, 10))
    text = reminder_text(kecamatan, LATE_DESA)
    assert "Tenggat: 10 Desember 2026." in text and "hari yang lalu" not in text
    set_deadline(kecamatan, None)
    assert "Tenggat" not in reminder_text(kecamatan, LATE_DESA)
    verified = reminder_text(kecamatan, DESA_CODE)  # sent and verified: nothing missing
    assert "belum menerima" not in verified and "Yang masih kurang" not in verified
    assert "mengingatkan agar data Smart City terbaru dari Desa Sagara Makmur dikirim" in verified


def test_reminder_names_records_sent_back(kecamatan: AppContext, tmp_path: Path) -> None:
    text = reminder_text(kecamatan, OTHER_DESA)
    # it sent its bundle, so it is not late: the deadline without "days ago"
    assert "Tenggat: 20 November 2026." in text and "hari yang lalu" not in text
    assert "1 catatan dikembalikan kecamatan untuk diperbaiki" in text
    assert "Usulan Inovasi: belum ada catatan" in text
    out = write_reminder_letter(kecamatan, OTHER_DESA, tmp_path / "p2.pdf")
    assert "1 catatan dikembalikan kecamatan untuk diperbaiki" in read(out)[0]


def test_reminder_for_a_village_outside_the_kecamatan_is_refused(
    kecamatan: AppContext, tmp_path: Path
) -> None:
    with pytest.raises(UserError) as refused:
        write_reminder_letter(kecamatan, "32.16.02.2001", tmp_path / "x.pdf")
    assert refused.value.code == "report.desa_outside_area"
    assert "tidak ada di wilayah" in str(refused.value)
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".*part")) == []


def test_kecamatan_reports_refused_at_a_desa(desa_ctx: AppContext, tmp_path: Path) -> None:
    for build in (build_kecamatan_recap, build_berita_acara):
        with pytest.raises(UserError) as refused:
            build(desa_ctx, tmp_path / "x.pdf")
        assert refused.value.code == "report.kecamatan_only"
    assert list(tmp_path.glob("*.pdf")) == []


def test_rekap_desa_is_refused_at_a_kecamatan_instead_of_an_empty_recap(
    kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    # It used to be an empty "Rekap Desa" titled "KECAMATAN TARUMAJAYA – KECAMATAN TARUMAJAYA".
    with pytest.raises(UserError) as refused:
        build_desa_recap(kecamatan_ctx, tmp_path / "rekap.pdf")
    assert refused.value.code == "report.desa_only"
    assert "Rekap Kecamatan" in str(refused.value)
    assert list(tmp_path.glob("*.pdf")) == []
