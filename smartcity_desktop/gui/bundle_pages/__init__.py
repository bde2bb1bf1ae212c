"""Pages for exchanging bundles and managing keys: Kirim Data, Terima Data, Kunci & Kepercayaan.

Modules here are imported lazily by the main window's page factories, so nothing in this package
loads before its page is first shown.
"""
