"""``similar`` and ``analysis`` on the known data set: JSON that scripts can rely on."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run
from tests.services.similarity_data import A, B, C, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


def at(k: Known, office: str, *args: str) -> list[str]:
    return ["--data-dir", str(k.root / office), *args]


def test_similar_json_lists_groups_with_their_reasons(
    known: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *at(known, "kecamatan", "similar", "--json"))
    assert code == 0, err
    groups = json.loads(out)
    assert [sorted(known.label_of(m["id"]) for m in g["members"]) for g in groups] == [
        ["a1", "b1"],
        ["a2", "b2"],
    ]
    first = groups[0]
    assert first["reason"] == (
        "sub-elemen sama: Proteksi lingkungan; kata kunci bersama: banjir, rob, tambak"
    )
    assert first["shared_words"] == ["banjir", "rob", "tambak"]
    assert first["desa_count"] == 2 and first["kind"] == "problem"
    assert {m["desa"] for m in first["members"]} == {A, B}
    # The same command again prints the same bytes.
    assert run(capsys, *at(known, "kecamatan", "similar", "--json"))[1] == out


def test_similar_text_and_other_kinds(known: Known, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *at(known, "kabupaten", "similar"))
    assert code == 0, err
    assert "1. sub-elemen sama: Proteksi lingkungan; kata kunci bersama: banjir, rob, tambak" in out
    assert "Desa Hurip Jaya (Kecamatan Babelan)" in out
    code, out, err = run(capsys, *at(known, "kabupaten", "similar", "--kind", "potential"))
    assert code == 0 and "Tidak ada catatan serupa" in out


def test_analysis_list_names_the_views(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "analysis", "list", "--json")
    assert code == 0
    assert "isu-strategis" in [v["name"] for v in json.loads(out)]


def test_isu_strategis_json_with_filters_and_decisions(
    known: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *at(known, "kabupaten", "analysis", "isu-strategis", "--json"))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["view"] == "isu-strategis" and doc["records"] == 11
    flood = doc["clusters"][0]
    assert flood["key"] == "proteksi_lingkungan|2.11|banjir+rob"
    assert (flood["desa_count"], flood["kecamatan_count"], flood["record_count"]) == (3, 2, 3)
    assert flood["affected"] == {"jiwa": 320, "kk": 40}
    assert flood["worst_severity"] == "sangat_berat" and flood["mean_severity"] == 3.0
    assert set(flood["desa"]) == {A, B, C}

    code, out, err = run(
        capsys,
        *at(known, "kabupaten", "analysis", "isu-strategis", "--json"),
        "--kecamatan",
        "32.16.02",
    )
    assert code == 0, err
    babelan = json.loads(out)["clusters"]
    assert [(c["key"], c["desa_count"]) for c in babelan] == [
        ("proteksi_lingkungan|2.11|banjir+rob", 1),
        ("sampah_limbah|2.11|bantaran+menumpuk", 1),
    ]

    keys = [c["key"] for c in doc["clusters"][:2]]
    code, out, err = run(
        capsys, *at(known, "kabupaten", "analysis", "isu-gabung", *keys, "--label", "Pesisir")
    )
    assert code == 0, err
    code, out, err = run(capsys, *at(known, "kabupaten", "analysis", "isu-strategis", "--json"))
    merged = json.loads(out)
    assert merged["clusters"][0]["title"] == "Pesisir"
    assert merged["clusters"][0]["record_count"] == 5
    decision = merged["decisions"][0]["id"]
    code, out, err = run(capsys, *at(known, "kabupaten", "analysis", "isu-batal", decision))
    assert code == 0, err
    code, out, err = run(capsys, *at(known, "kabupaten", "analysis", "isu-strategis", "--json"))
    assert json.loads(out)["clusters"] == doc["clusters"]


def test_refusals_exit_1_with_an_indonesian_message(
    known: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, *at(known, A, "analysis", "isu-strategis", "--json"))
    assert code == 1 and "kecamatan dan kabupaten" in err
    code, _out, err = run(
        capsys, *at(known, "kabupaten", "analysis", "isu-gabung", "tidak|ada|x", "lain|juga|y")
    )
    assert code == 1 and "Isu tidak ditemukan" in err


def test_every_view_is_listed_and_computed_with_filters_as_json(
    known: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "analysis", "list", "--json")
    names = [v["name"] for v in json.loads(out)]
    assert names[0] == "matriks-permasalahan" and "isu-strategis" in names
    code, out, err = run(
        capsys,
        *at(
            known,
            "kabupaten",
            "analysis",
            "matriks-permasalahan",
            "--kecamatan",
            "32.16.02",
            "--dimension",
            "environment",
            "--json",
        ),
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["view"] == "matriks-permasalahan"
    assert data["filters"]["kecamatan"] == "32.16.02"
    jumlah = next(t for t in data["tables"] if t["key"] == "jumlah")
    assert jumlah["totals"]["total"] == 3  # c1, c2, c3


def test_a_bad_view_filter_gets_a_message_not_a_traceback(
    known: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys, *at(known, "kabupaten", "analysis", "matriks-permasalahan", "--from", "kemarin")
    )
    assert code != 0
    assert "TTTT-BB-HH" in err and "Traceback" not in err
