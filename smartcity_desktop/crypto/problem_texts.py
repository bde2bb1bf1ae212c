"""Messages for problems found in key, certificate, revocation and trust files.

Templates are marked with ``N_`` and translated when a problem is created, so the active language
at that moment wins. Every template here has an English entry in resources/i18n/en/bundles.po.
"""

from __future__ import annotations

from typing import Any

from smartcity_desktop.crypto.problems import Problem
from smartcity_desktop.i18n import N_, _

TEXTS: dict[str, str] = {
    "root.malformed": N_(
        "Berkas kunci akar kabupaten rusak atau bukan berkas SmartCity. "
        "Minta salinan baru dari kantor kabupaten."
    ),
    "request.malformed": N_(
        "Berkas permintaan sertifikat rusak atau tidak ditandatangani oleh kuncinya sendiri. "
        "Minta kantor pemohon membuat permintaan baru."
    ),
    "certificate.malformed": N_(
        "Berkas sertifikat rusak atau tanda tangannya tidak sah. "
        "Minta kantor kabupaten menerbitkan ulang sertifikat."
    ),
    "certificate.outside_regency": N_(
        "Kantor {office} tidak berada di wilayah kabupaten {regency}; "
        "kunci akar ini tidak boleh mensertifikasinya."
    ),
    "certificate.bad_validity": N_("Masa berlaku sertifikat harus antara 1 dan {max_days} hari."),
    "revocation.malformed": N_(
        "Berkas daftar pencabutan kunci rusak atau bukan berkas SmartCity. "
        "Minta salinan baru dari kantor kabupaten."
    ),
    "revocation.untrusted": N_(
        "Daftar pencabutan kunci tidak ditandatangani oleh kunci akar kabupaten yang dikenal. "
        "Berkas ditolak."
    ),
    "revocation.rollback": N_(
        "Daftar pencabutan kunci ini (versi {new}) lebih lama dari yang sudah dipakai (versi "
        "{current}). Berkas ditolak; gunakan daftar terbaru dari kabupaten."
    ),
    "root.format_missing": N_(
        'Berkas kunci akar kabupaten tidak memuat kolom "format" (seharusnya "{expected}"). '
        "Berkas ini dibuat oleh program lain yang tidak mengikuti docs/bundle-format.md; buat "
        "ulang berkasnya dengan kolom itu."
    ),
    "request.format_missing": N_(
        'Berkas permintaan sertifikat tidak memuat kolom "format" (seharusnya "{expected}"). '
        "Berkas ini dibuat oleh program lain yang tidak mengikuti docs/bundle-format.md; buat "
        "ulang permintaannya dengan kolom itu."
    ),
    "certificate.format_missing": N_(
        'Berkas sertifikat tidak memuat kolom "format" (seharusnya "{expected}"). Berkas ini '
        "dibuat oleh program lain yang tidak mengikuti docs/bundle-format.md; minta kantor "
        "kabupaten menerbitkan ulang sertifikat."
    ),
    "revocation.format_missing": N_(
        'Berkas daftar pencabutan kunci tidak memuat kolom "format" (seharusnya "{expected}"). '
        "Berkas ini dibuat oleh program lain yang tidak mengikuti docs/bundle-format.md; minta "
        "salinan baru dari kantor kabupaten."
    ),
    "pin.malformed": N_("Data kunci yang dipercaya lokal tidak valid: {detail}."),
    "trust.certificate_untrusted": N_(
        "Sertifikat kantor pengirim tidak ditandatangani oleh kunci akar kabupaten yang dikenal. "
        "Impor kunci akar kabupaten atau minta pengirim memakai sertifikat yang benar."
    ),
    "trust.certificate_malformed": N_(
        "Sertifikat di dalam paket rusak. Minta kantor pengirim mengirim ulang paket."
    ),
    "trust.certificate_expired": N_(
        "Sertifikat kunci kantor {office} tidak berlaku pada waktu paket dibuat ({created}). "
        "Minta kantor pengirim memperbarui sertifikat lalu mengirim ulang."
    ),
    "trust.office_mismatch": N_(
        "Sertifikat milik kantor {cert_office}, tetapi paket mengaku dari kantor {office}. "
        "Paket ditolak."
    ),
    "trust.role_mismatch": N_(
        "Sertifikat berperan {cert_role}, tetapi paket mengaku berperan {role}. Paket ditolak."
    ),
    "trust.key_id_mismatch": N_(
        "Kunci yang menandatangani paket tidak sama dengan kunci pada sertifikat atau kepala "
        "paket. Paket ditolak."
    ),
    "trust.revoked": N_(
        "Kunci kantor {office} telah dicabut (setelah paket nomor {after}); paket ini bernomor "
        "{sequence}. Hubungi kantor kabupaten."
    ),
    "trust.unknown_office": N_(
        "Kantor {office} belum dikenal: tidak ada sertifikat dari kabupaten dan kuncinya belum "
        "dipercaya lokal. Periksa sidik jari kunci melalui telepon sebelum mempercayainya."
    ),
    "trust.pin_mismatch": N_(
        "Kunci yang menandatangani paket kantor {office} tidak cocok dengan sidik jari yang "
        "disematkan di sini. Disematkan: {pinned}. Kunci paket: {actual}. Penyebab paling sering: "
        "salah ketik saat menyematkan. Telepon kantor itu dan minta petugasnya membacakan sidik "
        "jari kuncinya: bila sama dengan kunci paket, sematkan ulang dengan paket ini sebagai "
        "pembanding (Terima Data, atau 'smartcity trust pin --bundle'). Bila berbeda, jangan "
        "impor: paket ini mungkin bukan dari kantor itu."
    ),
    "trust.pin_superseded": N_(
        "Kantor {office} sudah bersertifikat, sehingga sematan lokalnya (sidik jari {pinned}) "
        "tidak dipakai lagi. Paket ini ditandatangani kunci {actual} tanpa sertifikat yang "
        "berlaku. Minta kantor itu mengirim paket dengan kunci bersertifikatnya; bila kuncinya "
        "hilang atau dicuri, hubungi kabupaten."
    ),
    "trust.outside_regency": N_(
        "Kantor {office} tidak berada di wilayah kabupaten penerbit sertifikat {regency}. "
        "Paket ditolak."
    ),
}


def make_problem(code: str, detail: str = "", **fields: Any) -> Problem:
    return Problem(code, _(TEXTS[code]).format(detail=detail, **fields), detail)
