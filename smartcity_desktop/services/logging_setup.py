"""Logging to a rotating file in the data folder. Passphrases and keys are never passed to a logger."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


def configure_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """Attach a rotating file handler; returns the log path, or None if the folder is unwritable."""
    root = logging.getLogger("smartcity_desktop")
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_smartcity", False):
            root.removeHandler(handler)
            handler.close()
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        path = logs_dir / "smartcity.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2 * 1024 * 1024, backupCount=5, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._smartcity = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
