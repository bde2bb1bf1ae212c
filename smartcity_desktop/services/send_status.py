"""Where this office's data stands on its way to the office above, as the status bar says it.

Making a bundle file is not delivery: the file may still sit on a flash drive. So the status keeps
three facts apart: changes not packed yet, the last bundle made (and when), and whether the office
above has answered about this office's data (a review of one of its records, a verdict on the
village), which is the only sign here that something arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from smartcity_desktop.domain.review import FEEDBACK_PREFIX, TargetKind
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.reports.dates import format_date_long, to_local
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.gui_support import format_count
from smartcity_desktop.services.stats import unsent_filter
from smartcity_desktop.storage.models import (
    EXPORT_DONE,
    RECORD_MODELS,
    Attachment,
    BundleExport,
    BundleLedger,
    OwnedRow,
    Review,
)

UPPER_OFFICE = {"desa": N_("kantor kecamatan"), "kecamatan": N_("kantor kabupaten")}


@dataclass(frozen=True)
class SendStatus:
    unsent: int  # final changes (a kecamatan's reviews too) not yet in any complete bundle
    drafts: int  # own records still in draft (never exported)
    last_sequence: int | None  # the last completely written bundle
    last_created: datetime | None  # naive UTC, as stored
    feedback_at: datetime | None  # latest answer from another office about this office's data
    unforwarded: int = 0  # a kecamatan: imported village bundles not forwarded yet

    @property
    def received(self) -> bool:
        """The office above answered after the last bundle was made."""
        return (
            self.last_created is not None
            and self.feedback_at is not None
            and self.feedback_at >= self.last_created
        )


def send_status(ctx: AppContext) -> SendStatus:
    own = ctx.office.code
    # A kecamatan's own reviews go up in its forward bundle like any own row.
    owned: list[type[OwnedRow]] = [*RECORD_MODELS.values(), Attachment, Review]
    targets: list[type[OwnedRow]] = [*RECORD_MODELS.values(), Review]
    unsent = drafts = 0
    with ctx.db.session() as session:
        for model in owned:
            unsent += (
                session.scalar(
                    select(func.count()).select_from(model).where(unsent_filter(model, own))
                )
                or 0
            )
        for model in RECORD_MODELS.values():
            drafts += (
                session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(
                        model.office_code == own,
                        model.status == "draft",
                        model.deleted.is_(False),
                    )
                )
                or 0
            )
        last = session.execute(
            select(BundleExport.sequence, BundleExport.created_at)
            .where(
                BundleExport.status == EXPORT_DONE,
                # Feedback goes down to a village (services.exchange.feedback names its files so);
                # the status bar speaks of what went up.
                BundleExport.files.not_like(f'%"{FEEDBACK_PREFIX}%'),
            )
            .order_by(BundleExport.sequence.desc())
            .limit(1)
        ).first()
        own_targets = [select(model.id).where(model.office_code == own) for model in targets]
        feedback_at = session.scalar(
            select(func.max(Review.updated_at)).where(
                Review.office_code != own,
                Review.deleted.is_(False),
                or_(
                    (Review.target_kind == TargetKind.DESA.value) & (Review.target_id == own),
                    *(Review.target_id.in_(q) for q in own_targets),
                ),
            )
        )
        unforwarded = (
            session.scalar(
                select(func.count())
                .select_from(BundleLedger)
                .where(BundleLedger.sender_role == "desa", BundleLedger.forwarded_by.is_(None))
            )
            or 0
            if ctx.office.role == "kecamatan"
            else 0
        )
    return SendStatus(
        unforwarded=unforwarded,
        unsent=unsent,
        drafts=drafts,
        last_sequence=last[0] if last else None,
        last_created=last[1] if last else None,
        feedback_at=feedback_at,
    )


def describe_send_status(status: SendStatus, role: str) -> str:
    """One line: what is waiting, the last bundle and whether it is known to have arrived.
    Empty at the kabupaten, which has no office above it to send to (its bundles are feedback)."""
    if role not in UPPER_OFFICE:
        return ""
    upper = _(UPPER_OFFICE[role])
    parts: list[str] = []
    if status.unsent:
        parts.append(_("Belum masuk paket: {n} perubahan").format(n=format_count(status.unsent)))
    if status.drafts:
        parts.append(_("Draf menunggu: {n}").format(n=format_count(status.drafts)))
    if status.unforwarded:
        parts.append(
            _("Paket desa belum diteruskan: {n}").format(n=format_count(status.unforwarded))
        )
    if status.last_sequence is None or status.last_created is None:
        if not parts:
            parts.append(_("Belum ada data final untuk dikirim"))
        elif status.unsent or status.unforwarded:
            parts.append(_("belum pernah membuat paket"))
        return " · ".join(parts)
    when = format_date_long(to_local(status.last_created).date())
    if status.received:
        parts.append(
            _("Paket {seq} ({when}) diterima {upper}").format(
                seq=status.last_sequence, when=when, upper=upper
            )
        )
    else:
        parts.append(
            _("Paket {seq} dibuat {when}, belum ada tanda diterima {upper}").format(
                seq=status.last_sequence, when=when, upper=upper
            )
        )
    return " · ".join(parts)


def send_status_tooltip(role: str) -> str:
    if role not in UPPER_OFFICE:
        return ""
    upper = _(UPPER_OFFICE[role])
    return _(
        "Perubahan final masuk paket saat Anda membuat paket di halaman Kirim Data. Berkas paket "
        "belum berarti sampai: status 'diterima' muncul setelah {upper} memberi tanggapan atas "
        "data kantor ini (hasil reviu atau verifikasi). Draf tidak ikut dikirim sebelum "
        "difinalkan."
    ).format(upper=upper)
