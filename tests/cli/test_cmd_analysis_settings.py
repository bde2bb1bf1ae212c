"""``analysis bobot``, ``analysis kriteria-quick-win``, ``analysis padanan-rpjmd`` and the three
proposal views as commands, on the known data set (tests/services/proposal_data.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.services.proposal_data import Known, proposals, proposals_template

__all__ = ["proposals", "proposals_template"]

pytestmark = pytest.mark.postgres_ready


def at(k: Known, *args: str) -> list[str]:
    return ["--data-dir", str(k.root / "kabupaten"), *args]


def test_views_and_weights_through_the_cli(
    proposals: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *at(proposals, "analysis", "peringkat-usulan", "--json"))
    assert code == 0, err
    doc = json.loads(out)
    rows = doc["tables"][0]["rows"]
    assert [(r["peringkat"], r["usulan"], r["skor"]) for r in rows] == [
        (1, "Tanggul pantai swadaya", 90.0),
        (2, "Rumah pompa tambak", 48.5),
        (3, "Perahu sampah sungai", 35.0),
        (4, "Bank sampah RW", 30.0),
    ]
    assert doc["notes"][0]["label"] == "Bobot"

    code, out, err = run(
        capsys,
        *at(proposals, "analysis", "bobot", "--set", "keparahan=60", "--set", "jangkauan=0"),
    )
    assert code == 0, err
    assert "keparahan\t60\tKeparahan masalah terkait" in out
    code, out, _e = run(capsys, *at(proposals, "analysis", "bobot", "--json"))
    weights = json.loads(out)
    assert weights["keparahan"] == 60 and weights["jangkauan"] == 0
    # The ranking follows: u3 (sangat berat) now leads. Weights Σ 120: u3 = (60 + 0.5 + 0.5 + 5
    # + 2.5 + 0) / 120 × 100 = 57.08...; u1 = (45 + 15 + 10 + 15 + 10 + 5) / 120 × 100 = 83.33.
    code, out, _e = run(capsys, *at(proposals, "analysis", "peringkat-usulan", "--json"))
    rows = json.loads(out)["tables"][0]["rows"]
    assert [(r["usulan"], r["skor"]) for r in rows[:2]] == [
        ("Tanggul pantai swadaya", 83.33),
        ("Rumah pompa tambak", 57.08),
    ]
    assert "Keparahan masalah terkait = 60" in json.loads(out)["notes"][0]["value"]

    code, out, err = run(capsys, *at(proposals, "analysis", "bobot", "--bawaan", "--json"))
    assert code == 0 and json.loads(out)["keparahan"] == 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--set", "jangkauan=-3"), "Bobot jangkauan tidak boleh negatif"),
        (("--set", "jangkauan"), "Tulis --set sebagai KUNCI=NILAI"),
        (
            ("--set", "jangkauan=0", "--set", "keparahan=0", "--set", "penerima=0",
             "--set", "biaya_per_penerima=0", "--set", "prioritas=0", "--set", "reviu=0",
             "--set", "quick_win=0"),
            "Semua bobot bernilai 0",
        ),
    ],
)  # fmt: skip
def test_bad_weights_exit_1_and_change_nothing(
    proposals: Known, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, *at(proposals, "analysis", "bobot", *args))
    assert code == 1 and message in err
    code, out, _e = run(capsys, *at(proposals, "analysis", "bobot", "--json"))
    assert json.loads(out)["jangkauan"] == 20


def test_quick_win_criteria_through_the_cli(
    proposals: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        *at(proposals, "analysis", "kriteria-quick-win", "--set", "harus_diterima=tidak",
            "--set", "biaya_maks=0", "--json"),
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {
        "quick_win_minimal": "tinggi",
        "harus_diterima": False,
        "biaya_maks": 0,
        "durasi_maks_hari": 365,
        "pelaksana_jelas": True,
    }
    code, out, err = run(capsys, *at(proposals, "analysis", "kandidat-quick-win", "--json"))
    rows = json.loads(out)["tables"][0]["rows"]
    # tinggi, no review needed, no cost cap: u4 (59 d, 30 M), u2 (59 d, 50 M), u5 (180 d)
    assert [r["usulan"] for r in rows] == [
        "Posyandu keliling",
        "Bank sampah RW",
        "Perahu sampah sungai",
    ]
    code, _o, err = run(
        capsys, *at(proposals, "analysis", "kriteria-quick-win", "--set", "durasi_maks_hari=x")
    )
    assert code == 1 and "durasi_maks_hari harus bilangan bulat" in err
    code, out, _e = run(capsys, *at(proposals, "analysis", "kriteria-quick-win"))
    assert "durasi_maks_hari\t365\t" in out and "harus_diterima\ttidak\t" in out


def test_crosswalk_import_list_and_a_bad_file(
    proposals: Known, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "padanan.csv"
    good.write_text(
        "urusan,sub_elemen,opd,kode_program,nama_program\n1.03,,,1.03.02,Program Sumber Daya Air\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, *at(proposals, "analysis", "padanan-rpjmd", "import", str(good)))
    assert code == 0, err
    assert "Tabel padanan RPJMD diganti: 1 baris dari padanan.csv." in out
    bad = tmp_path / "rusak.csv"
    bad.write_text(
        "urusan,sub_elemen,opd,kode_program,nama_program\n2.11,,,2.11.01,Program LH\n"
        "1.03,,,,Program Tanpa Kode\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, *at(proposals, "analysis", "padanan-rpjmd", "import", str(bad)))
    assert code == 1
    assert "Baris 3, kolom kode_program: kode program RPJMD wajib diisi." in err
    code, out, err = run(capsys, *at(proposals, "analysis", "padanan-rpjmd", "list", "--json"))
    assert json.loads(out) == [
        {
            "urusan": "1.03",
            "sub_elemen": "",
            "opd": "",
            "kode_program": "1.03.02",
            "nama_program": "Program Sumber Daya Air",
        }
    ]
    code, out, err = run(
        capsys, *at(proposals, "analysis", "keselarasan-urusan-opd-rpjmd", "--json")
    )
    tables = {t["key"]: t for t in json.loads(out)["tables"]}
    assert [(r["kode"], r["usulan"]) for r in tables["program-rpjmd"]["rows"]] == [
        ("1.03.02", 2),  # u1, u3
        ("", 3),
    ]
