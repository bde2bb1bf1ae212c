"""Signed bundles: the files offices exchange. Pure Python: no Qt, no database.

Write with ``writer.write_bundle``; verify with ``reader.verify_bundle`` and import through
``VerificationResult.open()``; join split parts with ``parts.assemble_parts`` first.
"""
