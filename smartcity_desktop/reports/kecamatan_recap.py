"""Rekap Kecamatan: every village of the kecamatan, its records per kind and per dimension, the
kecamatan's review states, and the priority list of innovation proposals.

Landscape A4 like the village recap: the per-dimension table has six dimension columns. Pure
layout: it receives ``KecamatanReportData`` and writes a PDF to the path it is given.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from smartcity_desktop.domain.fields import KIND_LABELS, RecordKind
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState, stage_label, state_label
from smartcity_desktop.i18n import _, current_language
from smartcity_desktop.reports.dates import format_date_long
from smartcity_desktop.reports.formatting import format_number, markup
from smartcity_desktop.reports.kecamatan_data import KecamatanReportData
from smartcity_desktop.reports.letterhead import letterhead_flowables
from smartcity_desktop.reports.official import (
    build_official_pdf,
    close_with_signatures,
    frame_width,
    grid_table,
)
from smartcity_desktop.reports.pages import office_footer
from smartcity_desktop.reports.progress import ReportProgress, check_cancelled
from smartcity_desktop.reports.styles import FONT_BOLD, PAGE_SIZE, Styles, make_styles

KINDS = (RecordKind.PROBLEM, RecordKind.POTENTIAL, RecordKind.PROPOSAL)
STATES = tuple(ReviewState)
WIDTH = frame_width(PAGE_SIZE)


def _dimension_label(code: str, language: str) -> str:
    item = ref_list("dimensions").get(code)
    return item.label(language) if item else (code or _("Tanpa dimensi"))


def _title(data: KecamatanReportData, styles: Styles, language: str) -> list[Flowable]:
    head = data.letterhead
    villages = data.villages
    sent = sum(1 for v in villages if v.last_bundle is not None)
    records = sum(v.total for v in villages)
    reviewed = sum(v.reviewed for v in villages)
    out: list[Flowable] = [
        Paragraph(
            markup(_("REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI KECAMATAN")), styles.title
        ),
        Paragraph(
            markup(head.office.upper()),
            styles.subtitle.clone("kec_office", spaceAfter=0, fontName=FONT_BOLD),
        ),
        Paragraph(
            markup(f"{head.office_place}, {format_date_long(data.generated_at.date(), language)}"),
            styles.subtitle,
        ),
        Paragraph(
            markup(
                _(
                    "Rekap ini memuat data {villages} desa/kelurahan di wilayah {office} menurut "
                    "daftar wilayah: {sent} desa/kelurahan telah mengirim data, dengan {records} "
                    "catatan final, {reviewed} di antaranya sudah direviu kecamatan."
                ).format(
                    villages=format_number(len(villages), language),
                    office=head.office,
                    sent=format_number(sent, language),
                    records=format_number(records, language),
                    reviewed=format_number(reviewed, language),
                )
            ),
            styles.body,
        ),
    ]
    if data.deadline is not None:
        out.append(
            Paragraph(
                markup(
                    _("Tenggat pengiriman data desa: {date}.").format(
                        date=format_date_long(data.deadline, language)
                    )
                ),
                styles.body,
            )
        )
    return out


def _heading(text: str, styles: Styles) -> list[Flowable]:
    return [CondPageBreak(40 * mm), Paragraph(markup(text), styles.heading)]


def _villages_table(data: KecamatanReportData, styles: Styles, language: str) -> Flowable:
    header = [
        _("No"),
        _("Desa/Kelurahan"),
        _("Paket terakhir"),
        *(_(KIND_LABELS[k]) for k in KINDS),
        _("Jumlah"),
        _("Direviu"),
        _("Tahap"),
    ]
    rows: list[list[object]] = []
    for number, v in enumerate(data.villages, start=1):
        last = (
            _("No. {n}, {date}").format(
                n=v.last_bundle,
                date=format_date_long(v.last_received.date(), language) if v.last_received else "",
            )
            if v.last_bundle is not None
            else _("belum ada")
        )
        stage = stage_label(v.stage)
        if v.changed_after_verification:
            stage += " (" + _("berubah setelah diverifikasi") + ")"
        rows.append(
            [
                str(number),
                v.name,
                last,
                *(v.counts.get(k.value, 0) for k in KINDS),
                v.total,
                _("{done} dari {total}").format(
                    done=format_number(v.reviewed, language), total=format_number(v.total, language)
                ),
                stage,
            ]
        )
    totals = [sum(v.counts.get(k.value, 0) for v in data.villages) for k in KINDS]
    rows.append(
        [
            "",
            _("Jumlah"),
            "",
            *totals,
            sum(totals),
            _("{done} dari {total}").format(
                done=format_number(sum(v.reviewed for v in data.villages), language),
                total=format_number(sum(totals), language),
            ),
            "",
        ]
    )
    widths = [26.0, 145.0, 100.0, 85.0, 60.0, 70.0, 50.0, 70.0]
    widths.append(WIDTH - sum(widths))
    return grid_table(header, rows, widths, styles, total_row=True, right_from=3)


def _dimensions_table(data: KecamatanReportData, styles: Styles, language: str) -> Flowable:
    known = list(ref_list("dimensions").codes())
    # A code outside the list (an older or newer list at the village) still gets its column.
    codes = known + sorted({c for v in data.villages for c in v.dimensions} - set(known))
    header = [_("No"), _("Desa/Kelurahan"), *(_dimension_label(c, language) for c in codes)]
    header.append(_("Jumlah"))
    rows: list[list[object]] = []
    for number, v in enumerate(data.villages, start=1):
        counts = [v.dimensions.get(c, 0) for c in codes]
        rows.append([str(number), v.name, *counts, sum(counts)])
    totals = [sum(v.dimensions.get(c, 0) for v in data.villages) for c in codes]
    rows.append(["", _("Jumlah"), *totals, sum(totals)])
    first = [26.0, 150.0]
    rest = (WIDTH - sum(first)) / (len(codes) + 1)
    return grid_table(header, rows, first + [rest] * (len(codes) + 1), styles, total_row=True)


def _states_table(data: KecamatanReportData, styles: Styles, language: str) -> Flowable:
    header = [_("No"), _("Desa/Kelurahan"), *(state_label(s) for s in STATES)]
    header += [_("Belum direviu"), _("Verifikasi desa")]
    rows: list[list[object]] = []
    for number, v in enumerate(data.villages, start=1):
        verdict = state_label(v.verification_state) if v.verification_state else "–"
        rows.append(
            [
                str(number),
                v.name,
                *(v.states.get(s.value, 0) for s in STATES),
                max(v.total - v.reviewed, 0),
                verdict,
            ]
        )
    totals = [sum(v.states.get(s.value, 0) for v in data.villages) for s in STATES]
    not_reviewed = sum(max(v.total - v.reviewed, 0) for v in data.villages)
    rows.append(["", _("Jumlah"), *totals, not_reviewed, ""])
    first = [26.0, 150.0]
    last = 100.0
    rest = (WIDTH - sum(first) - last) / (len(STATES) + 1)
    widths = first + [rest] * (len(STATES) + 1) + [last]
    return grid_table(header, rows, widths, styles, total_row=True)


def _priorities(data: KecamatanReportData, styles: Styles, language: str) -> list[Flowable]:
    if not data.priorities:
        return [
            Paragraph(
                markup(
                    _(
                        "Belum ada usulan inovasi yang diberi peringkat prioritas oleh kecamatan. "
                        "Peringkat diisi saat mereviu usulan."
                    )
                ),
                styles.note,
            )
        ]
    header = [_("Peringkat"), _("Usulan inovasi"), _("Desa/Kelurahan"), _("Dimensi")]
    header.append(_("Hasil verifikasi"))
    rows = [
        [
            format_number(p.rank, language),
            p.title,
            p.desa_name,
            _dimension_label(p.dimension, language),
            state_label(p.state),
        ]
        for p in data.priorities
    ]
    widths = [62.0, 0.0, 150.0, 130.0, 100.0]
    widths[1] = WIDTH - sum(widths)
    out: list[Flowable] = [grid_table(header, rows, widths, styles, right_from=99)]
    if data.unranked_proposals:
        out.append(
            Paragraph(
                markup(
                    _("{n} usulan inovasi lain belum diberi peringkat prioritas.").format(
                        n=format_number(data.unranked_proposals, language)
                    )
                ),
                styles.note,
            )
        )
    return out


def build_kecamatan_recap_pdf(
    data: KecamatanReportData,
    path: Path,
    progress: ReportProgress | None = None,
    language: str | None = None,
) -> None:
    language = language or current_language()
    styles = make_styles()
    check_cancelled(progress)
    head = data.letterhead
    story: list[Flowable] = []
    story += letterhead_flowables(head, styles)
    story += _title(data, styles, language)
    story += _heading(_("I. Pengiriman data dan kemajuan reviu per desa"), styles)
    story.append(_villages_table(data, styles, language))
    story += _heading(_("II. Catatan per desa dan per dimensi Smart City"), styles)
    story.append(_dimensions_table(data, styles, language))
    story += _heading(_("III. Hasil reviu kecamatan per desa"), styles)
    story.append(_states_table(data, styles, language))
    story += _heading(_("IV. Daftar prioritas usulan inovasi"), styles)
    story += _priorities(data, styles, language)
    close_with_signatures(
        story,
        data,
        _(
            "Demikian rekap ini dibuat dengan sebenarnya untuk digunakan sebagaimana mestinya "
            "dalam penyusunan Masterplan Smart City."
        ),
        styles.body,
        styles,
        WIDTH,
        language,
        left_caption=_("Disusun oleh,"),
    )
    footer = office_footer(
        data.fingerprint,
        data.generated_at,
        language,
        _("Rekap Kecamatan – {office}").format(office=head.office),
    )
    build_official_pdf(
        path,
        story,
        footer,
        PAGE_SIZE,
        title=_("Rekap Permasalahan, Potensi dan Usulan Inovasi {office}").format(
            office=head.office
        ),
        author=head.office,
        subject=_("Rekap Kecamatan untuk Masterplan Smart City"),
        progress=progress,
    )
