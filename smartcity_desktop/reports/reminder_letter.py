"""Surat Pengingat: the kecamatan's letter to the head of a late village (nomor, lampiran,
perihal, addressee, the deadline and what is still missing), signed by the camat.

Portrait A4, one page in practice. Pure layout over ``ReminderData``.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from smartcity_desktop.i18n import _, current_language
from smartcity_desktop.reports.dates import format_date_long, format_datetime_long
from smartcity_desktop.reports.formatting import markup
from smartcity_desktop.reports.kecamatan_data import ReminderData
from smartcity_desktop.reports.keep import keep_with_previous
from smartcity_desktop.reports.letterhead import letterhead_flowables
from smartcity_desktop.reports.official import DOTTED_NAME, build_official_pdf, frame_width
from smartcity_desktop.reports.pages import Footer
from smartcity_desktop.reports.styles import CELL_FONT, Styles, make_styles

PAGE_SIZE = A4
WIDTH = frame_width(PAGE_SIZE)
BLANK_NUMBER = "…………/…………/…………"


def _heading_table(data: ReminderData, styles: Styles, language: str) -> Table:
    cell = styles.body.clone("letter_cell", fontSize=10, leading=13, spaceAfter=0)
    place_date = (
        f"{data.letterhead.office_place}, {format_date_long(data.generated_at.date(), language)}"
    )
    rows = [
        [_("Nomor"), ":", BLANK_NUMBER, place_date],
        [_("Sifat"), ":", _("Penting"), ""],
        [_("Lampiran"), ":", "–", ""],
        [_("Perihal"), ":", _("Pengingat penyampaian data Smart City"), ""],
    ]
    table = Table(
        [[Paragraph(markup(c), cell) for c in row] for row in rows],
        colWidths=[22 * mm, 4 * mm, 84 * mm, WIDTH - 110 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _signature(data: ReminderData, styles: Styles) -> Table:
    name = data.head.name.strip()
    name_cell = (
        Paragraph(f"<u>{markup(name)}</u>", styles.sign_name)
        if name
        else Paragraph(DOTTED_NAME, styles.sign)
    )
    rows = [
        [Paragraph(markup(data.head.role), styles.sign_name)],
        [""],
        [name_cell],
    ]
    table = Table(rows, colWidths=[80 * mm], rowHeights=[None, 24 * mm, None], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def build_reminder_pdf(data: ReminderData, path: Path, language: str | None = None) -> None:
    language = language or current_language()
    styles = make_styles()
    body = styles.body.clone("letter_body", alignment=TA_JUSTIFY, fontSize=10, leading=14)
    head = data.letterhead
    village = data.village
    story: list[Flowable] = []
    story += letterhead_flowables(head, styles)
    story.append(Spacer(1, 4 * mm))
    story.append(_heading_table(data, styles, language))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            markup(
                _("Yth. {title} {village}\ndi tempat").format(
                    title=data.village_head_title, village=village.name.split(" ", 1)[-1]
                )
            ),
            body,
        )
    )
    story.append(Spacer(1, 3 * mm))
    if data.deadline is not None:
        deadline = _(
            "Sesuai tenggat yang telah ditetapkan, data permasalahan, potensi dan usulan "
            "inovasi desa untuk penyusunan Masterplan Smart City {regency} disampaikan ke "
            "{office} paling lambat tanggal {date}."
        ).format(
            regency=head.regency,
            office=head.office,
            date=format_date_long(data.deadline, language),
        )
    else:
        deadline = _(
            "Dalam rangka penyusunan Masterplan Smart City {regency}, setiap desa/kelurahan "
            "menyampaikan data permasalahan, potensi dan usulan inovasi desa ke {office}."
        ).format(regency=head.regency, office=head.office)
    story.append(Paragraph(markup(deadline), body))
    story.append(
        Paragraph(
            markup(
                _(
                    "Sampai dengan tanggal surat ini, data dari {village} masih belum lengkap, "
                    "yaitu:"
                ).format(village=village.name)
            ),
            body,
        )
    )
    for number, item in enumerate(data.missing, start=1):
        story.append(
            Paragraph(
                markup(f"{number}. {item[:1].upper()}{item[1:]}"),
                body.clone(f"missing_{number}", leftIndent=8 * mm, firstLineIndent=-5 * mm),
            )
        )
    story.append(
        Paragraph(
            markup(
                _(
                    "Sehubungan dengan hal tersebut, kami mohon Saudara segera melengkapi data "
                    "tersebut dalam aplikasi SmartCity Desktop dan mengirimkan paket datanya ke "
                    "kecamatan. Apabila mengalami kendala, silakan menghubungi operator "
                    "kecamatan."
                )
            ),
            body,
        )
    )
    closing = Paragraph(
        markup(_("Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.")),
        body,
    )
    keep_with_previous(story, [closing, Spacer(1, 6 * mm), _signature(data, styles)])
    footer = Footer(
        left=_("Sidik jari kunci kantor: {fp}").format(fp=data.fingerprint),
        middle=_("Dibuat {when}").format(when=format_datetime_long(data.generated_at, language)),
        running_title=_("Surat Pengingat – {village}").format(village=village.name),
    )
    build_official_pdf(
        path,
        story,
        footer,
        PAGE_SIZE,
        title=_("Surat Pengingat untuk {village}").format(village=village.name),
        author=head.office,
        subject=_("Pengingat penyampaian data Smart City"),
    )
