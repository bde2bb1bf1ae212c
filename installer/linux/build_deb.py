"""Build the Debian package from the PyInstaller one-folder build.

    python3 installer/linux/build_deb.py [--frozen dist/SmartCityDesktop] [--out dist]

Needs dpkg-deb, dpkg-shlibdeps (package dpkg-dev) and patchelf. What the package holds:

    /opt/smartcity-desktop/                       the frozen folder as built (installer/build.sh)
    /usr/bin/smartcity, /usr/bin/smartcity-desktop  symbolic links into it
    /usr/share/applications/smartcity-desktop.desktop   menu entry; opens bundles on Terima Data
    /usr/share/mime/packages/smartcity-desktop.xml      the bundle and bundle-part file types
    /usr/share/icons/hicolor/*/apps/smartcity-desktop.{png,svg}
    /usr/share/man/man1/{smartcity,smartcity-desktop}.1.gz
    /usr/share/doc/smartcity-desktop/{copyright,changelog.gz}
    /usr/share/lintian/overrides/smartcity-desktop

The menu, file-type and icon caches are refreshed by dpkg triggers of desktop-file-utils,
shared-mime-info and hicolor-icon-theme, so the package needs no maintainer scripts. Depends
lists the system libraries the frozen folder leaves out (installer/smartcity.spec), as
dpkg-shlibdeps finds them from the ELF files, plus the packages needed to show a window.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PACKAGE = "smartcity-desktop"
PREFIX = Path("opt") / PACKAGE
ICONS = REPO / "resources" / "icons" / "app"
COMMANDS = ("smartcity", "smartcity-desktop")
DEFAULT_MAINTAINER = "SmartCity Desktop team <maintainers@smartcity-desktop.invalid>"

# Loaded by Qt at run time (dlopen), so no ELF file names them: the xcb platform plugin's
# cursor and keyboard libraries are in the plugin's NEEDED list, but the OpenGL and EGL
# libraries Qt's xcb and wayland integrations open are not, and without fonts Qt draws nothing.
RUNTIME_DEPENDS = ("libgl1", "libegl1", "fonts-dejavu-core | fonts-noto-core")

DESCRIPTION = """\
Description: village needs for a regency Smart City plan (desktop and CLI)
 SmartCity Desktop is used by village (desa), sub-district (kecamatan) and
 regency (kabupaten) offices in Indonesia to capture problems, potentials and
 innovation proposals offline and to exchange them as signed bundles on a
 USB stick or through a messaging app.
 .
 This package holds the desktop application (smartcity-desktop) and the
 command line (smartcity), with their own Python and Qt under
 /opt/smartcity-desktop. Double-clicking a bundle (.scb) or a part of a split
 bundle opens it on the Terima Data page, checked but not yet imported.
"""


def package_version() -> str:
    sys.path.insert(0, str(REPO))
    from smartcity_desktop import __version__

    return str(__version__)


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def changelog_date() -> str:
    """The last commit's date, so that two builds of one commit give the same changelog."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        out = subprocess.run(
            ["git", "-C", str(REPO), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=False,
        )
        epoch = out.stdout.strip() or None
    return email.utils.formatdate(float(epoch) if epoch else None, usegmt=False)


def maintainer() -> str:
    name, mail = os.environ.get("DEBFULLNAME"), os.environ.get("DEBEMAIL")
    return f"{name} <{mail}>" if name and mail else DEFAULT_MAINTAINER


_SIZE = re.compile(r"smartcity-(\d+)\.png$")


def icon_sizes() -> list[int]:
    sizes = [int(m.group(1)) for p in ICONS.glob("smartcity-*.png") if (m := _SIZE.match(p.name))]
    return sorted(sizes)


def _copy(src: Path, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def _gzip(data: bytes, dest: Path) -> None:
    """gzip -9n: no file name or time stamp inside, as dh_compress does."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with (
        dest.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(data)
    dest.chmod(0o644)


def _is_elf_executable(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(18)
    # e_type 2 (ET_EXEC) or a position-independent executable (ET_DYN with an interpreter) are
    # both possible; PyInstaller's bootloaders are the only ELF files without a .so name here.
    return head[:4] == b"\x7fELF" and ".so" not in path.name


def normalise_modes(tree: Path) -> None:
    """0755 for folders and programs, 0644 for everything else, whatever the build left: shared
    libraries need no execute bit, and lintian checks it."""
    for path in tree.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir() or _is_elf_executable(path):
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def drop_foreign_runpaths(tree: Path) -> int:
    """Remove library search paths of the build machine (a Python built under /root/.pyenv
    leaves its own lib folder in every extension module): on an office PC they point nowhere,
    or somewhere unrelated. ``$ORIGIN`` paths, which the wheels' libraries need, stay. Returns
    how many files were changed."""
    changed = 0
    for path in elf_files(tree):
        out = subprocess.run(
            ["patchelf", "--print-rpath", str(path)], capture_output=True, text=True, check=False
        )
        current = out.stdout.strip()
        if out.returncode != 0 or not current:
            continue
        kept = [p for p in current.split(":") if p.startswith("$ORIGIN")]
        if kept == current.split(":"):
            continue
        if kept:
            command = ["patchelf", "--set-rpath", ":".join(kept), str(path)]
        else:
            command = ["patchelf", "--remove-rpath", str(path)]
        subprocess.run(command, check=True)
        changed += 1
    return changed


def stage(frozen: Path, root: Path, *, version: str, maintainer: str, date: str) -> None:
    """Lay out the package's files under ``root`` (the DEBIAN folder comes later)."""
    if not (frozen / "smartcity").is_file():
        raise SystemExit(f"{frozen} holds no frozen build (run installer/build.sh first)")
    app = root / PREFIX
    shutil.copytree(frozen, app, symlinks=True)
    drop_foreign_runpaths(app)
    normalise_modes(app)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for command in COMMANDS:
        # The bootloader finds its folder through /proc/self/exe; the name it was started under
        # (argv[0]) picks the desktop or the command line (installer/entry_both.py).
        (bin_dir / command).symlink_to(Path("/") / PREFIX / command)
    share = root / "usr" / "share"
    _copy(HERE / "smartcity-desktop.desktop", share / "applications" / f"{PACKAGE}.desktop")
    _copy(HERE / "smartcity-desktop-mime.xml", share / "mime" / "packages" / f"{PACKAGE}.xml")
    for size in icon_sizes():
        _copy(
            ICONS / f"smartcity-{size}.png",
            share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{PACKAGE}.png",
        )
    if (ICONS / "smartcity.svg").is_file():
        _copy(
            ICONS / "smartcity.svg",
            share / "icons" / "hicolor" / "scalable" / "apps" / f"{PACKAGE}.svg",
        )
    for command in COMMANDS:
        _gzip((HERE / f"{command}.1").read_bytes(), share / "man" / "man1" / f"{command}.1.gz")
    doc = share / "doc" / PACKAGE
    _copy(HERE / "copyright", doc / "copyright")
    changelog = (HERE / "changelog").read_text(encoding="utf-8")
    changelog = (
        changelog.replace("@VERSION@", version)
        .replace("@MAINTAINER@", maintainer)
        .replace("@DATE@", date)
    )
    _gzip(changelog.encode("utf-8"), doc / "changelog.gz")
    _copy(HERE / "lintian-overrides", share / "lintian" / "overrides" / PACKAGE)
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def elf_files(tree: Path) -> list[Path]:
    found = []
    for path in sorted(tree.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as handle:
            if handle.read(4) == b"\x7fELF":
                found.append(path)
    return found


def shlib_depends(root: Path) -> list[str]:
    """The packages of the system libraries the frozen folder needs, with the minimum versions
    their symbols files give. Libraries bundled in the folder are found there (-l) and need no
    package; dpkg-shlibdeps wants a debian/control beside it, so it runs in a scratch folder."""
    app = root / PREFIX
    files = elf_files(app)
    lib_dirs = sorted({str(p.parent) for p in files if ".so" in p.name})
    with tempfile.TemporaryDirectory(prefix="shlibdeps-") as scratch:
        debian = Path(scratch) / "debian"
        debian.mkdir()
        (debian / "control").write_text(
            f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
        )
        out = subprocess.run(
            [
                "dpkg-shlibdeps",
                "-O",
                "--ignore-missing-info",
                "--warnings=0",
                *[f"-l{d}" for d in lib_dirs],
                *[str(f) for f in files],
            ],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise SystemExit(f"dpkg-shlibdeps failed:\n{out.stderr}")
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("shlibs:Depends="))
    return [d.strip() for d in line.split("=", 1)[1].split(",") if d.strip()]


def control_text(
    *, version: str, arch: str, depends: Sequence[str], maintainer: str, installed_kib: int
) -> str:
    fields = [
        f"Package: {PACKAGE}",
        f"Version: {version}",
        f"Architecture: {arch}",
        f"Maintainer: {maintainer}",
        f"Installed-Size: {installed_kib}",
        f"Depends: {', '.join(depends)}",
        "Recommends: desktop-file-utils, shared-mime-info, hicolor-icon-theme",
        "Section: misc",
        "Priority: optional",
    ]
    return "\n".join(fields) + "\n" + DESCRIPTION


def installed_size_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink() or path.is_file():
            total += (path.lstat().st_size + 1023) // 1024 if path.is_file() else 1
    return total


def write_md5sums(root: Path) -> None:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.is_relative_to(root / "DEBIAN"):
            continue
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    md5sums = root / "DEBIAN" / "md5sums"
    md5sums.write_text("".join(lines), encoding="utf-8")
    md5sums.chmod(0o644)


def build(
    frozen: Path,
    out_dir: Path,
    work: Path,
    depends: Sequence[str] | None = None,
    keep: bool = False,
) -> Path:
    version, arch, who = package_version(), architecture(), maintainer()
    root = work / f"{PACKAGE}_{version}_{arch}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    stage(frozen, root, version=version, maintainer=who, date=changelog_date())
    debian = root / "DEBIAN"
    debian.mkdir(mode=0o755)  # dpkg-shlibdeps resolves $ORIGIN from the tree holding it
    if depends is None:
        found = shlib_depends(root)
        names = {d.split()[0] for d in found}
        depends = [*found, *(d for d in RUNTIME_DEPENDS if d.split()[0] not in names)]
    control = control_text(
        version=version,
        arch=arch,
        depends=depends,
        maintainer=who,
        installed_kib=installed_size_kib(root),
    )
    (debian / "control").write_text(control, encoding="utf-8")
    (debian / "control").chmod(0o644)
    write_md5sums(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z9", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if not keep:
        shutil.rmtree(root)  # a second copy of the whole app
    return deb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, default=REPO / "dist" / "SmartCityDesktop")
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "deb")
    parser.add_argument(
        "--depends",
        help="comma-separated Depends instead of asking dpkg-shlibdeps (tests of the layout)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the staging folder in --work")
    args = parser.parse_args(argv)
    depends = None
    if args.depends is not None:
        depends = [d.strip() for d in args.depends.split(",") if d.strip()]
    deb = build(args.frozen, args.out, args.work, depends, keep=args.keep)
    size = deb.stat().st_size
    print(f"{deb} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
