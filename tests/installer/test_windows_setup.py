"""The Windows setup program: the NSIS script agrees with the app, compiles, and carries exactly the
frozen folder (plus its uninstaller and console helper).

The compile tests run the real script through Debian's makensis against a small stand-in for the
frozen folder and list the result with 7-Zip; .ci/run installs both and also checks the setup
program built from the real frozen folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from smartcity_desktop.bundles.format import BUNDLE_SUFFIX
from smartcity_desktop.bundles.parts import part_name
from smartcity_desktop.storage.paths import APP_DIR_NAME, PORTABLE_MARKER
from tests.installer.windows_scripts import NSI, ROOT, WINDOWS, load, nsi_defines

check_payload = load("check_payload")
build_setup = load("build_setup")

HAVE_TOOLS = bool(shutil.which("makensis")) and any(
    shutil.which(name) for name in ("7z", "7zz", "7za")
)
needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="makensis and 7z not installed")

LISTING = """
7-Zip [64] 26.02 : Copyright (c) 1999-2026 Igor Pavlov : 2026-06-25

Listing archive: SmartCity-Setup-0.1.0.exe

--
Path = SmartCity-Setup-0.1.0.exe
Type = Nsis
Physical Size = 70666285

----------
Path = $PLUGINSDIR/System.dll
Size = 29696
Attributes =

Path = smartcity.exe
Size = 120
Attributes =

Path = _internal\\base_library.zip
Size = 4
Attributes =

Path = uninstall.exe
Size =
Attributes =
"""


def test_parse_listing_reads_paths_and_sizes() -> None:
    assert check_payload.parse_listing(LISTING) == {
        "$PLUGINSDIR/System.dll": 29696,
        "smartcity.exe": 120,
        "_internal/base_library.zip": 4,
        "uninstall.exe": None,
    }


def test_parse_listing_refuses_other_output() -> None:
    with pytest.raises(ValueError):
        check_payload.parse_listing("Error: cannot open the file as archive\n")


FROZEN = {"smartcity.exe": 120, "_internal/base_library.zip": 4}
PAYLOAD = {
    "$PLUGINSDIR/System.dll": 29696,
    "smartcity.exe": 120,
    "_internal/base_library.zip": 4,
    "uninstall.exe": None,
    "smartcity-prompt.cmd": 300,
}


def test_compare_accepts_the_folder_plus_uninstaller_and_helper() -> None:
    assert check_payload.compare(PAYLOAD, FROZEN) == []


def test_compare_names_every_difference() -> None:
    payload = {**PAYLOAD, "stray.dll": 1, "_internal/base_library.zip": 5}
    del payload["uninstall.exe"]
    frozen = {**FROZEN, "_internal/new.pyd": 9}
    assert check_payload.compare(payload, frozen) == [
        "missing from the setup program: _internal/new.pyd",
        "in the setup program but not in the frozen folder: stray.dll",
        "not in the setup program: uninstall.exe",
        "size differs: _internal/base_library.zip (frozen 4, setup 5)",
    ]


def test_compare_refuses_a_frozen_folder_in_portable_mode() -> None:
    frozen = {**FROZEN, "portable.txt": 0, "data/smartcity.sqlite": 10}
    payload = {**PAYLOAD, "portable.txt": 0, "data/smartcity.sqlite": 10}
    assert check_payload.compare(payload, frozen) == [
        "in the frozen folder, must not be shipped (portable mode): data/smartcity.sqlite",
        "in the frozen folder, must not be shipped (portable mode): portable.txt",
    ]


def test_the_script_agrees_with_the_app_and_the_checker() -> None:
    defines = nsi_defines()
    # Bundles and split parts: one extension, the one the app writes.
    assert defines["BUNDLE_EXT"] == BUNDLE_SUFFIX
    assert part_name(f"desa{BUNDLE_SUFFIX}", 1, 3).endswith(defines["BUNDLE_EXT"])
    # The data folder the uninstaller asks about is the one platformdirs gives the app.
    assert defines["APPKEY"] == APP_DIR_NAME
    assert "$LOCALAPPDATA\\${APPKEY}" in NSI.read_text(encoding="utf-8")
    assert defines["PORTABLE_MARKER"] == PORTABLE_MARKER
    assert {defines["UNINSTALLER"], defines["PROMPT_CMD"]} == check_payload.EXTRA_ALLOWED
    assert (WINDOWS / defines["PROMPT_CMD"]).is_file()
    # The executables are the ones PyInstaller's spec names.
    spec = (ROOT / "installer" / "smartcity.spec").read_text(encoding="utf-8")
    for exe in (defines["GUI_EXE"], defines["CLI_EXE"]):
        assert f'name="{exe.removesuffix(".exe")}"' in spec
    assert defines["MIN_BUILD"] == "17763"  # Windows 10 1809, Qt 6's minimum


def test_a_bundle_opens_in_the_desktop_app() -> None:
    text = NSI.read_text(encoding="utf-8")
    command = re.search(r'\\shell\\open\\command" "" \\\n\s*(.+)', text)
    assert command, "no open command registered for bundles"
    assert command.group(1) == '\'"$INSTDIR\\${GUI_EXE}" "%1"\''
    assert 'WriteRegStr HKCU "Software\\Classes\\${BUNDLE_EXT}" "" "${PROGID}"' in text
    assert "HKLM" not in text  # a per-user install writes nothing machine-wide
    assert "RequestExecutionLevel user" in text


def test_every_text_exists_in_indonesian_and_english() -> None:
    text = NSI.read_text(encoding="utf-8")
    found = re.findall(r"^LangString (\w+) \$\{LANG_(\w+)\}", text, re.MULTILINE)
    by_language: dict[str, set[str]] = {}
    for key, language in found:
        by_language.setdefault(language, set()).add(key)
    assert set(by_language) == {"INDONESIAN", "ENGLISH"}
    assert by_language["INDONESIAN"] == by_language["ENGLISH"]
    used = set(re.findall(r"\$\((\w+)\)", text))
    assert used == by_language["INDONESIAN"]
    # Indonesian is the first language, so the default one.
    languages = re.findall(r'^!insertmacro MUI_LANGUAGE "(\w+)"', text, re.MULTILINE)
    assert languages == ["Indonesian", "English"]


def test_only_program_files_are_removed_without_asking() -> None:
    """Every recursive delete in the script: the program's own folders, or a data folder the user
    said yes to (the question's default button and a silent uninstall say no)."""
    text = NSI.read_text(encoding="utf-8")
    targets = re.findall(r"RMDir /r (\S+)", text)
    assert sorted(targets) == sorted(['"$INSTDIR\\_internal"', '"$SMPROGRAMS\\${APPNAME}"', '"$0"'])
    asked = re.search(r"\$\{If\} \$\{Cmd\} `MessageBox ([^`]*)`\n\s*RMDir /r \"\$0\"", text)
    assert asked, "the data folder is removed only on a yes"
    assert "MB_DEFBUTTON2" in asked.group(1) and "/SD IDNO" in asked.group(1)


def test_four_part_version() -> None:
    assert build_setup.four_part_version("0.1.0") == "0.1.0.0"
    assert build_setup.four_part_version("1.2.0rc1") == "1.2.0.0"
    assert build_setup.four_part_version("2.3") == "2.3.0.0"
    assert build_setup.app_version() == __import__("smartcity_desktop").__version__


def fake_frozen_folder(root: Path) -> Path:
    app = root / "SmartCityDesktop"
    (app / "_internal" / "smartcity_desktop" / "resources").mkdir(parents=True)
    (app / "smartcity.exe").write_bytes(b"MZ" + b"\0" * 100)
    (app / "smartcity-desktop.exe").write_bytes(b"MZ" + b"\1" * 90)
    (app / "_internal" / "base_library.zip").write_bytes(b"PK\5\6" + b"\0" * 18)
    (app / "_internal" / "smartcity_desktop" / "resources" / "regions.csv").write_text(
        "32.16.01.2001,Sagara Makmur\n", encoding="utf-8"
    )
    return app


@needs_tools
@pytest.mark.slow
def test_the_real_script_compiles_and_carries_exactly_the_folder(tmp_path: Path) -> None:
    app = fake_frozen_folder(tmp_path)
    setup = build_setup.build(app, tmp_path / "out")
    assert setup.name == f"SmartCity-Setup-{build_setup.app_version()}.exe"
    assert setup.read_bytes()[:2] == b"MZ"
    payload = check_payload.list_setup(setup)
    assert check_payload.compare(payload, check_payload.frozen_files(app)) == []
    assert check_payload.main([str(setup), str(app)]) == 0

    # The frozen folder changed after the setup program was built: the check says what differs.
    (app / "_internal" / "added.pyd").write_bytes(b"x")
    (app / "smartcity-desktop.exe").unlink()
    assert check_payload.main([str(setup), str(app)]) == 1
    assert check_payload.compare(payload, check_payload.frozen_files(app)) == [
        "missing from the setup program: _internal/added.pyd",
        "in the setup program but not in the frozen folder: smartcity-desktop.exe",
    ]


@needs_tools
def test_the_build_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="build the frozen app first"):
        build_setup.build(tmp_path / "nothing", tmp_path / "out")
