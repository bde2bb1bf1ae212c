"""Keep a document's closing (sentence and signature block) with the content before it.

A signature alone on the last page is a known defect of official letters: the signed page must
show some of what is being signed. ``keep_with_previous`` takes the last piece of content off the
story and travels with it; when that piece is a long table, only its last rows move along to the
next page (with the repeated table header), not the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.flowables import _listWrapOn

TAIL_ROWS = 2  # table rows that go with the closing onto its page


class KeepTableTail(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A table followed by trailing flowables that must not start a page on their own, and led by
    paragraphs (its heading) that must not end a page on their own."""

    def __init__(
        self,
        table: Table,
        trailer: Sequence[Flowable],
        tail_rows: int = TAIL_ROWS,
        lead: Sequence[Flowable] = (),
    ):
        super().__init__()
        self.table = table
        self.trailer = flatten(trailer)
        self.tail_rows = tail_rows
        self.lead = list(lead)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # Like KeepTogether: always ask to be split, the decision is made in split().
        return avail_width, 0xFFFFFF

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        canv = getattr(self, "canv", None)
        lead = self.lead
        everything = [*lead, self.table, *self.trailer]
        if _listWrapOn(everything, avail_width, canv)[1] <= avail_height:
            return everything
        room = avail_height - (_listWrapOn(lead, avail_width, canv)[1] if lead else 0)
        table = self.table
        _w, table_height = table.wrap(avail_width, room)
        header = int(getattr(table, "repeatRows", 0) or 0)
        body_rows = len(table._cellvalues) - header
        if body_rows <= self.tail_rows or room <= 0:
            return self._together(everything, avail_width, avail_height)
        if table_height > room:
            parts = table.split(avail_width, room)
            if len(parts) < 2:  # not even one row fits under the heading: next page, together
                return self._together(everything, avail_width, avail_height)
            return [*lead, parts[0], KeepTableTail(parts[1], self.trailer, self.tail_rows)]
        # The table fits here but the closing does not: its last rows go along to the next page.
        heights: list[float] = list(table._rowHeights)
        cut = sum(heights[: len(heights) - self.tail_rows])
        parts = table.split(avail_width, cut + 0.01)
        if len(parts) < 2:
            return self._together(everything, avail_width, avail_height)
        return [*lead, parts[0], KeepTogether(flatten([parts[1], *self.trailer]))]

    def _together(
        self, flowables: list[Flowable], avail_width: float, avail_height: float
    ) -> list[Flowable]:
        # KeepTogether's own split: a page break first when the group does not fit here.
        # Returning the KeepTogether itself would be a one-item split, which reportlab refuses.
        keep = KeepTogether(flatten(flowables))
        keep.canv = getattr(self, "canv", None)
        keep._frame = getattr(self, "_frame", None)
        keep.wrap(avail_width, avail_height)
        parts: list[Flowable] = keep.split(avail_width, avail_height)
        return parts

    def draw(self) -> None:  # never drawn itself: wrap() always forces a split
        pass


def flatten(flowables: Sequence[Flowable]) -> list[Flowable]:
    """The contents of nested KeepTogethers, in order: a KeepTogether measures itself as
    infinitely tall (to force its own split), so one inside another always forces a page break."""
    out: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            out.extend(flatten(flowable._content))
        else:
            out.append(flowable)
    return out


# Short pieces after a table (a note, a spacer) that travel with the closing and the table's tail.
_SMALL = (Paragraph, Spacer, CondPageBreak)


def keep_with_previous(story: list[Flowable], trailer: Sequence[Flowable]) -> None:
    """Append ``trailer`` to ``story`` so that it shares its page with the story's last content:
    the last rows of the last table (and any short notes after it), or else the last piece."""
    if not story:
        story.extend(trailer)
        return
    moved: list[Flowable] = []
    while story and isinstance(story[-1], _SMALL) and len(moved) < 3:
        moved.insert(0, story.pop())
    if story and isinstance(story[-1], Table):
        table = story.pop()
        lead: list[Flowable] = []
        while story and isinstance(story[-1], Paragraph) and len(lead) < 2:
            lead.insert(0, story.pop())  # the table's heading
        story.append(KeepTableTail(table, [*moved, *trailer], lead=lead))
        return
    if not moved:
        moved = [story.pop()] if story else []
    story.append(KeepTogether(flatten([*moved, *trailer])))
