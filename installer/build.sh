#!/usr/bin/env bash
# Build the one-folder frozen app: dist/SmartCityDesktop/{smartcity,smartcity-desktop}.
# Needs the package and its build extra installed: python3 -m pip install -e '.[build]'
# PYTHON names the interpreter where it is not python3 (Windows: PYTHON=python).
set -euo pipefail
cd "$(dirname "$0")/.."
"${PYTHON:-python3}" -m PyInstaller --noconfirm --clean \
    --workpath build/pyinstaller \
    --distpath dist \
    installer/smartcity.spec
du -sh dist/SmartCityDesktop
