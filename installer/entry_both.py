"""PyInstaller entry point on Linux, where one executable serves both commands.

``smartcity-desktop`` is a symbolic link to ``smartcity`` in the frozen folder; the name it was
started under picks the desktop or the command line. Each executable carries its own copy of every
Python module (14 MB), and Linux has no console/windowed distinction to keep two for. Windows
keeps two executables (entry_cli.py, entry_gui.py).
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    if Path(sys.argv[0]).name.startswith("smartcity-desktop"):
        from smartcity_desktop.gui.app import main
    else:
        from smartcity_desktop.cli.main import main
    sys.exit(main())
