"""What a service call changed, so that views refresh from one notification."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    FINALISED = "finalised"
    DELETED = "deleted"
    ATTACHED = "attached"
    DETACHED = "detached"
    IMPORTED = "imported"
    SETTINGS = "settings"
    REGIONS = "regions"
    REVIEWED = "reviewed"
    EXTERNAL = "external"  # another program wrote to the database; what exactly is unknown


@dataclass(frozen=True)
class Change:
    action: Action
    kinds: frozenset[str] = frozenset()
    ids: tuple[str, ...] = ()
    revision: int | None = None
    details: dict[str, object] = field(default_factory=dict)

    def touches(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds
