"""PyInstaller entry point for ``smartcity`` (the console executable)."""

import sys

from smartcity_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
