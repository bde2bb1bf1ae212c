"""Counts for the status bar and ``smartcity stats``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import RECORD_MODELS, Attachment, OwnedRow


def unsent_filter(model: type[OwnedRow], office_code: str) -> Any:
    """Own final rows (or tombstones of once-final rows) whose revision has not been sent yet."""
    return (
        (model.office_code == office_code)
        & (model.status == "final")
        & or_(model.sent_revision.is_(None), model.sent_revision < model.revision)
    )


def office_stats(ctx: AppContext) -> dict[str, Any]:
    office = ctx.office
    records: dict[str, int] = {}
    drafts = 0
    by_office: dict[str, int] = {}
    unsent = 0
    with ctx.db.session() as session:
        for kind, model in RECORD_MODELS.items():
            rows = session.execute(
                select(model.office_code, model.status, func.count())
                .where(model.deleted.is_(False))
                .group_by(model.office_code, model.status)
            ).all()
            records[kind] = sum(n for _, _, n in rows)
            drafts += sum(
                n for code, status, n in rows if status == "draft" and code == office.code
            )
            for code, _, n in rows:
                by_office[code] = by_office.get(code, 0) + n
            unsent += (
                session.scalar(
                    select(func.count()).select_from(model).where(unsent_filter(model, office.code))
                )
                or 0
            )
        attachments = (
            session.scalar(
                select(func.count()).select_from(Attachment).where(Attachment.deleted.is_(False))
            )
            or 0
        )
        unsent += (
            session.scalar(
                select(func.count())
                .select_from(Attachment)
                .where(unsent_filter(Attachment, office.code))
            )
            or 0
        )
    return {
        "office": office.code,
        "office_name": office.name,
        "role": office.role,
        "operator": office.operator,
        "records": records,
        "drafts": drafts,
        "attachments": attachments,
        "by_office": dict(sorted(by_office.items())),
        "unsent_changes": unsent,
    }
