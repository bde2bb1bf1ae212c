"""The Windows workflow cannot run here: check that it is valid YAML of the expected shape, and that
the scripts it calls exist and are the ones .ci/run runs on Linux."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.installer.windows_scripts import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
CI_RUN = ROOT / ".ci" / "run"
# The repository's scripts both the workflow and .ci/run call.
SHARED_SCRIPTS = (
    "installer/build.sh",
    "installer/windows/build_setup.py",
    "installer/windows/check_payload.py",
    "tests/test_frozen.py",
)


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    return list(job["steps"])


def run_text() -> str:
    return "\n".join(str(step.get("run", "")) for step in steps())


def test_the_workflow_is_yaml_for_a_windows_runner_with_python_3_12() -> None:
    doc = workflow()
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    (job,) = doc["jobs"].values()
    assert job["runs-on"] == "windows-latest"
    assert job["timeout-minutes"] <= 90
    python = [s for s in steps() if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert len(python) == 1 and python[0]["with"]["python-version"] == "3.12"
    for step in steps():
        assert ("run" in step) != ("uses" in step), step
        assert step.get("shell", job["defaults"]["run"]["shell"]) in ("bash", "pwsh", "cmd")


def test_it_calls_the_scripts_that_ci_runs_on_linux() -> None:
    ci = CI_RUN.read_text(encoding="utf-8")
    text = run_text()
    for script in SHARED_SCRIPTS:
        assert (ROOT / script).is_file(), script
        assert script in text, f"the workflow does not call {script}"
        assert script in ci, f".ci/run does not call {script}"
    # Every repository path the workflow names exists.
    for path in re.findall(r"\b((?:installer|tests|tools)/[\w./-]+\.(?:py|sh))\b", text):
        assert (ROOT / path).is_file(), path


def test_it_installs_checks_and_uninstalls_silently_keeping_the_data() -> None:
    names = [str(step.get("name", step.get("uses"))) for step in steps()]
    order = [
        "Build the frozen app",
        "Build the setup program",
        "Check its payload against the frozen folder",
        "Install silently",
        "smartcity --version",
        "Frozen smoke test against the installed copy",
        "An office in the default data folder",
        "Installing again over the installed copy keeps the office",
        "Uninstall silently",
        "The data folder is still there; the registrations are gone",
    ]
    assert [n for n in names if n in order] == order
    by_name = {str(step.get("name")): str(step.get("run", "")) for step in steps()}
    assert "'/S'" in by_name["Install silently"]
    assert "uninstall.exe" in by_name["Uninstall silently"]
    assert "'/S'" in by_name["Uninstall silently"]
    assert (
        'SMARTCITY_FROZEN_APP="$INSTALL_DIR"'
        in by_name["Frozen smoke test against the installed copy"]
    )
    assert (
        "smartcity.sqlite" in by_name["The data folder is still there; the registrations are gone"]
    )
