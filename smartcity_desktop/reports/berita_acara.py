"""Berita Acara Verifikasi Kecamatan: the official minutes that the kecamatan verified its
villages' data, with the verdict per village (diterima / dikembalikan), the record counts by review
state, and the signatures of the camat and the operator.

Portrait A4, the usual form of a berita acara. Pure layout over ``KecamatanReportData``.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState, state_label
from smartcity_desktop.i18n import _, current_language
from smartcity_desktop.reports.formatting import format_number, markup
from smartcity_desktop.reports.kecamatan_data import KecamatanReportData, VillageSummary
from smartcity_desktop.reports.letterhead import letterhead_flowables
from smartcity_desktop.reports.official import (
    build_official_pdf,
    close_with_signatures,
    frame_width,
    grid_table,
)
from smartcity_desktop.reports.pages import office_footer
from smartcity_desktop.reports.progress import ReportProgress, check_cancelled
from smartcity_desktop.reports.styles import make_styles
from smartcity_desktop.reports.words import date_in_words

PAGE_SIZE = A4
WIDTH = frame_width(PAGE_SIZE)
STATES = tuple(ReviewState)


def verified(data: KecamatanReportData) -> list[VillageSummary]:
    """The villages this kecamatan gave a verdict on (accepted or returned)."""
    return [v for v in data.villages if v.verification_state]


def _reason_label(code: str | None, language: str) -> str:
    if not code:
        return ""
    item = ref_list("alasan_review").get(code)
    return item.label(language) if item else code


def _verdicts_table(villages: list[VillageSummary], language: str) -> Flowable:
    styles = make_styles()
    header = [_("No"), _("Desa/Kelurahan"), _("Catatan"), _("Direviu"), _("Hasil verifikasi")]
    header.append(_("Keterangan"))
    rows: list[list[object]] = []
    for number, v in enumerate(villages, start=1):
        accepted = v.verification_state == ReviewState.DITERIMA
        verdict = _("Diterima") if accepted else _("Dikembalikan untuk diperbaiki")
        note = "; ".join(
            part
            for part in (
                _reason_label(v.verification_reason, language),
                v.verification_comment or "",
                _("berubah setelah diverifikasi") if v.changed_after_verification else "",
            )
            if part
        )
        rows.append([str(number), v.name, v.total, v.reviewed, verdict, note or "–"])
    rows.append(
        [
            "",
            _("Jumlah"),
            sum(v.total for v in villages),
            sum(v.reviewed for v in villages),
            "",
            "",
        ]
    )
    widths = [26.0, 120.0, 50.0, 50.0, 100.0]
    widths.append(WIDTH - sum(widths))
    return grid_table(header, rows, widths, styles, total_row=True)


def _states_table(villages: list[VillageSummary]) -> Flowable:
    styles = make_styles()
    header = [_("No"), _("Hasil reviu catatan"), _("Jumlah catatan")]
    rows: list[list[object]] = []
    for number, state in enumerate(STATES, start=1):
        rows.append(
            [str(number), state_label(state), sum(v.states.get(state, 0) for v in villages)]
        )
    rows.append(["", _("Jumlah"), sum(v.reviewed for v in villages)])
    return grid_table(header, rows, [26.0, 200.0, 90.0], styles, total_row=True)


def build_berita_acara_pdf(
    data: KecamatanReportData,
    path: Path,
    progress: ReportProgress | None = None,
    language: str | None = None,
) -> None:
    language = language or current_language()
    styles = make_styles()
    body = styles.body.clone("ba_body", alignment=TA_JUSTIFY, fontSize=10, leading=14)
    check_cancelled(progress)
    head = data.letterhead
    today = data.generated_at.date()
    done = verified(data)
    accepted = [v for v in done if v.verification_state == ReviewState.DITERIMA]
    story: list[Flowable] = []
    story += letterhead_flowables(head, styles)
    story.append(Paragraph(markup(_("BERITA ACARA VERIFIKASI KECAMATAN")), styles.title))
    story.append(
        Paragraph(
            markup(_("Nomor: {number}").format(number="…………/…………/…………")),
            styles.subtitle,
        )
    )
    story.append(
        Paragraph(
            markup(
                _(
                    "Pada hari ini {date_words}, bertempat di kantor {office}, telah dilaksanakan "
                    "verifikasi kecamatan atas data permasalahan, potensi dan usulan inovasi "
                    "yang dikirim desa/kelurahan di wilayah {office} untuk penyusunan Masterplan "
                    "Smart City {regency}, dengan hasil sebagai berikut:"
                ).format(
                    date_words=date_in_words(today, language),
                    office=head.office,
                    regency=head.regency,
                )
            ),
            body,
        )
    )
    story.append(
        Paragraph(
            markup(
                _(
                    "1. Dari {villages} desa/kelurahan di wilayah kecamatan, {done} telah "
                    "diverifikasi: {accepted} diterima dan {returned} dikembalikan untuk "
                    "diperbaiki."
                ).format(
                    villages=format_number(len(data.villages), language),
                    done=format_number(len(done), language),
                    accepted=format_number(len(accepted), language),
                    returned=format_number(len(done) - len(accepted), language),
                )
            ),
            body,
        )
    )
    if done:
        story.append(_verdicts_table(done, language))
    else:
        story.append(
            Paragraph(markup(_("Belum ada desa/kelurahan yang diverifikasi.")), styles.note)
        )
    story.append(Spacer(1, 3 * mm))
    story.append(
        Paragraph(
            markup(
                _("2. Jumlah catatan desa/kelurahan yang telah diverifikasi menurut hasil reviu:")
            ),
            body,
        )
    )
    story.append(_states_table(done))
    pending = [v for v in data.villages if not v.verification_state]
    if pending:
        story.append(Spacer(1, 3 * mm))
        story.append(
            Paragraph(
                markup(
                    _("3. Desa/kelurahan yang belum diverifikasi ({n}): {names}.").format(
                        n=format_number(len(pending), language),
                        names=", ".join(v.name for v in pending),
                    )
                ),
                body,
            )
        )
    close_with_signatures(
        story,
        data,
        _(
            "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
            "sebagaimana mestinya."
        ),
        body,
        styles,
        WIDTH,
        language,
        left_caption=_("Operator kecamatan,"),
    )
    footer = office_footer(
        data.fingerprint,
        data.generated_at,
        language,
        _("Berita Acara Verifikasi Kecamatan – {office}").format(office=head.office),
    )
    build_official_pdf(
        path,
        story,
        footer,
        PAGE_SIZE,
        title=_("Berita Acara Verifikasi {office}").format(office=head.office),
        author=head.office,
        subject=_("Berita Acara Verifikasi Kecamatan untuk Masterplan Smart City"),
        progress=progress,
    )
