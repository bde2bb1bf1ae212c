"""PyInstaller entry point for ``smartcity-desktop`` (the windowed executable)."""

import sys

from smartcity_desktop.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
