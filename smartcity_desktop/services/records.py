"""Creating, changing, finalising, deleting, listing and searching records.

Revision rule: a record is revision 0 while it is a draft that was never finalised; finalising makes
it revision 1; every later saved change, and deletion, raises the revision by one. Only the office
that made a record may change it (records received from other offices are read-only here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, literal, select
from sqlalchemy.orm import Session

from smartcity_desktop.domain.fields import FIELDS, LINK_FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import Record, Status, content_hash, new_record_id
from smartcity_desktop.domain.validation import Problem, Values, normalise, validate
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.origin_columns import ORIGIN_COLUMNS, origin_expression
from smartcity_desktop.services.raw_sql import raw
from smartcity_desktop.services.record_search import fts_query as fts_query  # re-exported
from smartcity_desktop.services.record_search import matching_ids
from smartcity_desktop.services.record_search import search as search_rows
from smartcity_desktop.services.review_results import REVIEW_RESULT, result_codes
from smartcity_desktop.services.stored_words import TEXT_FIELDS, store_for
from smartcity_desktop.storage.models import (
    RECORD_MODELS,
    Attachment,
    FormDraft,
    LocatedRecord,
    ProposalLink,
)


class ValidationFailed(UserError):
    code = "record.invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"- {p.message}" for p in self.problems)
        super().__init__(_("Data belum benar:") + "\n" + lines)


class RecordNotFound(UserError):
    code = "record.not_found"


class NotOwnRecord(UserError):
    code = "record.not_owner"


@dataclass(frozen=True)
class ListFilter:
    dimension: str | None = None
    status: str | None = None
    urusan: str | None = None
    search: str | None = None
    office_code: str | None = None
    include_deleted: bool = False


def _model(kind: RecordKind | str) -> Any:
    """The ORM class for a kind (typed Any: the three classes share columns but not a constructor)."""
    return RECORD_MODELS[RecordKind(kind).value]


def _list_column(model: Any, name: str) -> Any:
    if name in ORIGIN_COLUMNS:
        return origin_expression(model, name)
    return getattr(model, name)


def values_from_row(kind: RecordKind, row: LocatedRecord, links: dict[str, list[str]]) -> Values:
    values: Values = {}
    for spec in FIELDS[kind]:
        if spec.type is FieldType.LINKS:
            values[spec.name] = sorted(links.get(spec.name, []))
        elif spec.type is FieldType.MULTICHOICE:
            raw = getattr(row, spec.name)
            values[spec.name] = sorted(raw.split(",")) if raw else []
        else:
            values[spec.name] = getattr(row, spec.name)
    return values


def _apply_values(kind: RecordKind, row: LocatedRecord, values: Values) -> None:
    for spec in FIELDS[kind]:
        if spec.type is FieldType.LINKS:
            continue
        value = values.get(spec.name)
        if spec.type is FieldType.MULTICHOICE:
            value = ",".join(value) if value else None
        setattr(row, spec.name, value)


def _links_for(session: Session, proposal_ids: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    ids = list(proposal_ids)
    if not ids:
        return out
    for link in session.scalars(select(ProposalLink).where(ProposalLink.proposal_id.in_(ids))):
        field = "problem_ids" if link.target_kind == "problem" else "potential_ids"
        out.setdefault(link.proposal_id, {}).setdefault(field, []).append(link.target_id)
    return out


def _links_of(session: Session, kind: RecordKind, record_id: str) -> dict[str, list[str]]:
    if kind is not RecordKind.PROPOSAL:
        return {}
    return _links_for(session, [record_id]).get(record_id, {})


def _replace_links(session: Session, proposal_id: str, values: Values) -> None:
    session.execute(delete(ProposalLink).where(ProposalLink.proposal_id == proposal_id))
    for field, target_kind in LINK_FIELDS.items():
        for target in values.get(field) or []:
            session.add(
                ProposalLink(proposal_id=proposal_id, target_kind=target_kind, target_id=target)
            )


def _store_words(session: Session, kind: RecordKind, row: LocatedRecord) -> None:
    """A problem's key words for Isu strategis, stored with each new content hash."""
    if kind is RecordKind.PROBLEM:
        fields = TEXT_FIELDS[kind.value]
        store_for(
            session,
            kind.value,
            [
                {"id": row.id, "content_hash": row.content_hash}
                | {f: getattr(row, f) for f in fields}
            ],
        )


def to_record(kind: RecordKind, row: LocatedRecord, links: dict[str, list[str]]) -> Record:
    return Record(
        kind=kind,
        id=row.id,
        office_code=row.office_code,
        revision=row.revision,
        status=Status(row.status),
        deleted=row.deleted,
        content_hash=row.content_hash,
        created_at=row.created_at,
        updated_at=row.updated_at,
        author=row.author,
        values=values_from_row(kind, row, links),
        sent_revision=row.sent_revision,
    )


class RecordService:
    """The only way the GUI and CLI change records."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # --- reading -----------------------------------------------------------------------------

    def get(self, kind: RecordKind, record_id: str) -> Record:
        with self.ctx.db.session() as session:
            row = session.get(_model(kind), record_id)
            if row is None:
                raise RecordNotFound(_("Catatan tidak ditemukan (mungkin sudah dihapus)."))
            links = _links_of(session, kind, row.id)
            return to_record(kind, row, links)

    def records(self, kind: RecordKind, flt: ListFilter | None = None) -> list[Record]:
        """Full records (for reports and bundles); lists on screen use ``table_rows``."""
        flt = flt or ListFilter()
        model = _model(kind)
        with self.ctx.db.session() as session:
            query = self._filtered(select(model), model, flt).order_by(model.created_at, model.id)
            rows = session.scalars(query).all()
            links = _links_for(session, [r.id for r in rows]) if kind is RecordKind.PROPOSAL else {}
            return [to_record(kind, r, links.get(r.id, {})) for r in rows]

    def table_rows(
        self, kind: RecordKind, columns: Sequence[str], flt: ListFilter | None = None
    ) -> list[Row[Any]]:
        """Light rows for list views: ``id`` first, then the named columns, newest first.

        Besides the model's attributes, ``origin_desa`` and ``origin_kecamatan`` give the codes of
        the owning desa and kecamatan (see ``services.provenance``), and ``review_result`` what
        the offices above said of this office's own record (see ``services.review_results``)."""
        flt = flt or ListFilter()
        model = _model(kind)
        if REVIEW_RESULT in columns:
            return self._rows_with_review_result(kind, columns, flt)
        cols = [model.id, *(_list_column(model, c) for c in columns)]
        with self.ctx.db.session() as session:
            query = self._filtered(select(*cols), model, flt).order_by(model.updated_at.desc())
            return list(session.execute(query).all())

    def _rows_with_review_result(
        self, kind: RecordKind, columns: Sequence[str], flt: ListFilter
    ) -> list[Any]:
        """``review_result`` (see ``services.review_results``) is worked out from the reviews in
        one pass over them, rather than a subquery per row (``review`` has no index by target)."""
        model = _model(kind)
        at = list(columns).index(REVIEW_RESULT) + 1
        cols = [
            model.id,
            *(
                literal(None).label(c) if c == REVIEW_RESULT else _list_column(model, c)
                for c in columns
            ),
            model.office_code,
            model.revision,
            model.sent_revision,
        ]
        with self.ctx.db.session() as session:
            query = self._filtered(select(*cols), model, flt).order_by(model.updated_at.desc())
            rows = session.execute(query).all()
        codes = result_codes(self.ctx, kind, ((r[0], r[-3], r[-2], r[-1]) for r in rows))
        return [(*r[:at], codes[r[0]], *r[at + 1 : -3]) for r in rows]

    def _filtered(self, query: Any, model: type[LocatedRecord], flt: ListFilter) -> Any:
        if not flt.include_deleted:
            query = query.where(model.deleted.is_(False))
        if flt.dimension:
            query = query.where(model.dimension == flt.dimension)
        if flt.status:
            query = query.where(model.status == flt.status)
        if flt.urusan:
            query = query.where(model.urusan == flt.urusan)
        if flt.office_code:
            query = query.where(model.office_code == flt.office_code)
        if flt.search:
            matching = matching_ids(self.ctx.db.engine.dialect.name, flt.search)
            if matching is not None:
                query = query.where(model.id.in_(matching))
        return query

    def link_choices(self, kind: RecordKind) -> list[tuple[str, str, str]]:
        """(id, title, status) of every live record of ``kind``, for a proposal's link picker.

        Tens of thousands of rows on every proposal form: read at driver level, without ORM rows.
        """
        table = RecordKind(kind).value
        with self.ctx.db.session() as session:
            conn = raw(session)
            rows = conn.execute(
                f"SELECT id, title, status FROM {table} WHERE deleted = false "
                f"ORDER BY {conn.bytewise('title', 'id')}"
            ).fetchall()
            return [(row[0], row[1], row[2]) for row in rows]

    def search(
        self, query_text: str, kind: RecordKind | None = None, limit: int | None = None
    ) -> list[tuple[str, str]]:
        """Full-text search over titles and descriptions: (kind, id) pairs, best match first."""
        with self.ctx.db.session() as session:
            return search_rows(
                session, query_text, RecordKind(kind).value if kind is not None else None, limit
            )

    def counts(self) -> dict[str, int]:
        with self.ctx.db.session() as session:
            return {
                kind: session.scalar(
                    select(func.count()).select_from(model).where(model.deleted.is_(False))
                )
                or 0
                for kind, model in RECORD_MODELS.items()
            }

    # --- changing ----------------------------------------------------------------------------

    def create(
        self, kind: RecordKind, raw: Values, *, finalise: bool = False, author: str | None = None
    ) -> Change:
        kind = RecordKind(kind)
        values = normalise(kind, raw)
        with self.ctx.db.transaction() as session:
            self._check(session, kind, values, final=finalise)
            now = self.ctx.clock()
            row = _model(kind)(
                id=new_record_id(),
                office_code=self.ctx.office.code,
                revision=1 if finalise else 0,
                status=Status.FINAL.value if finalise else Status.DRAFT.value,
                deleted=False,
                created_at=now,
                updated_at=now,
                author=author or self.ctx.office.operator,
            )
            _apply_values(kind, row, values)
            row.content_hash = self._hash(kind, row, values)
            session.add(row)
            _store_words(session, kind, row)
            if kind is RecordKind.PROPOSAL:
                session.flush()
                _replace_links(session, row.id, values)
            return Change(
                Action.FINALISED if finalise else Action.CREATED,
                frozenset({kind}),
                (row.id,),
                row.revision,
            )

    def update(
        self, kind: RecordKind, record_id: str, raw: Values, author: str | None = None
    ) -> Change:
        """Save new values. A final record stays final and gets the next revision."""
        kind = RecordKind(kind)
        values = normalise(kind, raw)
        with self.ctx.db.transaction() as session:
            row = self._own_row(session, kind, record_id)
            final = row.status == Status.FINAL.value
            self._check(session, kind, values, final=final, own_id=record_id)
            links = _links_of(session, kind, record_id)
            if values_from_row(kind, row, links) == values:
                return Change(
                    Action.UPDATED,
                    frozenset({kind}),
                    (record_id,),
                    row.revision,
                    {"unchanged": True},
                )
            _apply_values(kind, row, values)
            if final:
                row.revision += 1
            row.updated_at = self.ctx.clock()
            row.author = author or self.ctx.office.operator
            row.content_hash = self._hash(kind, row, values)
            _store_words(session, kind, row)
            if kind is RecordKind.PROPOSAL:
                _replace_links(session, record_id, values)
            return Change(Action.UPDATED, frozenset({kind}), (record_id,), row.revision)

    def finalise(self, kind: RecordKind, record_id: str) -> Change:
        kind = RecordKind(kind)
        with self.ctx.db.transaction() as session:
            row = self._own_row(session, kind, record_id)
            if row.status == Status.FINAL.value:
                return Change(
                    Action.FINALISED,
                    frozenset({kind}),
                    (record_id,),
                    row.revision,
                    {"unchanged": True},
                )
            links = _links_of(session, kind, record_id)
            values = values_from_row(kind, row, links)
            self._check(session, kind, values, final=True, own_id=record_id)
            row.status = Status.FINAL.value
            row.revision += 1
            row.updated_at = self.ctx.clock()
            row.content_hash = self._hash(kind, row, values)
            _store_words(session, kind, row)
            # Photos attached while the record was a draft go out with it from now on.
            self._follow_record(session, record_id, finalise=True)
            return Change(Action.FINALISED, frozenset({kind}), (record_id,), row.revision)

    def delete(self, kind: RecordKind, record_id: str) -> Change:
        """Soft delete: the row stays as a tombstone so the deletion can travel in a bundle."""
        kind = RecordKind(kind)
        with self.ctx.db.transaction() as session:
            row = self._own_row(session, kind, record_id)
            if row.deleted:
                return Change(
                    Action.DELETED,
                    frozenset({kind}),
                    (record_id,),
                    row.revision,
                    {"unchanged": True},
                )
            links = _links_of(session, kind, record_id)
            values = values_from_row(kind, row, links)
            row.deleted = True
            if row.status == Status.FINAL.value:
                row.revision += 1
            row.updated_at = self.ctx.clock()
            row.content_hash = self._hash(kind, row, values)
            self._follow_record(session, record_id, delete=True)
            return Change(Action.DELETED, frozenset({kind}), (record_id,), row.revision)

    def _follow_record(
        self, session: Session, record_id: str, *, finalise: bool = False, delete: bool = False
    ) -> None:
        """Attachments share their record's fate: finalised with it, deleted with it."""
        from smartcity_desktop.services.attachments import attachment_values

        rows = session.scalars(
            select(Attachment).where(
                Attachment.record_id == record_id, Attachment.deleted.is_(False)
            )
        ).all()
        for att in rows:
            if finalise and att.status == Status.DRAFT.value:
                att.status, att.revision = Status.FINAL.value, att.revision + 1
            elif delete:
                att.deleted = True
                if att.status == Status.FINAL.value:
                    att.revision += 1
            else:
                continue
            att.updated_at = self.ctx.clock()
            att.content_hash = content_hash(
                "attachment",
                att.id,
                att.office_code,
                att.revision,
                att.status,
                att.deleted,
                attachment_values(att),
            )

    # --- form drafts (autosave) ------------------------------------------------------------------

    def save_form_draft(self, key: str, payload: dict[str, Any]) -> None:
        with self.ctx.db.transaction() as session:
            session.merge(
                FormDraft(
                    key=key,
                    payload=json.dumps(payload, ensure_ascii=False),
                    saved_at=self.ctx.clock(),
                )
            )

    def load_form_draft(self, key: str) -> tuple[dict[str, Any], datetime] | None:
        with self.ctx.db.session() as session:
            row = session.get(FormDraft, key)
            if row is None:
                return None
            return json.loads(row.payload), row.saved_at

    def discard_form_draft(self, key: str) -> None:
        with self.ctx.db.transaction() as session:
            session.execute(delete(FormDraft).where(FormDraft.key == key))

    def form_draft_keys(self) -> list[str]:
        with self.ctx.db.session() as session:
            return list(session.scalars(select(FormDraft.key)))

    # --- helpers -----------------------------------------------------------------------------

    def _own_row(self, session: Session, kind: RecordKind, record_id: str) -> LocatedRecord:
        row: LocatedRecord | None = session.get(_model(kind), record_id)
        if row is None:
            raise RecordNotFound(_("Catatan tidak ditemukan (mungkin sudah dihapus)."))
        if row.office_code != self.ctx.office.code:
            raise NotOwnRecord(
                _(
                    "Catatan ini milik kantor {office}; hanya kantor itu yang dapat mengubahnya."
                ).format(office=row.office_code)
            )
        if row.deleted:
            raise RecordNotFound(_("Catatan ini sudah dihapus dan tidak dapat diubah."))
        return row

    def _check(
        self,
        session: Session,
        kind: RecordKind,
        values: Values,
        *,
        final: bool,
        own_id: str | None = None,
    ) -> None:
        problems = validate(kind, values, final=final)
        if kind is RecordKind.PROPOSAL:
            problems.extend(self._check_links(session, values))
        if problems:
            raise ValidationFailed(problems)

    def _check_links(self, session: Session, values: Values) -> list[Problem]:
        problems = []
        for field, target_kind in LINK_FIELDS.items():
            ids = values.get(field) or []
            if not ids:
                continue
            model = RECORD_MODELS[target_kind]
            found = set(
                session.scalars(select(model.id).where(model.id.in_(ids), model.deleted.is_(False)))
            )
            if set(ids) - found:
                problems.append(
                    Problem(
                        field,
                        "unknown_link",
                        _("Sebagian catatan yang ditautkan tidak ada atau sudah dihapus."),
                    )
                )
        return problems

    def _hash(self, kind: RecordKind, row: LocatedRecord, values: Values) -> str:
        return content_hash(
            kind.value, row.id, row.office_code, row.revision, row.status, row.deleted, values
        )
