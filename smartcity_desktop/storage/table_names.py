"""The names of the tables that the standard-library readers query (``storage.read_only``).

The models take their ``__tablename__`` from here, so a plain ``sqlite3`` query and the ORM can
never name different tables; importing this module costs nothing, unlike the models.
"""

from __future__ import annotations

PROBLEM = "problem"
POTENTIAL = "potential"
PROPOSAL = "proposal"
ATTACHMENT = "attachment"
TRUST_STORE = "trust_store"
ISSUED_CERTIFICATE = "issued_certificate"
BUNDLE_LEDGER = "bundle_ledger"
REVIEW = "review"

# The table of each kind of row a bundle carries.
KIND_TABLES = {
    "problem": PROBLEM,
    "potential": POTENTIAL,
    "proposal": PROPOSAL,
    "attachment": ATTACHMENT,
    "review": REVIEW,
}
