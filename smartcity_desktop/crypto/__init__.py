"""Office keys, certificates, revocation and offline trust. Pure Python: no Qt, no database."""
