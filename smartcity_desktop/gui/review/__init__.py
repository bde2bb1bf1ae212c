"""The kecamatan and kabupaten review screens: the per-village review queue and Kelengkapan.

- ``record_view``: a village record, read-only, with its photos as thumbnails;
- ``review_form``: the reviewer's decision on one record (state, reason, comment, targets);
- ``queue_page``: the review queue of one village, with filters, keyboard flow and bulk review;
- ``completeness_page``: every village of the area, its stage, lateness and verification.
"""
