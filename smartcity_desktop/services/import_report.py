"""What happened to one imported (or verified) bundle: the report the CLI prints, the desktop
shows and the receipt PDF is made from. Plain data, so that receipts and the exchange code can both
use it without importing each other."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartcity_desktop.domain.records import IMPORT_ACTIONS as ACTIONS


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass
class RecordOutcome:
    kind: str
    id: str
    revision: int
    action: str
    title: str = ""


@dataclass
class BundleReport:
    """What happened to one bundle (one file, or one set of parts)."""

    files: list[Path]
    status: str = "refused"  # verified | imported | already | refused | dry-run
    sender_office: str | None = None
    sender_role: str | None = None
    sequence: int | None = None
    created: str | None = None
    content_hash: str | None = None
    trust_level: str | None = None  # certified | locally_trusted
    counts: dict[str, int] = field(default_factory=dict)
    outcomes: list[RecordOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    missing_sequences: list[int] = field(default_factory=list)
    forwarded: list[BundleReport] = field(default_factory=list)
    receipt: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("verified", "imported", "already", "dry-run")

    @property
    def name(self) -> str:
        return ", ".join(p.name for p in self.files)

    def action_counts(self) -> dict[str, int]:
        counted = Counter(o.action for o in self.outcomes)
        return {a: counted.get(a, 0) for a in ACTIONS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [str(p) for p in self.files],
            "status": self.status,
            "ok": self.ok,
            "sender": {"office": self.sender_office, "role": self.sender_role},
            "sequence": self.sequence,
            "created": self.created,
            "content_hash": self.content_hash,
            "trust": self.trust_level,
            "record_counts": self.counts,
            "actions": self.action_counts(),
            "records": [
                {
                    "kind": o.kind,
                    "id": o.id,
                    "revision": o.revision,
                    "action": o.action,
                    "title": o.title,
                }
                for o in self.outcomes
            ],
            "problems": [{"code": f.code, "message": f.message} for f in self.findings],
            "missing_sequences": self.missing_sequences,
            "forwarded": [f.to_dict() for f in self.forwarded],
            "receipt": str(self.receipt) if self.receipt else None,
        }
