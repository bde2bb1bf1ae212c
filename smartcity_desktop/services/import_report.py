"""What happened to one imported (or verified) bundle: the report the CLI prints, the desktop
shows and the receipt PDF is made from. Plain data, so that receipts and the exchange code can both
use it without importing each other."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartcity_desktop.domain.records import IMPORT_ACTIONS as ACTIONS

# Records listed one by one in a report (the desktop's table, `import --dry-run`, `--json`). Every
# record is counted; a bundle of up to 200,000 rows lists only this many, conflicts first.
LISTED_OUTCOMES = 5_000


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
    # The records listed for display: every record of a bundle of up to LISTED_OUTCOMES rows;
    # of a bigger one, that many, conflicts kept before the others. Add them with add_outcome.
    outcomes: list[RecordOutcome] = field(default_factory=list)
    # What happened to every record, per kind and action, whether listed or not.
    kind_actions: dict[str, dict[str, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    missing_sequences: list[int] = field(default_factory=list)
    forwarded: list[BundleReport] = field(default_factory=list)
    # A forwarded bundle's name inside the bundle that carried it (data/forwarded/<sha256>.scb):
    # the only name it has when its header cannot be read.
    member: str | None = None
    receipt: Path | None = None
    _replaceable: int | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.kind_actions:  # outcomes given to the constructor alone are counted
            for outcome in self.outcomes:
                self.count_outcome(outcome.kind, outcome.action)

    def count_outcome(self, kind: str, action: str) -> None:
        """Count a record that is not listed (``lists(action)`` was False)."""
        per_kind = self.kind_actions.setdefault(kind, {})
        per_kind[action] = per_kind.get(action, 0) + 1

    def lists(self, action: str) -> bool:
        """Whether a record with ``action`` would be listed, so the caller can skip building an
        outcome (its title) for one that is only counted."""
        return len(self.outcomes) < LISTED_OUTCOMES or (
            action == "conflict" and self._replaceable_index() >= 0
        )

    def add_outcome(self, outcome: RecordOutcome) -> None:
        """Count ``outcome`` and list it while the list has room; once it is full, a conflict
        takes the place of a listed record that is not one."""
        self.count_outcome(outcome.kind, outcome.action)
        if len(self.outcomes) < LISTED_OUTCOMES:
            self.outcomes.append(outcome)
        elif outcome.action == "conflict" and (index := self._replaceable_index()) >= 0:
            self.outcomes[index] = outcome
            self._replaceable = index - 1

    def _replaceable_index(self) -> int:
        """The last listed record that is not a conflict (-1: none); those after it are all
        conflicts that replaced others, so the search never walks the list twice."""
        index = len(self.outcomes) - 1 if self._replaceable is None else self._replaceable
        while index >= 0 and self.outcomes[index].action == "conflict":
            index -= 1
        self._replaceable = index
        return index

    @property
    def record_count(self) -> int:
        """Records counted in the report, listed or not."""
        return sum(sum(per_kind.values()) for per_kind in self.kind_actions.values())

    @property
    def unlisted(self) -> int:
        """Records counted but not listed in ``outcomes``."""
        return self.record_count - len(self.outcomes)

    @property
    def ok(self) -> bool:
        return self.status in ("verified", "imported", "already", "dry-run")

    @property
    def name(self) -> str:
        return ", ".join(p.name for p in self.files)

    def action_counts(self) -> dict[str, int]:
        counted: Counter[str] = Counter()
        for per_kind in self.kind_actions.values():
            counted.update(per_kind)
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
            "unlisted_records": self.unlisted,
            "problems": [{"code": f.code, "message": f.message} for f in self.findings],
            "missing_sequences": self.missing_sequences,
            "forwarded": [f.to_dict() for f in self.forwarded],
            "receipt": str(self.receipt) if self.receipt else None,
            **({"member": self.member} if self.member else {}),
        }
