"""Messages for every problem a bundle can have, keyed by stable machine code.

Each message names what is wrong and what the user can do. Templates are marked with ``N_`` and
translated when the problem is created; English lives in resources/i18n/en/bundles.po.
"""

from __future__ import annotations

from typing import Any

from smartcity_desktop.crypto.problems import Problem
from smartcity_desktop.i18n import N_, _

TEXTS: dict[str, str] = {
    "io.unreadable": N_(
        "Berkas paket tidak dapat dibaca ({detail}). Periksa flashdisk atau salin ulang berkasnya."
    ),
    "archive.not_zip": N_(
        "Berkas ini bukan paket SmartCity (bukan arsip zip). Pastikan Anda memilih berkas .scb "
        "yang benar."
    ),
    "archive.is_part": N_(
        "Berkas ini hanya satu bagian dari paket yang dipecah. Pilih semua bagiannya sekaligus."
    ),
    "archive.corrupt": N_(
        "Berkas paket rusak atau terpotong ({detail}). Minta kantor pengirim mengirim ulang."
    ),
    "archive.path_traversal": N_(
        "Paket berisi nama berkas berbahaya ({detail}) yang menunjuk ke luar paket. Paket ditolak; "
        "laporkan ke kantor pengirim."
    ),
    "archive.bad_name": N_(
        "Paket berisi nama berkas yang tidak sah ({detail}). Paket ditolak; minta kantor pengirim "
        "membuat paket baru dengan SmartCity."
    ),
    "archive.duplicate_name": N_(
        "Paket berisi dua berkas dengan nama yang sama ({detail}). Paket ditolak; minta kantor "
        "pengirim membuat paket baru."
    ),
    "archive.symlink": N_(
        "Paket berisi tautan simbolik atau berkas khusus ({detail}). Paket ditolak."
    ),
    "archive.top_level": N_(
        "Isi paket harus berada dalam tepat satu folder utama ({detail}). Paket ditolak; minta "
        "kantor pengirim membuat paket baru dengan SmartCity."
    ),
    "archive.encrypted": N_(
        "Paket berisi berkas terenkripsi ({detail}), yang tidak dipakai SmartCity. Paket ditolak."
    ),
    "archive.unsupported_compression": N_(
        "Paket memakai cara kompresi yang tidak didukung ({detail}). Paket ditolak."
    ),
    "archive.too_many_members": N_(
        "Paket berisi terlalu banyak berkas ({detail}). Paket ditolak; minta kantor pengirim "
        "memecah kiriman."
    ),
    "archive.member_too_large": N_(
        "Satu berkas dalam paket terlalu besar ({detail}). Paket ditolak."
    ),
    "archive.too_large": N_(
        "Isi paket terlalu besar setelah dibuka ({detail}). Paket ditolak; minta kantor pengirim "
        "memecah kiriman."
    ),
    "archive.compression_ratio": N_(
        "Paket memiliki rasio kompresi yang mencurigakan ({detail}), ciri bom zip. Paket ditolak."
    ),
    "archive.overlapping_entries": N_(
        "Berkas-berkas dalam paket saling tumpang tindih ({detail}), ciri bom zip. Paket ditolak."
    ),
    "archive.size_mismatch": N_(
        "Ukuran berkas dalam paket tidak sesuai dengan isinya ({detail}). Berkas rusak atau "
        "dimanipulasi; minta kantor pengirim mengirim ulang."
    ),
    "archive.unexpected_member": N_(
        "Paket berisi berkas yang tidak dikenal ({detail}). Paket ditolak; minta kantor pengirim "
        "membuat paket baru dengan SmartCity."
    ),
    "archive.changed": N_(
        "Berkas paket berubah setelah diperiksa ({detail}). Impor dibatalkan; jangan ubah atau "
        "cabut flashdisk selama impor, lalu coba lagi."
    ),
    "bag.missing_tag_file": N_(
        "Paket tidak lengkap: berkas {detail} tidak ada. Minta kantor pengirim mengirim ulang."
    ),
    "bag.bad_declaration": N_(
        "Berkas bagit.txt dalam paket tidak sah ({detail}). Minta kantor pengirim mengirim ulang."
    ),
    "bag.bad_info": N_(
        "Berkas bag-info.txt dalam paket tidak sah ({detail}). Minta kantor pengirim mengirim "
        "ulang."
    ),
    "manifest.malformed": N_(
        "Daftar isi paket tidak sah ({detail}). Minta kantor pengirim mengirim ulang."
    ),
    "manifest.path_escape": N_(
        "Daftar isi paket menunjuk ke luar paket ({detail}). Paket ditolak; laporkan ke kantor "
        "pengirim."
    ),
    "manifest.unlisted_file": N_(
        "Paket berisi berkas yang tidak tercantum di daftar isi ({detail}). Berkas mungkin "
        "disisipkan; minta kantor pengirim mengirim ulang."
    ),
    "manifest.missing_file": N_(
        "Berkas yang tercantum di daftar isi tidak ada dalam paket ({detail}). Paket tidak "
        "lengkap; minta kantor pengirim mengirim ulang."
    ),
    "manifest.hash_mismatch": N_(
        "Isi berkas {detail} tidak cocok dengan daftar isi: berkas rusak atau diubah di "
        "perjalanan. Minta kantor pengirim mengirim ulang."
    ),
    "manifest.size_mismatch": N_(
        "Ukuran isi paket tidak sesuai dengan yang tercatat ({detail}). Minta kantor pengirim "
        "mengirim ulang."
    ),
    "manifest.tag_not_covered": N_(
        "Daftar isi bertanda tangan tidak mencakup {detail}. Paket ditolak; minta kantor "
        "pengirim membuat paket baru dengan SmartCity."
    ),
    "signature.missing": N_(
        "Paket tidak bertanda tangan. Paket ditolak; minta kantor pengirim membuat paket baru "
        "dengan SmartCity."
    ),
    "signature.malformed": N_(
        "Tanda tangan paket rusak ({detail}). Minta kantor pengirim mengirim ulang."
    ),
    "signature.invalid": N_(
        "Tanda tangan paket tidak sah: isi paket telah diubah atau paket dipalsukan. Paket "
        "ditolak; hubungi kantor pengirim melalui telepon."
    ),
    "signature.key_mismatch": N_(
        "Tanda tangan dibuat dengan kunci yang berbeda dari yang disebut di kepala paket. "
        "Paket ditolak."
    ),
    "header.malformed": N_(
        "Kepala paket tidak sah ({detail}). Minta kantor pengirim mengirim ulang."
    ),
    "header.unsupported_format": N_(
        "Paket dibuat dengan format versi {detail}, yang tidak dikenal aplikasi ini. Perbarui "
        "SmartCity Desktop."
    ),
    "header.schema_too_new": N_(
        "Paket dibuat dengan versi data {detail} yang lebih baru dari aplikasi ini. Perbarui "
        "SmartCity Desktop lalu impor ulang."
    ),
    "header.office_invalid": N_(
        "Kode kantor atau peran pengirim di kepala paket tidak sah ({detail}). Paket ditolak."
    ),
    "header.count_mismatch": N_(
        "Jumlah data dalam paket tidak sesuai dengan kepala paket ({detail}). Minta kantor "
        "pengirim mengirim ulang."
    ),
    "header.forwarded_mismatch": N_(
        "Daftar paket teruskan di kepala paket tidak sesuai dengan isinya ({detail}). Paket "
        "ditolak."
    ),
    "record.invalid_utf8": N_(
        "Data {detail} bukan teks UTF-8 yang sah. Minta kantor pengirim mengirim ulang paket."
    ),
    "record.duplicate_key": N_(
        "Data {detail} memuat kolom yang sama dua kali. Minta kantor pengirim mengirim ulang paket."
    ),
    "record.not_finite": N_(
        "Data {detail} memuat angka tidak sah (NaN atau Infinity). "
        "Minta kantor pengirim mengirim ulang paket."
    ),
    "record.too_deep": N_(
        "Data {detail} bersarang terlalu dalam. Minta kantor pengirim mengirim ulang paket."
    ),
    "record.lone_surrogate": N_(
        "Data {detail} memuat karakter teks yang rusak. Minta kantor pengirim mengirim ulang paket."
    ),
    "record.syntax": N_(
        "Data {detail} bukan JSON yang sah. Minta kantor pengirim mengirim ulang paket."
    ),
    "record.not_object": N_(
        "Data {detail} bukan satu objek JSON per baris. Minta kantor pengirim mengirim ulang paket."
    ),
    "record.too_long": N_(
        "Satu baris data terlalu panjang ({detail}). Minta kantor pengirim mengirim ulang paket."
    ),
    "record.office_not_sender": N_(
        "Data {detail} milik kantor lain, padahal paket hanya boleh memuat data kantor "
        "pengirim. Paket ditolak."
    ),
    "record.attachment_missing": N_(
        "Lampiran {detail} disebut dalam data tetapi tidak ada dalam paket. "
        "Minta kantor pengirim mengirim ulang paket."
    ),
    "record.attachment_unreferenced": N_(
        "Lampiran {detail} ada dalam paket tetapi tidak disebut dalam data. "
        "Minta kantor pengirim mengirim ulang paket."
    ),
    "forwarded.compressed": N_(
        "Paket teruskan {detail} dikompresi ulang, sehingga bukan salinan asli. Paket ditolak."
    ),
    "forwarded.not_allowed": N_(
        "Kantor pengirim tidak berwenang meneruskan paket dari kantor {detail}. Paket teruskan "
        "ditolak."
    ),
    "forwarded.too_deep": N_(
        "Paket teruskan bersarang terlalu dalam ({detail}). Paket teruskan ditolak."
    ),
    "parts.not_part": N_("Berkas {detail} bukan bagian dari paket yang dipecah."),
    "parts.corrupt": N_(
        "Bagian paket {detail} rusak atau terpotong. Minta kantor pengirim mengirim ulang bagian "
        "itu."
    ),
    "parts.mixed": N_(
        "Bagian-bagian yang dipilih berasal dari paket yang berbeda ({detail}). Pilih hanya "
        "bagian dari satu paket."
    ),
    "parts.missing": N_(
        "Bagian paket belum lengkap; yang belum ada: {detail}. Minta kantor pengirim mengirim "
        "bagian tersebut."
    ),
    "parts.duplicate": N_(
        "Bagian paket {detail} dipilih dua kali dengan isi berbeda. Minta kantor pengirim "
        "mengirim ulang bagian itu."
    ),
}


def make_problem(code: str, detail: object = "", **fields: Any) -> Problem:
    text = str(detail)
    return Problem(code, _(TEXTS[code]).format(detail=text, **fields), text)
