"""installer/linux/build_deb.py: the package's layout, metadata and file types, built with the real
dpkg-deb from a small stand-in for the frozen folder (the real build is .ci/run's, ~1 minute)."""

from __future__ import annotations

import fnmatch
import gzip
import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from smartcity_desktop import __version__
from smartcity_desktop.bundles.format import BUNDLE_SUFFIX
from smartcity_desktop.bundles.parts import PART_MAGIC, part_name

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "installer" / "linux"

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed (not a Debian system)"
)


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_deb", LINUX / "build_deb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A stand-in frozen folder (a real ELF program, a shared library, a data file) packaged."""
    base = tmp_path_factory.mktemp("deb")
    frozen = base / "SmartCityDesktop"
    (frozen / "_internal" / "lib").mkdir(parents=True)
    shutil.copy(shutil.which("true") or "/bin/true", frozen / "smartcity")
    (frozen / "smartcity-desktop").symlink_to("smartcity")
    library = frozen / "_internal" / "lib" / "libexample.so.1"
    library.write_bytes(b"\x7fELF not really")
    library.chmod(0o755)  # as PyInstaller leaves them
    (frozen / "_internal" / "data.txt").write_text("x", encoding="utf-8")
    builder = load_builder()
    deb = builder.build(frozen, base / "out", base / "work", depends=["libc6 (>= 2.36)"], keep=True)
    root = base / "work" / deb.stem
    return deb, root


def deb_field(deb: Path, name: str) -> str:
    out = subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True)
    return out.stdout.strip()


def test_metadata(built: tuple[Path, Path]) -> None:
    deb, _root = built
    assert deb.name.startswith(f"smartcity-desktop_{__version__}_")
    assert deb_field(deb, "Package") == "smartcity-desktop"
    assert deb_field(deb, "Version") == __version__
    depends = deb_field(deb, "Depends")
    assert depends.startswith("libc6 (>= 2.36)")
    assert int(deb_field(deb, "Installed-Size")) > 0
    assert "Terima Data" in deb_field(deb, "Description")


def test_contents_and_modes(built: tuple[Path, Path]) -> None:
    deb, _root = built
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    entries = {line.split()[5]: line for line in listing.splitlines()}
    program = entries["./opt/smartcity-desktop/smartcity"]
    assert program.startswith("-rwxr-xr-x root/root")
    assert entries["./opt/smartcity-desktop/_internal/lib/libexample.so.1"].startswith(
        "-rw-r--r-- root/root"
    )
    assert "smartcity-desktop -> smartcity" in listing
    for command in ("smartcity", "smartcity-desktop"):
        assert f"./usr/bin/{command} -> /opt/smartcity-desktop/{command}" in listing
    share = "./usr/share/"
    for path in (
        "applications/smartcity-desktop.desktop",
        "mime/packages/smartcity-desktop.xml",
        "doc/smartcity-desktop/copyright",
        "doc/smartcity-desktop/changelog.gz",
        "lintian/overrides/smartcity-desktop",
        "icons/hicolor/scalable/apps/smartcity-desktop.svg",
        "man/man1/smartcity.1.gz",
        "man/man1/smartcity-desktop.1.gz",
    ):
        assert share + path in entries, path
    pngs = sorted(p.name for p in (REPO / "resources/icons/app").glob("smartcity-*.png"))
    for png in pngs:
        size = png.removeprefix("smartcity-").removesuffix(".png")
        assert f"{share}icons/hicolor/{size}x{size}/apps/smartcity-desktop.png" in entries


def test_changelog_names_the_version_of_the_package(built: tuple[Path, Path]) -> None:
    _deb, root = built
    text = gzip.decompress(
        (root / "usr/share/doc/smartcity-desktop/changelog.gz").read_bytes()
    ).decode()
    assert text.startswith(f"smartcity-desktop ({__version__}) unstable; urgency=medium")
    assert "@" in text.splitlines()[-1] and "@DATE@" not in text


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_is_valid_and_opens_both_file_types(built: tuple[Path, Path]) -> None:
    _deb, root = built
    desktop = root / "usr/share/applications/smartcity-desktop.desktop"
    result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    text = desktop.read_text(encoding="utf-8")
    assert "Exec=smartcity-desktop %F" in text
    assert "Comment[id]=" in text and "\nComment=" in text
    mime_types = next(ln for ln in text.splitlines() if ln.startswith("MimeType="))
    declared = {
        el.get("type")
        for el in ET.parse(LINUX / "smartcity-desktop-mime.xml").getroot()
        if el.tag.endswith("mime-type")
    }
    assert set(mime_types.removeprefix("MimeType=").strip(";").split(";")) == declared


def test_mime_types_match_the_names_and_bytes_the_app_writes() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(LINUX / "smartcity-desktop-mime.xml").getroot()
    types = {el.get("type"): el for el in root.findall("m:mime-type", ns)}
    bundle = types["application/x-smartcity-bundle"]
    part = types["application/x-smartcity-bundle-part"]
    bundle_glob = bundle.find("m:glob", ns).get("pattern")  # type: ignore[union-attr]
    part_glob = part.find("m:glob", ns).get("pattern")  # type: ignore[union-attr]
    assert fnmatch.fnmatch(f"desa-0001{BUNDLE_SUFFIX}", bundle_glob)
    name = part_name(f"desa-0001{BUNDLE_SUFFIX}", 2, 12)
    assert fnmatch.fnmatch(name, part_glob) and len(part_glob) > len(bundle_glob)
    assert not fnmatch.fnmatch(f"desa-0001{BUNDLE_SUFFIX}", part_glob)
    match = part.find("m:magic/m:match", ns)
    assert match is not None and match.get("offset") == "0"
    assert match.get("value", "").encode().decode("unicode_escape").encode() == PART_MAGIC
