"""``python -m smartcity_desktop``: the desktop application, as ``smartcity-desktop``."""

import sys

from smartcity_desktop.gui.app import main

sys.exit(main())
