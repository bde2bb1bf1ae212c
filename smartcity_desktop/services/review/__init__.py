"""Kecamatan and kabupaten review of village records (the ownership rule: never edit them).

- ``decide``: set a review on one record, on a selection in one transaction, or on a whole village;
- ``listing``: the reviews with their records, and the per-village review queue;
- ``stages``: where each village stands (belum kirim ... diterima kabupaten / dikembalikan);
- ``targets``: reading the reviewed records;
- ``versions``: a save started from an older revision than the stored one is refused.
Completeness over all villages of an area lives in ``services.completeness``.
"""

from smartcity_desktop.services.review.decide import (
    Decision,
    ReviewInvalid,
    ReviewRefused,
    review_record,
    review_records,
    verdict_version,
    verify_village,
    withdraw_review,
)
from smartcity_desktop.services.review.listing import (
    QueueEntry,
    QueueFilter,
    ReviewFilter,
    ReviewView,
    list_reviews,
    own_review,
    queue_step,
    review_queue,
)
from smartcity_desktop.services.review.stages import VillageStatus
from smartcity_desktop.services.review.versions import ReviewChanged, review_versions

__all__ = [
    "Decision",
    "QueueEntry",
    "QueueFilter",
    "ReviewChanged",
    "ReviewFilter",
    "ReviewInvalid",
    "ReviewRefused",
    "ReviewView",
    "VillageStatus",
    "list_reviews",
    "own_review",
    "queue_step",
    "review_queue",
    "review_record",
    "review_records",
    "review_versions",
    "verdict_version",
    "verify_village",
    "withdraw_review",
]
