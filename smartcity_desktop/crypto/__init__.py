"""Office keys: Ed25519 key pairs, encrypted at rest, with readable fingerprints. No Qt, no database."""
