"""The kabupaten's annex to the Smart City masterplan: "Lampiran Rekapitulasi Aspirasi
Permasalahan, Potensi dan Usulan Inovasi Desa/Kelurahan".

Laid out as the Musrenbang forms planners know: a cover; an approval page (Lembar Pengesahan);
the method with the completeness of the villages' data per kecamatan; one section per analysis
view (its chart drawn by reportlab's chart library, each table with its note, the view's notes
and filter under it); the proposals not accommodated with their reasons; the closing with two
signatures. A4 throughout: portrait for prose and narrow tables, landscape for a view whose table
is wide. A table wider than even a landscape page is split into parts by columns, the leading
text columns repeated in each part, so no column is ever cut off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from smartcity_desktop.i18n import _
from smartcity_desktop.reports.annex_chart import chart_drawing
from smartcity_desktop.reports.annex_data import (
    FLOAT,
    INT,
    MONEY,
    PERCENT,
    TEXT,
    AnnexColumn,
    AnnexData,
    AnnexTable,
    AnnexView,
)
from smartcity_desktop.reports.dates import format_date_long, format_datetime_long
from smartcity_desktop.reports.formatting import format_number, format_rupiah, markup
from smartcity_desktop.reports.keep import keep_with_previous
from smartcity_desktop.reports.letterhead import letterhead_flowables
from smartcity_desktop.reports.official import _ProgressDoc, grid_table, two_signatures
from smartcity_desktop.reports.pages import Footer, NumberedCanvas, document_options, office_footer
from smartcity_desktop.reports.progress import ReportProgress
from smartcity_desktop.reports.styles import (
    CELL_FONT,
    FONT,
    FONT_BOLD,
    HEADER_FILL,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    RULE,
    TOTAL_FILL,
    Styles,
    make_styles,
)

PORTRAIT = A4
LANDSCAPE = landscape(A4)
PAD = 2.5  # cell padding left and right, points
HEAT_HIGH = colors.HexColor("#F4A3A3")
SAMPLE_ROWS = 300  # rows measured to size a column
TEXT_LEAST = 28  # mm a text column keeps before its words break
FIRST_LEAST = 45  # mm the first column keeps: it names the row


def document_title() -> str:
    return _(
        "Lampiran Rekapitulasi Aspirasi Permasalahan, Potensi dan Usulan Inovasi Desa/Kelurahan"
    )


# --- cells ------------------------------------------------------------------------------------


def cell_text(value: Any, kind: str, language: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    locale = "en" if language == "en" else "id"
    if kind == MONEY:
        return format_rupiah(value, language)
    if kind == PERCENT:
        return format_decimal(value, format="#,##0.0", locale=locale) + "%"
    if kind == FLOAT:
        return format_decimal(value, format="#,##0.0#", locale=locale)
    if kind == INT and isinstance(value, float) and not value.is_integer():
        return format_decimal(value, format="#,##0.0#", locale=locale)
    return format_number(value, language)


@dataclass(frozen=True)
class _Fonts:
    size: float
    leading: float


def _fonts(columns: int) -> _Fonts:
    if columns <= 8:
        return _Fonts(7.5, 9.5)
    if columns <= 14:
        return _Fonts(7, 8.5)
    return _Fonts(6.3, 7.6)


def _longest_word(text: str, font: str, size: float) -> float:
    return max((stringWidth(w, font, size) for w in text.split()), default=0.0)


def _column_widths(
    table: AnnexTable, texts: list[list[str]], size: float
) -> list[tuple[float, float]]:
    """(least, natural) width of each column in points, from its header and sampled cells."""
    out = []
    sample = texts[:SAMPLE_ROWS]
    for n, column in enumerate(table.columns):
        header_least = _longest_word(column.title, FONT_BOLD, size) + 2 * PAD + 1
        header_full = stringWidth(column.title, FONT_BOLD, size) + 2 * PAD + 1
        cells = [row[n] for row in sample]
        if column.kind == TEXT:
            natural = max([stringWidth(c, FONT, size) for c in cells] + [0]) + 2 * PAD + 1
            least = max(
                header_least,
                # The first column names the row (an isu, an urusan, a title): it keeps more.
                min(natural, (FIRST_LEAST if n == 0 else TEXT_LEAST) * mm),
                max([_longest_word(c, FONT, size) + 2 * PAD + 1 for c in cells] + [0]),
            )
            out.append((min(least, 60 * mm), max(min(natural, 95 * mm), header_least, least)))
        else:
            widest = max([stringWidth(c, FONT_BOLD, size) for c in cells] + [0]) + 2 * PAD + 1
            least = max(header_least, widest, 9 * mm)
            out.append((least, max(least, min(header_full, 24 * mm))))
    return out


def fits(table: AnnexTable, width: float, language: str) -> bool:
    """Whether every column of ``table`` fits side by side in ``width``."""
    texts = _texts(table, language)
    size = _fonts(len(table.columns)).size
    return sum(least for least, _n in _column_widths(table, texts, size)) <= width


def _texts(table: AnnexTable, language: str) -> list[list[str]]:
    rows = [*table.rows, *([table.totals] if table.totals is not None else [])]
    return [
        [cell_text(v, c.kind, language) for v, c in zip(row, table.columns, strict=True)]
        for row in rows
    ]


def _share(
    widths: list[tuple[float, float]], width: float, text: list[bool] | None = None
) -> list[float]:
    """Widths that fill at most ``width``: naturals when they fit, else columns shrink towards
    their least width; when even that is too wide (many text columns), the text columns shrink
    further in proportion (their words then break) so that nothing runs off the page."""
    natural = sum(n for _least, n in widths)
    if natural <= width:
        return [n for _least, n in widths]
    least = sum(low for low, _n in widths)
    if least <= width:
        give = natural - least
        ratio = (natural - width) / give if give else 1.0
        return [n - (n - low) * min(ratio, 1.0) for low, n in widths]
    text = text or [False] * len(widths)
    fixed = sum(low for (low, _n), t in zip(widths, text, strict=True) if not t)
    flexible = least - fixed
    scale = max(width - fixed, 0.0) / flexible if flexible else 1.0
    return [low * scale if t else low for (low, _n), t in zip(widths, text, strict=True)]


def _parts(table: AnnexTable, widths: list[tuple[float, float]], width: float) -> list[list[int]]:
    """Column indices of each part: the leading text columns in every part, then as many of the
    others as fit."""
    keys = []
    for n, column in enumerate(table.columns):
        if column.kind != TEXT:
            break
        keys.append(n)
    if len(keys) == len(table.columns):
        return [keys]
    base = sum(widths[n][0] for n in keys)
    parts: list[list[int]] = []
    current: list[int] = []
    used = base
    for n in range(len(keys), len(table.columns)):
        if current and used + widths[n][0] > width:
            parts.append(keys + current)
            current, used = [], base
        current.append(n)
        used += widths[n][0]
    parts.append(keys + current)
    return parts


def _heat(value: Any, top: float) -> colors.Color | None:
    if not isinstance(value, int | float) or isinstance(value, bool) or top <= 0 or value <= 0:
        return None
    share = min(float(value) / top, 1.0)
    return colors.linearlyInterpolatedColor(colors.white, HEAT_HIGH, 0, 1, share)


def table_flowables(
    table: AnnexTable, width: float, styles: Styles, language: str
) -> list[Flowable]:
    """``table`` as one reportlab table, or several parts by columns when it is too wide."""
    texts = _texts(table, language)
    fonts = _fonts(len(table.columns))
    widths = _column_widths(table, texts, fonts.size)
    parts = (
        _parts(table, widths, width)
        if sum(w[0] for w in widths) > width
        else [list(range(len(table.columns)))]
    )
    cell = styles.cell.clone("annex_cell", fontSize=fonts.size, leading=fonts.leading)
    bold = cell.clone("annex_bold", fontName=FONT_BOLD)
    head = styles.head_cell.clone("annex_head", fontSize=fonts.size, leading=fonts.leading)
    heat_top = max(
        (
            float(v)
            for row in table.rows
            for v, c in zip(row, table.columns, strict=True)
            if c.heat and isinstance(v, int | float) and not isinstance(v, bool)
        ),
        default=0.0,
    )
    out: list[Flowable] = []
    for number, part in enumerate(parts, 1):
        values = [i for i in part if table.columns[i].kind != TEXT] or part
        if len(parts) > 1:
            out.append(
                Paragraph(
                    markup(
                        _("Bagian {n} dari {total}: kolom {first} sampai {last}").format(
                            n=number,
                            total=len(parts),
                            first=table.columns[values[0]].title,
                            last=table.columns[values[-1]].title,
                        )
                    ),
                    styles.note,
                )
            )
        columns = [table.columns[i] for i in part]
        shares = _share([widths[i] for i in part], width, [c.kind == TEXT for c in columns])
        out.append(
            _one_table(table, part, columns, shares, texts, cell, bold, head, fonts, heat_top)
        )
        out.append(Spacer(1, 2 * mm))
    return out


def _one_table(
    table: AnnexTable,
    part: list[int],
    columns: list[AnnexColumn],
    shares: list[float],
    texts: list[list[str]],
    cell: Any,
    bold: Any,
    head: Any,
    fonts: _Fonts,
    heat_top: float,
) -> Table:
    has_totals = table.totals is not None
    body: list[list[Any]] = [[Paragraph(markup(c.title), head) for c in columns]]
    style: list[tuple[Any, ...]] = [
        CELL_FONT,
        ("FONTSIZE", (0, 0), (-1, -1), fonts.size),
        ("LEADING", (0, 0), (-1, -1), fonts.leading),
        ("GRID", (0, 0), (-1, -1), 0.35, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]
    for col, column in enumerate(columns):
        if column.kind != TEXT:
            style.append(("ALIGN", (col, 1), (col, -1), "RIGHT"))
    last = len(texts) - 1
    for r, row in enumerate(texts):
        is_total = has_totals and r == last
        values = table.totals if is_total else table.rows[r]
        line: list[Any] = []
        for col, (i, column) in enumerate(zip(part, columns, strict=True)):
            text = row[i]
            if column.kind == TEXT:
                line.append(Paragraph(markup(text), bold if is_total else cell))
            else:
                line.append(text)
                if column.heat and not is_total and values is not None:
                    fill = _heat(values[i], heat_top)
                    if fill is not None:
                        style.append(("BACKGROUND", (col, r + 1), (col, r + 1), fill))
        body.append(line)
    if has_totals:
        style += [
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
            ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
        ]
    grid = Table(body, colWidths=shares, repeatRows=1, hAlign="LEFT")
    grid.setStyle(TableStyle(style))
    return grid


# --- pages ------------------------------------------------------------------------------------


def _frame(size: tuple[float, float], ident: str) -> Frame:
    return Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        size[0] - 2 * MARGIN_X,
        size[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=ident,
    )


def page_templates() -> list[PageTemplate]:
    return [
        PageTemplate(id="portrait", frames=[_frame(PORTRAIT, "p")], pagesize=PORTRAIT),
        PageTemplate(id="landscape", frames=[_frame(LANDSCAPE, "l")], pagesize=LANDSCAPE),
    ]


class AnnexCanvas(NumberedCanvas):
    """Portrait and landscape pages in one document: on a portrait page the generation time goes
    on a second footer line (three parts side by side would overlap)."""

    full: Footer

    def _draw_furniture(self, number: int, total: int) -> None:
        width, height = self._pagesize
        portrait = width < height
        full = self.full
        self.footer = (
            Footer(left=full.left, middle="", running_title=full.running_title)
            if portrait
            else full
        )
        super()._draw_furniture(number, total)
        if portrait:
            self.saveState()
            self.setFillColor(MUTED)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN_X, 10 * mm - 3.3 * mm, full.middle)
            self.restoreState()


class _Story:
    """The flowables and the orientation the next one is laid out in."""

    def __init__(self) -> None:
        self.items: list[Flowable] = []
        self.orientation = "portrait"

    def new_page(self, orientation: str) -> None:
        if orientation != self.orientation:
            self.items.append(NextPageTemplate(orientation))
            self.orientation = orientation
        self.items.append(PageBreak())

    def width(self) -> float:
        size = PORTRAIT if self.orientation == "portrait" else LANDSCAPE
        return float(size[0] - 2 * MARGIN_X)

    def add(self, *flowables: Flowable) -> None:
        self.items.extend(flowables)


# --- sections ---------------------------------------------------------------------------------


def _cover(story: _Story, data: AnnexData, styles: Styles, language: str) -> None:
    head = data.letterhead
    big = styles.title.clone("annex_cover", fontSize=17, leading=23, spaceBefore=0)
    story.add(*letterhead_flowables(head, styles), Spacer(1, 42 * mm))
    story.add(Paragraph(markup(_("LAMPIRAN")), styles.title))
    story.add(Spacer(1, 4 * mm), Paragraph(markup(document_title().upper()), big))
    story.add(Spacer(1, 6 * mm))
    story.add(
        Paragraph(
            markup(
                _("Dokumen Pendukung Masterplan Smart City {regency}").format(regency=head.regency)
            ),
            styles.subtitle,
        )
    )
    story.add(Spacer(1, 40 * mm))
    lines = [
        head.office,
        _("Batas data: {when}").format(when=_when(data, language)),
        format_date_long(data.generated_at.date(), language),
    ]
    center = styles.body.clone("annex_center", alignment=TA_CENTER, fontSize=10.5, leading=15)
    for line in lines:
        story.add(Paragraph(markup(line), center))


def _when(data: AnnexData, language: str) -> str:
    if data.cut_off is None:
        return _("belum ada paket data yang diterima")
    return format_datetime_long(data.cut_off, language)


def _approval(story: _Story, data: AnnexData, styles: Styles, language: str) -> None:
    story.new_page("portrait")
    story.add(Paragraph(markup(_("LEMBAR PENGESAHAN")), styles.title), Spacer(1, 6 * mm))
    text = _(
        "{title} ini disusun oleh {office} dari data yang dikirim desa/kelurahan melalui "
        "kecamatan dan diterima sampai {when}. Data setiap desa/kelurahan ditandatangani secara "
        "elektronik oleh kantor pengirimnya. Lampiran ini disahkan sebagai bagian dari dokumen "
        "Masterplan Smart City {regency}."
    ).format(
        title=document_title(),
        office=data.letterhead.office,
        when=_when(data, language),
        regency=data.letterhead.regency,
    )
    story.add(Paragraph(markup(text), styles.body), Spacer(1, 14 * mm))
    story.add(_signatures(data, styles, story.width(), language))


class _Unbroken(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A flowable that moves to the next page whole instead of splitting (a signature block
    whose names would otherwise land on a page of their own)."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.inner.wrap(avail_width, avail_height)
        self.width, self.height = width, height
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self.inner.drawOn(canvas, x, y, _sW)


def _signatures(data: AnnexData, styles: Styles, width: float, language: str) -> Flowable:
    return _Unbroken(_signature_table(data, styles, width, language))


def _signature_table(data: AnnexData, styles: Styles, width: float, language: str) -> Table:
    head = data.letterhead
    return two_signatures(
        f"{head.office_place}, {format_date_long(data.generated_at.date(), language)}",
        data.operator,
        data.head,
        styles,
        width,
        left_caption=_("Disusun oleh,"),
        right_caption=_("Mengesahkan,"),
    )


def _method(story: _Story, data: AnnexData, styles: Styles, language: str) -> None:
    story.new_page("portrait")
    story.add(Paragraph(markup(_("BAB I. METODE")), styles.heading))
    story.add(
        Paragraph(
            markup(
                _(
                    "Setiap desa/kelurahan mengisi permasalahan, potensi dan usulan inovasinya di "
                    "SmartCity Desktop tanpa perlu internet, lalu mengirimkannya sebagai paket "
                    "data bertanda tangan elektronik ke kecamatan. Kecamatan mereviu setiap "
                    "catatan, memverifikasi data desa dan meneruskan paketnya ke kabupaten. "
                    "Kabupaten memeriksa tanda tangan setiap paket sebelum datanya dipakai."
                )
            ),
            styles.body,
        )
    )
    counts = ", ".join(
        f"{format_number(n, language)} {label.lower()}" for label, n in data.record_counts
    )
    story.add(
        Paragraph(
            markup(
                _(
                    "Tabel dan grafik dalam lampiran ini dihitung dari seluruh catatan final yang "
                    "diterima sampai {when} ({counts}), tanpa saringan: semua kecamatan, semua "
                    "dimensi, semua tahap dan tingkat kepercayaan. Angka yang sama dapat dibuka "
                    "per kecamatan, desa atau dimensi di halaman analisis aplikasi dan diunduh "
                    "sebagai XLSX."
                ).format(when=_when(data, language), counts=counts)
            ),
            styles.body,
        )
    )
    story.add(Paragraph(markup(_("Kelengkapan data desa/kelurahan")), styles.subheading))
    story.add(*table_flowables(completeness_table(data), story.width(), styles, language))
    note = _(
        "Mengirim: paket data desa/kelurahan sudah diterima. Diverifikasi kecamatan: kecamatan "
        "sudah memverifikasi data desa itu. Diterima kabupaten: kabupaten sudah menerima hasil "
        "verifikasi itu. Catatan: catatan final yang diterima."
    )
    if data.deadline is not None:
        note += " " + _("Tenggat pengiriman: {date}.").format(
            date=format_date_long(data.deadline, language)
        )
    story.add(Paragraph(markup(note), styles.note))


def completeness_table(data: AnnexData) -> AnnexTable:
    """Villages sent, verified and accepted per kecamatan, with the shares, and a total row."""

    def pct(n: int, of: int) -> float:
        return round(100.0 * n / of, 1) if of else 0.0

    columns = (
        AnnexColumn(_("No")),
        AnnexColumn(_("Kecamatan")),
        AnnexColumn(_("Desa/kelurahan"), INT),
        AnnexColumn(_("Mengirim"), INT),
        AnnexColumn("%", PERCENT),
        AnnexColumn(_("Diverifikasi kecamatan"), INT),
        AnnexColumn("%", PERCENT),
        AnnexColumn(_("Diterima kabupaten"), INT),
        AnnexColumn("%", PERCENT),
        AnnexColumn(_("Catatan"), INT),
    )

    def line(no: str, name: str, v: int, s: int, ver: int, acc: int, rec: int) -> tuple[Any, ...]:
        return (no, name, v, s, pct(s, v), ver, pct(ver, v), acc, pct(acc, v), rec)

    rows = tuple(
        line(str(n), x.name.removeprefix("Kecamatan "), x.villages, x.sent, x.verified,
             x.accepted, x.records)
        for n, x in enumerate(data.completeness, 1)
    )  # fmt: skip
    sums = [
        sum(getattr(x, f) for x in data.completeness)
        for f in ("villages", "sent", "verified", "accepted", "records")
    ]
    totals = line("", _("Jumlah"), *sums)
    return AnnexTable(_("Kelengkapan data desa/kelurahan"), columns, rows, totals)


def _view_orientation(view: AnnexView, language: str) -> str:
    portrait = float(PORTRAIT[0] - 2 * MARGIN_X)
    if all(fits(t, portrait, language) for t in view.tables):
        return "portrait"
    return "landscape"


def _view(
    story: _Story,
    number: int,
    view: AnnexView,
    styles: Styles,
    language: str,
    chapter: Flowable | None = None,
) -> None:
    story.new_page(_view_orientation(view, language))
    width = story.width()
    heading = Paragraph(markup(f"2.{number} {view.title}"), styles.heading)
    lead: list[Flowable] = [heading, Paragraph(markup(view.summary), styles.body)]
    if chapter is not None:
        lead.insert(0, chapter)
    if view.error:
        story.add(*lead, Paragraph(markup(view.error), styles.note))
        return
    if not view.tables:
        story.add(*lead, Paragraph(markup(_("Tampilan ini tidak memuat tabel.")), styles.note))
    for index, table in enumerate(view.tables):
        pieces: list[Flowable] = [] if index else list(lead)
        pieces.append(Paragraph(markup(table.title), styles.subheading))
        if table.chart is not None:
            drawing = chart_drawing(table.chart, width)
            if drawing is not None:
                pieces.append(
                    Paragraph(markup(table.chart.title), styles.note.clone("annex_chart_title"))
                )
                pieces.append(drawing)
                if table.chart.note:
                    pieces.append(Paragraph(markup(table.chart.note), styles.note))
        # The heading, chart and the first rows stay together; long tables run on.
        if index:
            story.add(CondPageBreak(60 * mm))
        story.add(KeepTogether(pieces))
        story.add(*table_flowables(table, width, styles, language))
        under = [table.note] if table.note else []
        if table.cut:
            under.append(
                _(
                    "Tabel ini berisi {total} baris; lampiran memuat {shown} baris pertama "
                    "menurut urutan tampilan. Tabel lengkap: {hint}"
                ).format(
                    total=format_number(table.total_rows, language),
                    shown=format_number(len(table.rows), language),
                    hint=table.export_hint,
                )
            )
        for line in under:
            story.add(Paragraph(markup(line), styles.note))
    tail = [f"{label}: {value}" for label, value in view.notes]
    tail.append(
        _("Saringan: {filters}").format(
            filters="; ".join(f"{label} {value}" for label, value in view.filters)
        )
    )
    story.add(KeepTogether([Paragraph(markup(line), styles.note) for line in tail]))


def _not_accommodated(story: _Story, data: AnnexData, styles: Styles, language: str) -> None:
    story.new_page("landscape")
    story.add(
        Paragraph(markup(_("BAB III. USULAN YANG TIDAK DAPAT DIAKOMODASI")), styles.heading),
        Paragraph(
            markup(
                _(
                    "Usulan inovasi yang ditolak atau dialihkan pada reviu kecamatan atau "
                    "kabupaten, dengan alasannya. Bila kabupaten mereviu ulang usulan yang sama, "
                    "keputusan kabupaten yang berlaku."
                )
            ),
            styles.body,
        ),
    )
    if not data.not_accommodated:
        story.add(
            Paragraph(markup(_("Tidak ada usulan yang ditolak atau dialihkan.")), styles.body)
        )
        return
    summary = _per_kecamatan(data)
    story.add(Paragraph(markup(summary.title), styles.subheading))
    story.add(*table_flowables(summary, story.width() / 2, styles, language))
    story.add(Paragraph(markup(_("Daftar usulan")), styles.subheading))
    header = [
        _("No"),
        _("Kecamatan"),
        _("Desa/kelurahan"),
        _("Usulan inovasi"),
        _("Dimensi"),
        _("Direviu oleh"),
        _("Keputusan"),
        _("Alasan"),
    ]
    rows = [
        [
            str(n),
            item.kecamatan.removeprefix("Kecamatan "),
            item.desa,
            item.title,
            item.dimension,
            item.reviewer,
            item.decision,
            item.reason,
        ]
        for n, item in enumerate(data.not_accommodated, 1)
    ]
    widths = [11, 28, 32, 59, 27, 30, 22, 58]
    story.add(grid_table(header, rows, [w * mm for w in widths], styles, right_from=99))
    if data.not_accommodated_total > len(data.not_accommodated):
        story.add(
            Paragraph(
                markup(
                    _(
                        "Daftar ini memuat {shown} dari {total} usulan. Daftar lengkap: perintah "
                        "smartcity review list --kind proposal --state ditolak (dan --state "
                        "dialihkan), atau halaman Reviu Data."
                    ).format(
                        shown=format_number(len(data.not_accommodated), language),
                        total=format_number(data.not_accommodated_total, language),
                    )
                ),
                styles.note,
            )
        )


def _per_kecamatan(data: AnnexData) -> AnnexTable:
    rows = tuple(
        (name.removeprefix("Kecamatan "), rejected, redirected, rejected + redirected)
        for name, rejected, redirected in data.not_accommodated_by_kecamatan
    )
    totals = (
        _("Jumlah"),
        sum(r[1] for r in rows),
        sum(r[2] for r in rows),
        sum(r[3] for r in rows),
    )
    columns = (
        AnnexColumn(_("Kecamatan")),
        AnnexColumn(_("Ditolak"), INT),
        AnnexColumn(_("Dialihkan"), INT),
        AnnexColumn(_("Jumlah"), INT),
    )
    return AnnexTable(_("Jumlah per kecamatan"), columns, rows, totals)


def _closing(story: _Story, data: AnnexData, styles: Styles, language: str) -> None:
    closing = Paragraph(
        markup(
            _(
                "Demikian lampiran rekapitulasi ini disusun dari data desa/kelurahan yang "
                "diterima untuk digunakan dalam penyusunan Masterplan Smart City."
            )
        ),
        styles.body,
    )
    keep_with_previous(
        story.items,
        [Spacer(1, 5 * mm), closing, _signatures(data, styles, story.width(), language)],
    )


def build_story(data: AnnexData, styles: Styles, language: str) -> list[Flowable]:
    story = _Story()
    _cover(story, data, styles, language)
    _approval(story, data, styles, language)
    _method(story, data, styles, language)
    chapter = Paragraph(markup(_("BAB II. REKAPITULASI PER TAMPILAN ANALISIS")), styles.heading)
    if not data.views:
        story.new_page("portrait")
        story.add(chapter)
    for number, view in enumerate(data.views, 1):
        # The chapter's heading opens the first view's page, in that view's orientation.
        _view(story, number, view, styles, language, chapter if number == 1 else None)
    _not_accommodated(story, data, styles, language)
    _closing(story, data, styles, language)
    return story.items


def build_annex_pdf(
    data: AnnexData, path: Path, progress: ReportProgress | None, language: str
) -> None:
    styles = make_styles()
    story = build_story(data, styles, language)
    title = document_title()
    footer = office_footer(data.fingerprint, data.generated_at, language, title)
    doc = _ProgressDoc(
        str(path),
        progress,
        len(story),
        title=title,
        author=data.letterhead.office,
        subject=_("Masterplan Smart City {regency}").format(regency=data.letterhead.regency),
        **document_options(PORTRAIT),
    )
    doc.addPageTemplates(page_templates())
    canvas = type("BoundAnnexCanvas", (AnnexCanvas,), {"full": footer})
    doc.build(story, canvasmaker=canvas)


__all__ = ["build_annex_pdf", "build_story", "cell_text", "document_title", "fits"]
