"""Signed bundles and offline trust: ``keys``, ``trust``, ``export``, ``verify``, ``import``,
``bundles list``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.i18n import _


def _size(text: str) -> int:
    from smartcity_desktop.services.exchange import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("ukuran tidak valid: {text} (contoh: 10M, 500K)").format(text=text)
        ) from exc


def _days(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 3650:
        raise argparse.ArgumentTypeError(_("harus antara 1 dan 3650"))
    return value


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    keys = sub.add_parser("keys", help=_("kunci kantor: sidik jari, sertifikat, rotasi"))
    ks = keys.add_subparsers(dest="keys_command", metavar=_("PERINTAH"), parser_class=type(keys))
    ks.required = True
    p = ks.add_parser("fingerprint", help=_("tampilkan sidik jari kunci kantor"))
    add_globals(p)
    p.set_defaults(handler=cmd_fingerprint)
    p = ks.add_parser("request", help=_("buat berkas permintaan sertifikat"))
    p.add_argument(
        "--out", required=True, metavar="FILE", help=_("berkas permintaan yang ditulis (.json)")
    )
    add_globals(p)
    p.set_defaults(handler=cmd_request)
    p = ks.add_parser("certify", help=_("sertifikasi permintaan kantor (kabupaten)"))
    p.add_argument(
        "request", metavar="REQUEST", help=_("berkas permintaan sertifikat dari kantor itu")
    )
    p.add_argument(
        "--out", required=True, metavar="CERT", help=_("berkas sertifikat yang ditulis (.json)")
    )
    p.add_argument(
        "--valid-days",
        type=_days,
        default=730,
        help=_("masa berlaku sertifikat dalam hari (bawaan 730)"),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_certify)
    p = ks.add_parser("install", help=_("pasang sertifikat kantor ini"))
    p.add_argument("certificate", metavar="CERT", help=_("berkas sertifikat dari kabupaten"))
    add_globals(p)
    p.set_defaults(handler=cmd_install)
    p = ks.add_parser("export-root", help=_("simpan kunci induk publik kabupaten ke berkas"))
    p.add_argument(
        "--out", required=True, metavar="FILE", help=_("berkas kunci induk yang ditulis (.json)")
    )
    add_globals(p)
    p.set_defaults(handler=cmd_export_root)
    p = ks.add_parser("revoke", help=_("cabut kunci sebuah kantor (kabupaten)"))
    p.add_argument("office", metavar="OFFICE", help=_("kode wilayah kantor yang dicabut"))
    p.add_argument(
        "--out", required=True, metavar="FILE", help=_("berkas daftar pencabutan yang ditulis")
    )
    p.add_argument("--key-id", help=_("hanya kunci ini (bawaan: semua kunci kantor itu)"))
    add_globals(p)
    p.set_defaults(handler=cmd_revoke)
    p = ks.add_parser("rotate", help=_("ganti kunci kantor dengan yang baru"))
    add_globals(p)
    p.set_defaults(handler=cmd_rotate)

    trust = sub.add_parser("trust", help=_("kepercayaan: kunci induk, sematan, pencabutan"))
    ts = trust.add_subparsers(dest="trust_command", metavar=_("PERINTAH"), parser_class=type(trust))
    ts.required = True
    p = ts.add_parser("add-root", help=_("pasang kunci induk kabupaten"))
    p.add_argument("file", metavar="FILE", help=_("berkas kunci induk dari kabupaten"))
    add_globals(p)
    p.set_defaults(handler=cmd_add_root)
    p = ts.add_parser("pin", help=_("percayai kunci kantor setelah cek sidik jari lewat telepon"))
    p.add_argument("office", metavar="OFFICE", help=_("kode wilayah kantor yang dipercayai"))
    p.add_argument(
        "fingerprint", metavar="FINGERPRINT", help=_("sidik jari yang dibacakan lewat telepon")
    )
    p.add_argument(
        "--bundle",
        nargs="+",
        metavar="FILE",
        help=_("paket dari kantor itu (atau semua bagiannya): sidik jarinya harus sama"),
    )
    p.add_argument(
        "--replace", action="store_true", help=_("ganti sematan lama yang sidik jarinya lain")
    )
    p.add_argument("--note", default="", help=_("catatan, mis. dengan siapa dicocokkan"))
    add_globals(p)
    p.set_defaults(handler=cmd_pin)
    p = ts.add_parser("unpin", help=_("hapus sematan sebuah kantor"))
    p.add_argument(
        "office", metavar="OFFICE", help=_("kode wilayah kantor yang sematannya dihapus")
    )
    p.add_argument("--yes", action="store_true", help=_("hapus tanpa bertanya"))
    add_globals(p)
    p.set_defaults(handler=cmd_unpin)
    p = ts.add_parser("update", help=_("pasang daftar pencabutan terbaru"))
    p.add_argument("file", metavar="FILE", help=_("berkas daftar pencabutan dari kabupaten"))
    add_globals(p)
    p.set_defaults(handler=cmd_trust_update)
    p = ts.add_parser("list", help=_("tampilkan kunci induk, sematan dan pencabutan"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON untuk skrip"))
    add_globals(p)
    p.set_defaults(handler=cmd_trust_list)

    p = sub.add_parser("export", help=_("buat paket bertanda tangan berisi perubahan"))
    p.add_argument(
        "--out", required=True, metavar="FILE", help=_("berkas paket yang ditulis (.zip)")
    )
    p.add_argument("--full", action="store_true", help=_("semua data, bukan hanya perubahan"))
    p.add_argument(
        "--max-part-size",
        type=_size,
        metavar="SIZE",
        help=_("pecah menjadi bagian paling besar SIZE (mis. 15M) untuk aplikasi pesan"),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("verify", help=_("periksa paket tanpa mengimpor"))
    p.add_argument("files", nargs="+", metavar="FILE", help=_("berkas paket (.zip) atau bagiannya"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON untuk skrip"))
    add_globals(p)
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("import", help=_("impor paket dari kantor lain"))
    p.add_argument("files", nargs="+", metavar="FILE", help=_("berkas paket (.zip) atau bagiannya"))
    p.add_argument("--dry-run", action="store_true", help=_("tampilkan rencana saja"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON untuk skrip"))
    p.add_argument(
        "--no-prepare",
        action="store_true",
        help=_(
            "jangan siapkan tampilan analisis sesudah impor (mis. skrip yang mengimpor banyak "
            "paket satu per satu; jalankan analysis prepare sekali di akhir)"
        ),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_import)

    bundles = sub.add_parser("bundles", help=_("daftar paket yang sudah diimpor"))
    bs = bundles.add_subparsers(
        dest="bundles_command", metavar=_("PERINTAH"), parser_class=type(bundles)
    )
    bs.required = True
    p = bs.add_parser("list", help=_("tampilkan buku besar paket"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON untuk skrip"))
    add_globals(p)
    p.set_defaults(handler=cmd_bundles_list)


def _passphrase(args: argparse.Namespace) -> str:
    from smartcity_desktop.cli.passphrase import read_passphrase

    return read_passphrase(getattr(args, "passphrase_file", None))


def _with_office(args: argparse.Namespace, work: Callable[[Any], int]) -> int:
    from smartcity_desktop.cli.support import open_office

    ctx = open_office(args)
    try:
        return work(ctx)
    finally:
        ctx.close()


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.office import office_fingerprint

    def work(ctx: Any) -> int:
        print(
            _("Sidik jari kunci {name} ({code}):").format(
                name=ctx.office.name, code=ctx.office.code
            )
        )
        print(office_fingerprint(ctx))
        return 0

    return _with_office(args, work)


def cmd_request(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import write_request

    def work(ctx: Any) -> int:
        request = write_request(ctx, _passphrase(args), Path(args.out))
        print(
            _(
                "Permintaan sertifikat ditulis ke {path}. Kirim ke kabupaten; sidik jari: {fp}"
            ).format(path=args.out, fp=request.public_key.fingerprint)
        )
        return 0

    return _with_office(args, work)


def cmd_certify(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import certify_request

    def work(ctx: Any) -> int:
        cert = certify_request(
            ctx, _passphrase(args), Path(args.request), Path(args.out), args.valid_days
        )
        print(
            _("Sertifikat untuk {code} ({role}) berlaku sampai {until}, ditulis ke {path}.").format(
                code=cert.office_code, role=cert.role, until=cert.valid_until.date(), path=args.out
            )
        )
        print(_("Sidik jari kunci yang disertifikasi: {fp}").format(fp=cert.public_key.fingerprint))
        return 0

    return _with_office(args, work)


def cmd_install(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import install_certificate

    def work(ctx: Any) -> int:
        cert = install_certificate(ctx, Path(args.certificate))
        print(
            _("Sertifikat terpasang; berlaku sampai {until}.").format(until=cert.valid_until.date())
        )
        return 0

    return _with_office(args, work)


def cmd_export_root(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import export_root

    def work(ctx: Any) -> int:
        root = export_root(ctx, Path(args.out))
        print(
            _("Kunci induk ditulis ke {path}. Sidik jari untuk dicek lewat telepon:").format(
                path=args.out
            )
        )
        print(root.fingerprint)
        return 0

    return _with_office(args, work)


def cmd_revoke(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import revoke_office

    def work(ctx: Any) -> int:
        version = revoke_office(ctx, _passphrase(args), args.office, Path(args.out), args.key_id)
        print(
            _(
                "Daftar pencabutan versi {v} ditulis ke {path}. Bagikan ke semua kantor "
                "(smartcity trust update)."
            ).format(v=version, path=args.out)
        )
        return 0

    return _with_office(args, work)


def cmd_rotate(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import rotate_key

    def work(ctx: Any) -> int:
        fp = rotate_key(ctx, _passphrase(args))
        print(
            _(
                "Kunci baru dibuat. Buat permintaan sertifikat baru (smartcity keys request) dan "
                "sampaikan sidik jari baru ke kabupaten:"
            )
        )
        print(fp)
        return 0

    return _with_office(args, work)


def cmd_add_root(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import add_root

    def work(ctx: Any) -> int:
        root = add_root(ctx, Path(args.file))
        print(
            _(
                "Kunci induk wilayah {regency} terpasang. Cocokkan sidik jarinya lewat telepon "
                "dengan kabupaten:"
            ).format(regency=root.regency_code)
        )
        print(root.fingerprint)
        return 0

    return _with_office(args, work)


def cmd_pin(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import bundle_signer, pin_office

    def work(ctx: Any) -> int:
        bundle = bundle_signer(ctx, [Path(f) for f in args.bundle]) if args.bundle else None
        if bundle is not None:
            print(_("Sidik jari kunci paket:  {fp}").format(fp=bundle.fingerprint))
        result = pin_office(
            ctx, args.office, args.fingerprint, args.note, bundle=bundle, replace=args.replace
        )
        if bundle is not None:
            print(_("Sidik jari yang diketik: {fp}  (sama)").format(fp=result.pin.fingerprint))
        if result.replaced is not None:
            print(
                _("Sematan kantor {code} diganti. Lama: {old}. Baru: {new}.").format(
                    code=result.pin.office_code,
                    old=result.replaced.fingerprint,
                    new=result.pin.fingerprint,
                )
            )
        print(
            _(
                "Kunci kantor {code} dipercaya lokal (sidik jari {fp}). Paketnya akan ditandai "
                "'dipercaya lokal'."
            ).format(code=result.pin.office_code, fp=result.pin.fingerprint)
        )
        return 0

    return _with_office(args, work)


def cmd_unpin(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import current_pin, unpin_office

    def work(ctx: Any) -> int:
        pin = current_pin(ctx, args.office)
        if pin is not None and not args.yes:
            print(
                _(
                    "Sematan kantor {code} (sidik jari {fp}) akan dihapus; paketnya lalu ditolak "
                    "sampai disematkan lagi atau bersertifikat. Ulangi dengan --yes untuk "
                    "menghapusnya."
                ).format(code=pin.office_code, fp=pin.fingerprint),
                file=sys.stderr,
            )
            return 1
        removed = unpin_office(ctx, args.office)
        print(
            _("Sematan kantor {code} (sidik jari {fp}) dihapus.").format(
                code=removed.office_code, fp=removed.fingerprint
            )
        )
        return 0

    return _with_office(args, work)


def cmd_trust_update(args: argparse.Namespace) -> int:
    from smartcity_desktop.services.trust import install_revocations

    def work(ctx: Any) -> int:
        version = install_revocations(ctx, Path(args.file))
        print(_("Daftar pencabutan versi {v} terpasang.").format(v=version))
        return 0

    return _with_office(args, work)


def cmd_trust_list(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import print_json
    from smartcity_desktop.services.trust import trust_summary

    def work(ctx: Any) -> int:
        summary = trust_summary(ctx)
        if args.json:
            print_json(summary.to_dict())
            return 0
        key = summary.office_key
        print(
            _("Kunci kantor: {fp} ({state})").format(
                fp=key["fingerprint"],
                state=_("bersertifikat") if key["certified"] else _("belum bersertifikat"),
            )
        )
        print(_("Kunci induk:"))
        for r in summary.roots:
            print(f"  {r['regency']}  {r['fingerprint']}")
        print(_("Kantor dipercaya lokal:"))
        for p in summary.pins:
            state = _("  (tidak berlaku: kantor sudah bersertifikat)") if p["superseded"] else ""
            print(f"  {p['office']}  {p['fingerprint']}{state}")
        print(_("Daftar pencabutan:"))
        for rl in summary.revocations:
            entries = rl["entries"]
            count = len(entries) if isinstance(entries, list) else 0
            print(
                _("  {regency} versi {v}: {n} kunci dicabut").format(
                    regency=rl["regency"], v=rl["version"], n=count
                )
            )
        return 0

    return _with_office(args, work)


def cmd_export(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.progress import StderrProgress
    from smartcity_desktop.services.exchange import abandoned_numbers, export_bundle

    def work(ctx: Any) -> int:
        from smartcity_desktop.errors import UserError

        try:
            result = export_bundle(
                ctx,
                _passphrase(args),
                Path(args.out),
                full=args.full,
                max_part_size=args.max_part_size,
                progress=StderrProgress(_("Menulis paket")),
            )
        except UserError as exc:
            if exc.code != "export.nothing":
                raise
            # The service speaks to every front end; the command line names its own option.
            print(
                _("Tidak ada perubahan yang belum dikirim; tidak ada paket dibuat."),
                file=sys.stderr,
            )
            print(
                _("Untuk mengirim semua data sekali lagi: smartcity export --full"), file=sys.stderr
            )
            return 1  # as before: no bundle was made
        print(_export_summary(result.sequence, result.counts))
        for path in result.paths:
            print(path)
        skipped = abandoned_numbers(ctx, before=result.sequence)
        if skipped:
            print(
                _(
                    "Nomor {numbers} tidak terpakai karena pembuatan paket sebelumnya terhenti; "
                    "kantor penerima akan melihat nomor itu terlewat."
                ).format(numbers=", ".join(map(str, skipped))),
                file=sys.stderr,
            )
        return 0

    return _with_office(args, work)


def _export_summary(sequence: int, counts: dict[str, int]) -> str:
    """``Paket nomor 3 dibuat: 21 permasalahan, 10 potensi.`` in words, never internal names."""
    words = {
        "problem": _("permasalahan"),
        "potential": _("potensi"),
        "proposal": _("usulan inovasi"),
        "attachment": _("lampiran"),
    }
    parts = [f"{n} {words.get(kind, _('catatan lain'))}" for kind, n in counts.items() if n]
    if not parts:
        return _(
            "Paket nomor {seq} dibuat, tetapi tidak berisi catatan: kantor ini belum punya data "
            "untuk dikirim."
        ).format(seq=sequence)
    return _("Paket nomor {seq} dibuat: {counts}.").format(seq=sequence, counts=", ".join(parts))


def _trust_words(level: str | None) -> str:
    return {"certified": _("bersertifikat"), "locally_trusted": _("dipercaya lokal")}.get(
        level or "", _("tidak diketahui")
    )


def _status_label(status: str) -> str:
    return {
        "verified": _("UTUH DAN DIPERCAYA"),
        "imported": _("DIIMPOR"),
        "already": _("SUDAH PERNAH DIIMPOR"),
        "dry-run": _("RENCANA (tidak ada yang ditulis)"),
        "refused": _("DITOLAK"),
    }[status]


def _print_report(report: Any) -> None:
    status = _status_label(report.status)
    print(f"{report.name}: {status}")
    if report.sender_office:
        trust = _trust_words(report.trust_level) if report.trust_level else "-"
        print(
            _("  Pengirim {office} ({role}), paket nomor {seq}, dibuat {created}, {trust}").format(
                office=report.sender_office,
                role=report.sender_role,
                seq=report.sequence,
                created=report.created,
                trust=trust,
            )
        )
    if report.content_hash:
        print(_("  Sidik paket: {hash}").format(hash=report.content_hash))
    if report.record_count:
        counts = report.action_counts()
        print(
            _(
                "  Baru {new}, diperbarui {updated}, sama {unchanged}, lebih lama {older}, "
                "konflik {conflict}"
            ).format(**counts)
        )
    for finding in report.findings:
        print(f"  - {finding.message}")
    if report.missing_sequences:
        print(
            _("  Paket yang belum diterima dari pengirim ini: nomor {numbers}").format(
                numbers=", ".join(map(str, report.missing_sequences))
            )
        )
    if report.receipt:
        print(_("  Tanda terima: {path}").format(path=report.receipt))
    _print_forwarded(report)


def _print_forwarded(report: Any) -> None:
    """Each forwarded bundle with its own verdict."""
    for nested in report.forwarded:
        if nested.sender_office is None or nested.sequence is None:
            line = _("  Paket teruskan {name} (pengirim tidak terbaca): {status}").format(
                name=nested.member or "?", status=_status_label(nested.status)
            )
        else:
            line = _("  Paket teruskan dari {office}, nomor {seq}: {status}").format(
                office=nested.sender_office,
                seq=nested.sequence,
                status=_status_label(nested.status),
            )
        print(line)
        for finding in nested.findings:
            print(f"    - {finding.message}")


def cmd_verify(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office_read_only, print_json
    from smartcity_desktop.services.exchange import verify_files

    def work(ctx: Any) -> int:
        reports = verify_files(ctx, [Path(f) for f in args.files])
        if args.json:
            print_json([r.to_dict() for r in reports])
        else:
            for report in reports:
                _print_report(report)
        return 0 if all(r.status == "verified" for r in reports) else 1

    # Read-only, without the database layer, when the file allows (services/read_only.py).
    office = open_office_read_only(args)
    if office is None:
        return _with_office(args, work)
    try:
        return work(office)
    finally:
        office.close()


def cmd_import(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import print_json
    from smartcity_desktop.domain.records import import_action_label
    from smartcity_desktop.services.exchange import import_files

    def work(ctx: Any) -> int:
        reports = import_files(ctx, [Path(f) for f in args.files], dry_run=args.dry_run)
        if args.json:
            print_json([r.to_dict() for r in reports])
        else:
            for report in reports:
                _print_report(report)
                if args.dry_run:
                    for o in report.outcomes:
                        label = import_action_label(o.action)
                        print(f"    {label:<12} {o.kind:<10} {o.id} r{o.revision} {o.title}")
                    if report.unlisted:
                        more = _(
                            "… dan {n} catatan lain: dihitung di atas, tidak dicantumkan satu per satu."
                        )
                        print("    " + more.format(n=report.unlisted))
        code = 0 if all(r.ok for r in reports) else 1
        if not args.no_prepare and any(r.status == "imported" for r in reports):
            _prepare_views(ctx, to_stderr=args.json)
        return code

    return _with_office(args, work)


def _prepare_views(ctx: Any, *, to_stderr: bool) -> None:
    """After an import (committed, bundle by bundle): build what the analysis views read, so
    that the analyst's first view does not (``services.analysis.prepare``). Only at an office
    with analysis views; a failure or Ctrl+C there leaves the import as it is."""
    from smartcity_desktop.cli.cmd_analysis import prepare_views
    from smartcity_desktop.services.analysis.prepare import has_analysis

    if has_analysis(ctx):
        prepare_views(ctx, after_import=True, to_stderr=to_stderr)


def cmd_bundles_list(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import print_json
    from smartcity_desktop.services.exchange import ledger

    def work(ctx: Any) -> int:
        rows = ledger(ctx)
        if args.json:
            print_json(rows)
            return 0
        for r in rows:
            print(
                f"{r['imported_at'][:19]}  {r['sender']:<15} #{r['sequence']:<5} "
                f"{_trust_words(r['trust']):<16} {r['content_hash'][:16]}  {r['file']}"
            )
        if not rows:
            print(_("Belum ada paket yang diimpor."), file=sys.stderr)
        return 0

    return _with_office(args, work)
