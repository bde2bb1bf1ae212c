"""``regions load`` on hostile and incomplete lists: streamed, capped, and never dropping a region
that the office's data still refers to."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from smartcity_desktop.domain.regions import bundled_region_csv
from smartcity_desktop.errors import UserError
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.regions import get_region, load_region_file
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import Region
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.postgres_ready

HEADER = "kode,nama,tingkat,jenis,kode_induk\n"


def region_lines(keep: Callable[[str], bool] | None = None) -> str:
    text = gzip.decompress(bundled_region_csv()).decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    return lines[0] + "".join(
        line for line in lines[1:] if keep is None or keep(line.split(",", 1)[0])
    )


def region_count(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(Region)) or 0


@pytest.fixture
def kecamatan_with_village_data(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> AppContext:
    """A kecamatan holding records of its village 32.16.01.2001 and a pin of that village."""
    generate(desa_ctx, SampleRequest(problems=3, potentials=1, proposals=1, seed=3))
    bundle = export_bundle(desa_ctx, PASSPHRASE, tmp_path / "desa.scb").paths[0]
    trust.pin_office(kecamatan_ctx, desa_ctx.office.code, office_fingerprint(desa_ctx))
    (report,) = import_files(kecamatan_ctx, [bundle], receipts=False)
    assert report.status == "imported", report.findings
    return kecamatan_ctx


def test_a_list_dropping_referenced_regions_is_refused_naming_them(
    kecamatan_with_village_data: AppContext, tmp_path: Path
) -> None:
    ctx = kecamatan_with_village_data
    before = region_count(ctx)
    path = tmp_path / "tanpa-desa.csv"
    # Keeps the kecamatan itself, drops every village of Tarumajaya (and much more).
    path.write_text(region_lines(lambda code: not code.startswith("32.16.01.")), encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_region_file(ctx, path)
    assert err.value.code == "regions.referenced_missing"
    message = str(err.value)
    assert "32.16.01.2001" in message
    assert "data permasalahan" in message
    assert region_count(ctx) == before
    assert get_region(ctx, "32.16.01.2001") is not None


def test_the_message_names_the_first_few_and_counts_the_rest(
    kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    from tests.conftest import DESA_CODE

    for code in (DESA_CODE, *(f"32.16.01.{n}" for n in range(2002, 2009))):
        fp = office_fingerprint(kecamatan_ctx)  # any well-formed fingerprint
        trust.pin_office(kecamatan_ctx, code, fp)
    path = tmp_path / "tanpa-desa.csv"
    path.write_text(region_lines(lambda code: not code.startswith("32.16.01.")), encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_region_file(kecamatan_ctx, path)
    message = str(err.value)
    assert "8 wilayah" in message
    assert "32.16.01.2001 (kunci yang disematkan)" in message
    assert "dan 3 lainnya" in message
    assert "32.16.01.2008" not in message


def test_a_list_keeping_every_referenced_region_is_loaded(
    kecamatan_with_village_data: AppContext, tmp_path: Path
) -> None:
    ctx = kecamatan_with_village_data
    path = tmp_path / "jawa-barat.csv"
    path.write_text(region_lines(lambda code: code.startswith("32")), encoding="utf-8")
    load_region_file(ctx, path)
    assert get_region(ctx, "32.16.01.2001") is not None
    assert get_region(ctx, "33") is None


def test_a_file_above_the_size_cap_is_refused_before_reading(
    desa_ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "besar.csv"
    with path.open("wb") as fh:
        fh.truncate(65 << 20)  # sparse: no disk used
    with pytest.raises(UserError, match="64 MB"):
        load_region_file(desa_ctx, path)


LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stderr=subprocess.PIPE)
err = child.stderr.read()
_pid, status, usage = os.wait4(child.pid, 0)
sys.stderr.buffer.write(err)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def test_cli_refuses_a_gzip_of_one_1_gib_line_with_little_memory(
    desa_paths: DataPaths, tmp_path: Path
) -> None:
    """4.7 MB of gzip holding one 1 GiB line once took 7.2 GB of memory."""
    bomb = tmp_path / "wilayah.csv.gz"
    with bomb.open("wb") as fh:
        fh.write(gzip.compress(HEADER.encode() + b"32,"))
        member = gzip.compress(b"a" * (1 << 20), compresslevel=9)
        for _ in range(1024):
            fh.write(member)
    root = str(Path(__file__).resolve().parents[2])
    command = [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir"]
    command += [str(desa_paths.root), "regions", "load", str(bomb)]
    # A small launcher reads the CLI's own peak memory (this test process is large).
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": root},
        timeout=300,
        check=True,
    )
    max_rss_kib, code = (int(v) for v in result.stdout.split())
    assert code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Baris 2 lebih panjang dari 1024 karakter" in result.stderr
    assert max_rss_kib < 250 * 1024
