"""What the exchange modules share: the kinds that travel, their tables, and the refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smartcity_desktop.services.bundle_records import ATTACHMENT_KIND, RECORD_KINDS, REVIEW_KIND
from smartcity_desktop.services.import_report import Finding
from smartcity_desktop.storage.stored_reads import IDS_PER_QUERY

# Reviews last: they name records that, in a bundle of the same office, came before them.
EXCHANGED_KINDS = (*RECORD_KINDS, ATTACHMENT_KIND, REVIEW_KIND)
CHUNK = IDS_PER_QUERY  # ids per IN (...) clause: well under SQLite's variable limit

if TYPE_CHECKING:
    MODELS: dict[str, Any]


def __getattr__(name: str) -> Any:
    # MODELS on first use (PEP 562): the models load SQLAlchemy, which ``verify`` does without.
    if name == "MODELS":
        from smartcity_desktop.storage.models import RECORD_MODELS, Attachment, Review

        models: dict[str, Any] = {
            **RECORD_MODELS,
            ATTACHMENT_KIND: Attachment,
            REVIEW_KIND: Review,
        }
        globals()["MODELS"] = models
        return models
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Refused(Exception):
    """A bundle is refused: its finding goes into the report and nothing is written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.finding = Finding(code, message)
