"""The village recap ("Rekap Desa"): letterhead, summary, records per dimension, signature.

Pure layout: it receives a ``RecapData`` and writes a PDF to the path it is given. The caller
(services.reports) owns temporary files, renaming and error translation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from smartcity_desktop.domain.fields import KIND_LABELS, RecordKind
from smartcity_desktop.domain.records import Record
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _, current_language
from smartcity_desktop.reports.dates import format_date_long
from smartcity_desktop.reports.formatting import format_number, markup
from smartcity_desktop.reports.keep import keep_with_previous
from smartcity_desktop.reports.letterhead import letterhead_flowables
from smartcity_desktop.reports.pages import (
    body_page_template,
    canvas_maker,
    document_options,
    office_footer,
)
from smartcity_desktop.reports.progress import ReportProgress, check_cancelled
from smartcity_desktop.reports.recap_data import RecapData
from smartcity_desktop.reports.record_tables import record_table
from smartcity_desktop.reports.signature import signature_block
from smartcity_desktop.reports.styles import (
    FONT_BOLD,
    PAGE_SIZE,
    Styles,
    make_styles,
)
from smartcity_desktop.reports.summary import summary_table

KINDS = (RecordKind.PROBLEM, RecordKind.POTENTIAL, RecordKind.PROPOSAL)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _roman(n: int) -> str:
    return ROMAN[n - 1] if n <= len(ROMAN) else str(n)


def group_by_dimension(data: RecapData) -> dict[str, dict[RecordKind, list[Record]]]:
    """Records per dimension code in reference-list order; unknown codes go last, not lost."""
    groups: dict[str, dict[RecordKind, list[Record]]] = {
        code: {kind: [] for kind in KINDS} for code in ref_list("dimensions").codes()
    }
    for kind in KINDS:
        for record in data.records.get(kind, []):
            code = str(record.values.get("dimension") or "")
            groups.setdefault(code, {k: [] for k in KINDS})[kind].append(record)
    return groups


def _title_block(data: RecapData, styles: Styles, language: str) -> list[Flowable]:
    total = sum(len(data.records.get(k, [])) for k in KINDS)
    head = data.letterhead
    out: list[Flowable] = [
        Paragraph(markup(_("REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI DESA")), styles.title),
        Paragraph(
            markup(
                head.office.upper()
                + " – "
                + _("KECAMATAN {name}").format(name=head.district.upper())
                if head.district
                else head.office.upper()
            ),
            styles.subtitle.clone("subtitle_office", spaceAfter=0, fontName=FONT_BOLD),
        ),
        Paragraph(
            # The same place as in the signature block: the office's own, where the head signs.
            markup(f"{head.office_place}, {format_date_long(data.generated_at.date(), language)}"),
            styles.subtitle,
        ),
        Paragraph(
            markup(
                _(
                    "Rekap ini memuat {n} catatan final milik {office} (tidak termasuk catatan "
                    "yang dihapus), dikelompokkan menurut enam dimensi Smart City."
                ).format(n=format_number(total, language), office=head.office)
            ),
            styles.body,
        ),
    ]
    return out


def _drafts_note(data: RecapData, styles: Styles, language: str) -> Paragraph:
    if data.drafts_left_out:
        text = _(
            "{n} catatan masih berstatus draf dan tidak dimasukkan dalam rekap ini; "
            "finalkan catatan tersebut agar ikut terekap."
        ).format(n=format_number(data.drafts_left_out, language))
    else:
        text = _("Tidak ada catatan draf yang tertinggal: semua catatan sudah final.")
    return Paragraph(markup(text), styles.note)


def _dimension_sections(data: RecapData, styles: Styles, language: str) -> list[Flowable]:
    dims = ref_list("dimensions")
    out: list[Flowable] = []
    for index, (code, by_kind) in enumerate(group_by_dimension(data).items(), start=1):
        item = dims.get(code)
        name = item.label(language) if item else (code or _("Tanpa dimensi"))
        # The English name in brackets is how the programme itself names the dimensions.
        suffix = f" ({item.label_en})" if item and language != "en" else ""
        heading = Paragraph(
            markup(f"{_roman(index)}. " + _("Dimensi {name}").format(name=name + suffix)),
            styles.heading,
        )
        if not any(by_kind.values()):  # one line instead of three empty subsections
            none = Paragraph(markup(_("Belum ada catatan final pada dimensi ini.")), styles.note)
            out.append(KeepTogether([heading, none]))
            continue
        parts: list[Flowable] = []
        for letter, kind in zip("ABC", KINDS, strict=True):
            records = by_kind[kind]
            sub = Paragraph(
                markup(
                    f"{letter}. {_(KIND_LABELS[kind])} ({format_number(len(records), language)})"
                ),
                styles.subheading,
            )
            if not records:
                parts.append(KeepTogether([sub, Paragraph(markup(_("Belum ada.")), styles.note)]))
                continue
            # Keep a subheading with at least the table header and a row or two.
            parts.append(CondPageBreak(35 * mm))
            parts.append(sub)
            parts.append(record_table(kind, records, styles, language))
        out.append(CondPageBreak(45 * mm))
        out.append(heading)
        out.extend(parts)
    return out


class _RecapDoc(BaseDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    """Reports progress and honours cancellation after each laid-out piece."""

    def __init__(self, path: str, progress: ReportProgress | None, total: int, **kw: Any) -> None:
        super().__init__(path, **kw)
        self._progress = progress
        self._total = max(total, 1)
        self._done = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Table):
            self._done = min(self._total, self._done + max(len(flowable._cellvalues) - 1, 0))
        check_cancelled(self._progress)
        if self._progress is not None:
            self._progress.report(
                self._done,
                self._total,
                _("Menyusun halaman {page}").format(page=self.page),
            )


def build_recap_pdf(
    data: RecapData,
    path: Path,
    progress: ReportProgress | None = None,
    language: str | None = None,
) -> None:
    """Lay out the recap and write it to ``path`` (a file the caller may discard)."""
    language = language or current_language()
    styles = make_styles()
    check_cancelled(progress)
    story: list[Flowable] = []
    story += letterhead_flowables(data.letterhead, styles)
    story += _title_block(data, styles, language)
    story.append(summary_table(group_by_dimension(data), styles, language))
    story.append(_drafts_note(data, styles, language))
    story += _dimension_sections(data, styles, language)
    keep_with_previous(story, [Spacer(1, 6 * mm), *signature_block(data, styles, language)])

    head = data.letterhead
    footer = office_footer(
        data.fingerprint,
        data.generated_at,
        language,
        _("Rekap Permasalahan, Potensi dan Usulan Inovasi – {office}").format(office=head.office),
    )
    total = sum(len(data.records.get(k, [])) for k in KINDS)
    doc = _RecapDoc(
        str(path),
        progress,
        total,
        title=_("Rekap Permasalahan, Potensi dan Usulan Inovasi {office}").format(
            office=head.office
        ),
        author=head.office,
        subject=_("Rekap Desa untuk Masterplan Smart City"),
        **document_options(PAGE_SIZE),
    )
    doc.addPageTemplates([body_page_template(PAGE_SIZE)])
    doc.build(story, canvasmaker=canvas_maker(footer))
    if progress is not None:
        progress.report(total, max(total, 1), _("Selesai"))
