"""``smartcity import`` prepares the analysis views after a committed import, and ``smartcity
analysis prepare`` on request: a new process then reads what was prepared; a failure or an
interrupt there leaves the import as it is; a desa does nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from smartcity_desktop.services import kept_files
from smartcity_desktop.services.analysis import prepare
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.review import stages
from smartcity_desktop.storage.paths import DataPaths
from tests.cli.test_cli import run
from tests.conftest import PASSPHRASE
from tests.services.analysis.test_prepare import (
    KEPT,
    Builds,
    bundle,
    new_process,
    written,
)
from tests.services.analysis.views_data import ViewsData, views_data, views_template

__all__ = ["bundle", "views_data", "views_template"]

pytestmark = pytest.mark.postgres_ready

PREPARING = "Menyiapkan tampilan analisis…"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", PASSPHRASE)


def _kab(views_data: ViewsData) -> str:
    return str(views_data.paths("kabupaten").root)


def _live_problems(root: str) -> int:
    ctx = open_context(DataPaths(Path(root)))
    try:
        with ctx.db.session() as session:
            return int(
                session.execute(text("SELECT count(*) FROM problem WHERE NOT deleted")).scalar_one()
            )
    finally:
        ctx.close()


def test_import_prepares_the_views_and_the_next_command_builds_nothing(
    capsys: pytest.CaptureFixture[str],
    views_data: ViewsData,
    bundle: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kab = _kab(views_data)
    new_process()
    code, out, err = run(capsys, "--data-dir", kab, "import", *map(str, bundle))
    assert code == 0, err
    lines = out.splitlines()
    assert "DIIMPOR" in out and PREPARING in lines
    assert lines[-1].startswith("Tampilan analisis siap (") and lines[-1].endswith(" detik).")
    files = written(Path(kab))
    assert set(files) == {*KEPT, "kelengkapan"}

    new_process()  # the next command is a new process: only the files remain
    builds = Builds(monkeypatch)
    for name in ("peringkat-usulan", "kesenjangan-masalah-usulan", "isu-strategis"):
        code, out, err = run(capsys, "--data-dir", kab, "analysis", name, "--stage", "diterima")
        assert code == 0, err
    assert builds.calls == []
    assert written(Path(kab)) == files


def test_import_with_json_keeps_stdout_for_the_json(
    capsys: pytest.CaptureFixture[str], views_data: ViewsData, bundle: list[Path]
) -> None:
    code, out, err = run(capsys, "--data-dir", _kab(views_data), "import", "--json", str(bundle[0]))
    assert code == 0 and json.loads(out)[0]["status"] == "imported"
    assert PREPARING in err and "Tampilan analisis siap" in err


def test_nothing_imported_or_no_prepare_prepares_nothing(
    capsys: pytest.CaptureFixture[str], views_data: ViewsData, bundle: list[Path]
) -> None:
    kab = _kab(views_data)
    code, out, _ = run(capsys, "--data-dir", kab, "import", "--dry-run", str(bundle[0]))
    assert code == 0 and PREPARING not in out
    code, out, _ = run(capsys, "--data-dir", kab, "import", "--no-prepare", str(bundle[0]))
    assert code == 0 and "DIIMPOR" in out and PREPARING not in out
    code, out, _ = run(capsys, "--data-dir", kab, "import", str(bundle[0]))  # already imported
    assert code == 0 and "SUDAH PERNAH DIIMPOR" in out and PREPARING not in out


@pytest.mark.parametrize("fault", [RuntimeError("disk penuh"), KeyboardInterrupt()])
def test_a_failure_or_interrupt_while_preparing_leaves_the_import(
    capsys: pytest.CaptureFixture[str],
    views_data: ViewsData,
    bundle: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    fault: BaseException,
) -> None:
    kab = _kab(views_data)
    before = _live_problems(kab)

    def failing(*_args: object, **_kwargs: object) -> None:
        raise fault

    monkeypatch.setattr(prepare, "prepare_reads", failing)
    code, out, err = run(capsys, "--data-dir", kab, "import", str(bundle[0]))
    assert code == 0 and "DIIMPOR" in out
    assert "data yang diimpor tetap tersimpan" in err
    assert _live_problems(kab) == before + 1


def test_analysis_prepare_on_request(
    capsys: pytest.CaptureFixture[str], views_data: ViewsData, monkeypatch: pytest.MonkeyPatch
) -> None:
    kab = _kab(views_data)
    for name in KEPT:
        kept_files.path_of(Path(kab), name).unlink(missing_ok=True)
    stages.cache_file(Path(kab)).unlink(missing_ok=True)
    new_process()
    code, out, err = run(capsys, "--data-dir", kab, "analysis", "prepare")
    assert code == 0, err
    assert out.splitlines()[0] == PREPARING and "Tampilan analisis siap" in out
    files = written(Path(kab))
    assert set(files) == {*KEPT, "kelengkapan"}
    # Nothing changed since: read back, nothing built or written again.
    new_process()
    builds = Builds(monkeypatch)
    assert run(capsys, "--data-dir", kab, "analysis", "prepare")[0] == 0
    assert builds.calls == [] and written(Path(kab)) == files


def test_analysis_prepare_is_refused_at_a_desa(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    code, out, err = run(capsys, "--data-dir", str(desa_paths.root), "analysis", "prepare")
    assert code == 1 and out == "" and "kantor kecamatan dan kabupaten" in err
    assert not (desa_paths.root / "cache" / kept_files.FOLDER).exists()
