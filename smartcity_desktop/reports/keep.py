"""Keep a document's closing (sentence and signature block) with the content before it.

A signature alone on the last page is a known defect of official letters: the signed page must
show some of what is being signed. ``keep_with_previous`` takes the last piece of content off the
story and travels with it; when that piece is a long table, only its last rows move along to the
next page (with the repeated table header), not the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, KeepTogether, Table
from reportlab.platypus.flowables import _listWrapOn

TAIL_ROWS = 2  # table rows that go with the closing onto its page


class KeepTableTail(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A table followed by trailing flowables that must not start a page on their own."""

    def __init__(self, table: Table, trailer: Sequence[Flowable], tail_rows: int = TAIL_ROWS):
        super().__init__()
        self.table = table
        self.trailer = list(trailer)
        self.tail_rows = tail_rows

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # Like KeepTogether: always ask to be split, the decision is made in split().
        return avail_width, 0xFFFFFF

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        canv = getattr(self, "canv", None)
        everything = [self.table, *self.trailer]
        if _listWrapOn(everything, avail_width, canv)[1] <= avail_height:
            return everything
        table = self.table
        _w, table_height = table.wrap(avail_width, avail_height)
        header = int(getattr(table, "repeatRows", 0) or 0)
        body_rows = len(table._cellvalues) - header
        if body_rows <= self.tail_rows:
            return self._together(everything, avail_width, avail_height)
        if table_height > avail_height:
            parts = table.split(avail_width, avail_height)
            if len(parts) < 2:  # not even one row fits: the frame moves on and tries again
                return everything
            return [parts[0], KeepTableTail(parts[1], self.trailer, self.tail_rows)]
        # The table fits here but the closing does not: its last rows go along to the next page.
        heights: list[float] = list(table._rowHeights)
        cut = sum(heights[: len(heights) - self.tail_rows])
        parts = table.split(avail_width, cut + 0.01)
        if len(parts) < 2:
            return self._together(everything, avail_width, avail_height)
        return [parts[0], KeepTogether([parts[1], *self.trailer])]

    def _together(
        self, flowables: list[Flowable], avail_width: float, avail_height: float
    ) -> list[Flowable]:
        # KeepTogether's own split: a page break first when the group does not fit here.
        # Returning the KeepTogether itself would be a one-item split, which reportlab refuses.
        keep = KeepTogether(flowables)
        keep.canv = getattr(self, "canv", None)
        keep._frame = getattr(self, "_frame", None)
        keep.wrap(avail_width, avail_height)
        parts: list[Flowable] = keep.split(avail_width, avail_height)
        return parts

    def draw(self) -> None:  # never drawn itself: wrap() always forces a split
        pass


def keep_with_previous(story: list[Flowable], trailer: Sequence[Flowable]) -> None:
    """Append ``trailer`` to ``story`` so that it shares its page with the story's last content."""
    if not story:
        story.extend(trailer)
        return
    last = story.pop()
    if isinstance(last, Table):
        story.append(KeepTableTail(last, trailer))
    else:
        story.append(KeepTogether([last, *trailer]))
