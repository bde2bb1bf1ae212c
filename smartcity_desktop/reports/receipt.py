"""The import receipt ("Tanda Terima Paket Data"): one official page per imported bundle.

The receiving office prints or files it as proof of what arrived from whom: the sender, the
bundle's sequence number and content hash (its identity in the ledger), how far the sender was
trusted, and what the import did to each kind of record. Pure layout: it receives a
``ReceiptData`` and writes a PDF to the path it is given; services.receipts gathers the data and
owns temporary files and renaming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.domain.records import IMPORT_ACTIONS, import_action_label
from smartcity_desktop.domain.regions import role_label
from smartcity_desktop.i18n import N_, _, current_language
from smartcity_desktop.reports.dates import format_date_long, format_datetime_long
from smartcity_desktop.reports.formatting import format_number, markup
from smartcity_desktop.reports.keep import keep_with_previous
from smartcity_desktop.reports.letterhead import letterhead_flowables
from smartcity_desktop.reports.pages import (
    Footer,
    NumberedCanvas,
    body_page_template,
    document_options,
)
from smartcity_desktop.reports.recap_data import Letterhead
from smartcity_desktop.reports.styles import (
    CELL_FONT,
    FONT,
    FONT_BOLD,
    FONT_MONO,
    HEADER_FILL,
    MARGIN_X,
    MUTED,
    RULE,
    TOTAL_FILL,
    Styles,
    make_styles,
)

# Portrait: a receipt is a letter, filed with other letters; it has no wide tables.
PAGE_SIZE = A4
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
LABEL_WIDTH = 52 * mm
MONO = FONT_MONO
WARN_FILL = colors.HexColor("#FFF1C2")  # pale amber: noticeable, still legible in grey print
WARN_INK = colors.HexColor("#7A4B00")

TRUST_LABELS = {
    "certified": N_("bersertifikat"),
    "locally_trusted": N_("dipercaya lokal"),
}
KIND_ORDER = ("problem", "potential", "proposal", "attachment")
DOTTED_NAME = "(" + "." * 40 + ")"


@dataclass(frozen=True)
class ReceiptData:
    """Everything the receipt shows, already looked up; times are aware local times."""

    letterhead: Letterhead
    head_title: str  # "Camat", "Bupati", ... already translated
    head_name: str  # empty: a dotted line is printed for the name to be written by hand
    receiver_code: str
    operator: str
    fingerprint: str  # the receiving office's key fingerprint, for the footer
    sender_code: str
    sender_name: str  # from the region list; empty when the code is not in it
    sender_role: str
    sequence: int
    content_hash: str
    trust_level: str  # certified | locally_trusted
    created: datetime | None
    imported_at: datetime
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # as the bundle header declares them
    actions: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> action -> n
    missing_sequences: list[int] = field(default_factory=list)


def trust_label(level: str) -> str:
    return _(TRUST_LABELS[level]) if level in TRUST_LABELS else level or "-"


def _kinds(data: ReceiptData) -> list[str]:
    present = set(data.counts) | set(data.actions)
    ordered = [k for k in KIND_ORDER if k in present]
    return ordered + sorted(present - set(KIND_ORDER))


def _hash_paragraph(content_hash: str, styles: Styles) -> Paragraph:
    # Groups of eight are easier to compare aloud; two even lines of four groups each instead
    # of letting the table wrap a lone group onto the second line.
    groups = [content_hash[i : i + 8] for i in range(0, len(content_hash), 8)]
    lines = [" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4)]
    style = styles.cell.clone("hash", fontName=MONO, fontSize=9.5, leading=12)
    return Paragraph("<br/>".join(markup(line) for line in lines), style)


_PART = re.compile(r"^(?P<stem>.+)\.part(?P<index>\d+)-of-(?P<count>\d+)\.scb$")


def file_lines(files: list[str]) -> list[str]:
    """File names for the receipt; a bundle sent in parts is one line, not one per part."""
    out: list[str] = []
    parts: dict[tuple[str, str], int] = {}
    for name in files:
        match = _PART.match(name)
        if match is None:
            out.append(name)
        else:
            key = (match["stem"], match["count"])
            parts[key] = parts.get(key, 0) + 1
    for (stem, count), n in parts.items():
        out.append(
            _("{name} ({n} dari {count} bagian)").format(
                name=f"{stem}.part*-of-{count}.scb", n=n, count=int(count)
            )
        )
    return out


def _details_table(data: ReceiptData, styles: Styles, language: str) -> Table:
    label = styles.cell.clone("label", fontName=FONT_BOLD, fontSize=9, leading=11.5)
    value = styles.cell.clone("value", fontSize=9, leading=11.5)
    sender = data.sender_code + (f" – {data.sender_name}" if data.sender_name else "")
    locally = data.trust_level == "locally_trusted"
    trust_text = markup(
        trust_label(data.trust_level).upper() if locally else trust_label(data.trust_level)
    )
    if locally:
        trust_text = f"<b>{trust_text}</b><br/>" + markup(
            _(
                "Kunci pengirim disematkan di kantor ini, belum disertifikasi oleh kabupaten. "
                "Pastikan sidik jarinya sudah dicocokkan lewat telepon."
            )
        )
    rows: list[tuple[str, Any]] = [
        (_("Kantor pengirim"), Paragraph(markup(sender), value)),
        (_("Peran pengirim"), Paragraph(markup(role_label(data.sender_role)), value)),
        (_("Nomor urut paket"), Paragraph(markup(format_number(data.sequence, language)), value)),
        (_("Sidik isi paket (SHA-256)"), _hash_paragraph(data.content_hash, styles)),
        (_("Status kepercayaan"), Paragraph(trust_text, value)),
        (
            _("Dibuat oleh pengirim"),
            Paragraph(
                markup(format_datetime_long(data.created, language) if data.created else "-"),
                value,
            ),
        ),
        (
            _("Diimpor pada"),
            Paragraph(markup(format_datetime_long(data.imported_at, language)), value),
        ),
        (_("Nama berkas"), Paragraph(markup("\n".join(file_lines(data.files)) or "-"), value)),
        (
            _("Kantor penerima"),
            Paragraph(markup(f"{data.receiver_code} – {data.letterhead.office}"), value),
        ),
        (_("Operator"), Paragraph(markup(data.operator or "-"), value)),
    ]
    table = Table(
        [[Paragraph(markup(k), label), v] for k, v in rows],
        colWidths=[LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH],
    )
    style: list[tuple[Any, ...]] = [
        CELL_FONT,
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (0, -1), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if locally:
        trust_row = 4
        style += [
            ("BACKGROUND", (1, trust_row), (1, trust_row), WARN_FILL),
            ("TEXTCOLOR", (1, trust_row), (1, trust_row), WARN_INK),
            ("BOX", (1, trust_row), (1, trust_row), 1.2, WARN_INK),
        ]
    table.setStyle(TableStyle(style))
    return table


def _counts_table(data: ReceiptData, styles: Styles, language: str) -> Table:
    head = styles.head_cell
    left = styles.cell
    right = styles.cell_right
    header = [Paragraph(markup(_("Jenis data")), head), Paragraph(markup(_("Dalam paket")), head)]
    header += [Paragraph(markup(import_action_label(a).capitalize()), head) for a in IMPORT_ACTIONS]
    rows: list[list[Any]] = [header]
    totals = [0] * (1 + len(IMPORT_ACTIONS))
    for kind in _kinds(data):
        per_action = data.actions.get(kind, {})
        numbers = [data.counts.get(kind, 0)] + [per_action.get(a, 0) for a in IMPORT_ACTIONS]
        totals = [t + n for t, n in zip(totals, numbers, strict=True)]
        rows.append(
            [Paragraph(markup(kind_label(kind)), left)]
            + [Paragraph(format_number(n, language), right) for n in numbers]
        )
    bold_right = right.clone("total_right", fontName=FONT_BOLD)
    rows.append(
        [Paragraph(markup(_("Jumlah")), left.clone("total_left", fontName=FONT_BOLD))]
        + [Paragraph(format_number(n, language), bold_right) for n in totals]
    )
    first = 42 * mm
    rest = (FRAME_WIDTH - first) / (1 + len(IMPORT_ACTIONS))
    table = Table(rows, colWidths=[first] + [rest] * (1 + len(IMPORT_ACTIONS)), repeatRows=1)
    style: list[tuple[Any, ...]] = [
        CELL_FONT,
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    conflict_col = 2 + IMPORT_ACTIONS.index("conflict")
    if totals[conflict_col - 1]:
        style.append(("TEXTCOLOR", (conflict_col, 1), (conflict_col, -1), WARN_INK))
    table.setStyle(TableStyle(style))
    return table


def _notes(data: ReceiptData, styles: Styles, language: str) -> list[Flowable]:
    out: list[Flowable] = []
    if data.missing_sequences:
        numbers = ", ".join(format_number(n, language) for n in data.missing_sequences)
        out.append(
            Paragraph(
                "<b>"
                + markup(_("Paket yang belum diterima dari kantor ini:"))
                + "</b> "
                + markup(
                    _(
                        "nomor {numbers}. Minta kantor pengirim mengirim ulang paket tersebut."
                    ).format(numbers=numbers)
                ),
                styles.body,
            )
        )
    else:
        out.append(
            Paragraph(
                markup(_("Tidak ada nomor paket yang terlewat dari kantor pengirim ini.")),
                styles.body,
            )
        )
    conflicts = sum(per.get("conflict", 0) for per in data.actions.values())
    if conflicts:
        out.append(
            Paragraph(
                markup(
                    _(
                        "{n} catatan bertentangan dengan data yang sudah ada dan tidak diterapkan; "
                        "catatan itu disimpan untuk diperiksa."
                    ).format(n=format_number(conflicts, language))
                ),
                styles.body,
            )
        )
    older = sum(per.get("older", 0) for per in data.actions.values())
    if older:
        out.append(
            Paragraph(
                markup(
                    _(
                        "{n} catatan lebih lama dari yang sudah ada dan tidak menggantikannya."
                    ).format(n=format_number(older, language))
                ),
                styles.note,
            )
        )
    return out


def _signature(data: ReceiptData, styles: Styles, language: str) -> Flowable:
    place_date = (
        f"{data.letterhead.office_place}, {format_date_long(data.imported_at.date(), language)}"
    )
    name = data.head_name.strip()
    head_name = (
        Paragraph(f"<u>{markup(name)}</u>", styles.sign_name)
        if name
        else Paragraph(DOTTED_NAME, styles.sign)
    )
    operator_name = (
        Paragraph(f"<u>{markup(data.operator)}</u>", styles.sign_name)
        if data.operator.strip()
        else Paragraph(DOTTED_NAME, styles.sign)
    )
    half = FRAME_WIDTH / 2
    rows = [
        ["", Paragraph(markup(place_date), styles.sign)],
        [
            Paragraph(markup(_("Operator penerima,")), styles.sign),
            Paragraph(markup(_("Yang menerima,")), styles.sign),
        ],
        ["", Paragraph(markup(data.head_title), styles.sign_name)],
        ["", ""],
        [operator_name, head_name],
    ]
    table = Table(rows, colWidths=[half, half], rowHeights=[None, None, None, 24 * mm, None])
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table


class _ReceiptCanvas(NumberedCanvas):
    """The shared footer, with the generation time on a second line under the fingerprint:
    on a portrait page the three-column footer of the landscape recap would overlap."""

    generated: str

    def _draw_furniture(self, number: int, total: int) -> None:
        super()._draw_furniture(number, total)
        self.saveState()
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        self.drawString(MARGIN_X, 10 * mm - 3.3 * mm, self.generated)
        self.restoreState()


def build_receipt_pdf(data: ReceiptData, path: Path, language: str | None = None) -> None:
    """Lay out the receipt and write it to ``path`` (a file the caller may discard)."""
    language = language or current_language()
    styles = make_styles()
    story: list[Flowable] = []
    story += letterhead_flowables(data.letterhead, styles)
    story.append(Paragraph(markup(_("TANDA TERIMA PAKET DATA")), styles.title))
    story.append(
        Paragraph(
            markup(
                _("Paket nomor {sequence} dari kantor {sender}").format(
                    sequence=format_number(data.sequence, language), sender=data.sender_code
                )
            ),
            styles.subtitle,
        )
    )
    body = styles.body.clone("receipt_body", alignment=TA_LEFT)
    story.append(
        Paragraph(
            markup(
                _(
                    "Pada {date}, {receiver} telah menerima dan mengimpor paket data SmartCity "
                    "yang ditandatangani secara digital dengan rincian sebagai berikut:"
                ).format(
                    date=format_date_long(data.imported_at.date(), language),
                    receiver=data.letterhead.office,
                )
            ),
            body,
        )
    )
    story.append(_details_table(data, styles, language))
    story.append(Paragraph(markup(_("Rincian isi paket")), styles.subheading))
    story.append(_counts_table(data, styles, language))
    story.append(Spacer(1, 3 * mm))
    story += _notes(data, styles, language)
    closing = Paragraph(
        markup(
            _(
                "Demikian tanda terima ini dibuat dengan sebenarnya untuk digunakan sebagaimana "
                "mestinya."
            )
        ),
        body,
    )
    keep_with_previous(story, [closing, Spacer(1, 4 * mm), _signature(data, styles, language)])

    footer = Footer(
        left=_("Sidik jari kunci kantor: {fp}").format(fp=data.fingerprint),
        middle="",
        running_title=_("Tanda Terima Paket Data – {office}").format(office=data.letterhead.office),
    )
    doc = BaseDocTemplate(
        str(path),
        title=_("Tanda Terima Paket Data {sender} nomor {sequence}").format(
            sender=data.sender_code, sequence=data.sequence
        ),
        author=data.letterhead.office,
        subject=data.content_hash,
        **document_options(PAGE_SIZE),
    )
    doc.addPageTemplates([body_page_template(PAGE_SIZE)])
    generated = _("Dibuat {when}").format(when=format_datetime_long(data.imported_at, language))
    canvas = type(
        "BoundReceiptCanvas", (_ReceiptCanvas,), {"footer": footer, "generated": generated}
    )
    doc.build(story, canvasmaker=canvas)
