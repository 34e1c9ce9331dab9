"""The `ssk-report` command. Thin: each subcommand calls one function of the package."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from . import diff, editors, loader, scaffold
from .errors import ContentError, SskError, UsageError
from .pipeline import Settings, build
from .validate import after_as_of, missing_translations, unopenable, validate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ssk-report", description="Situs dan laporan PDF progres PPSP/SSK.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    def content_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--content", type=Path, default=Path("content"), help="folder konten (bawaan: content)")

    def production_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--workers", type=int, default=0, metavar="N",
                             help="proses pembuat PDF (bawaan: satu per inti prosesor)")
        command.add_argument("--cache", type=Path, default=None, metavar="FOLDER",
                             help="folder cache build (bawaan: folder cache pengguna; boleh dihapus kapan saja)")

    build_cmd = commands.add_parser("build", help="periksa konten lalu buat situs dan PDF")
    content_option(build_cmd)
    build_cmd.add_argument("--templates", type=Path, default=Path("templates"), help="folder templat")
    build_cmd.add_argument("--out", type=Path, default=Path("output"), help="folder keluaran (bawaan: output)")
    build_cmd.add_argument("--no-pdf", action="store_true", help="lewati pembuatan PDF (lebih cepat)")
    loudness = build_cmd.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true", help="hanya galat yang ditampilkan")
    loudness.add_argument("--verbose", "-v", action="store_true", help="tampilkan setiap PDF yang selesai")
    build_cmd.add_argument("--strict", action="store_true",
                           help="teks konten tanpa terjemahan bahasa Inggris dianggap galat")
    production_options(build_cmd)

    validate_cmd = commands.add_parser("validate", help="periksa konten saja; tidak menulis apa pun")
    content_option(validate_cmd)
    validate_cmd.add_argument("--format", choices=("text", "json", "github"), default="text",
                              help="text (bawaan), json, atau github (anotasi untuk pull request)")
    validate_cmd.add_argument("--strict", action="store_true",
                              help="periksa kesiapan terbit: fakta yang tidak dapat diperiksa pembaca (sumber tanpa"
                                   " alamat web, ibu kota tanpa sumber, sumber bertanggal sesudah as_of) dan teks tanpa"
                                   " terjemahan bahasa Inggris juga dianggap galat (build --strict hanya memeriksa"
                                   " terjemahan)")

    new_cmd = commands.add_parser("new", help="buat berkas konten baru berisi semua kolom")
    kinds = new_cmd.add_subparsers(dest="kind", required=True, metavar="JENIS")
    regency_cmd = kinds.add_parser("regency", help="kabupaten/kota baru: new regency <slug>")
    regency_cmd.add_argument("slug")
    content_option(regency_cmd)
    clinic_cmd = kinds.add_parser("clinic", help="coaching clinic baru: new clinic <tahun> <nomor>")
    clinic_cmd.add_argument("year", type=int)
    clinic_cmd.add_argument("number", type=int)
    clinic_cmd.add_argument("--provinsi", metavar="KODE", default=None,
                            help="situs nasional: coaching clinic sebuah provinsi, di clinics/<kode>/ (mis. 62)")
    content_option(clinic_cmd)
    serve_cmd = commands.add_parser("serve", help="pratinjau di localhost; dibangun ulang setiap ada perubahan")
    content_option(serve_cmd)
    serve_cmd.add_argument("--templates", type=Path, default=Path("templates"), help="folder templat")
    serve_cmd.add_argument("--out", type=Path, default=Path("output"), help="folder keluaran (bawaan: output)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port di 127.0.0.1 (bawaan: 8000; 0: port bebas)")
    serve_cmd.add_argument("--no-pdf", action="store_true", help="situs saja, tanpa PDF")
    serve_cmd.add_argument("--strict", action="store_true",
                           help="teks konten tanpa terjemahan bahasa Inggris dianggap galat")
    production_options(serve_cmd)
    diff_cmd = commands.add_parser("diff", help="perubahan data antara dua revisi git")
    diff_cmd.add_argument("rev_a", metavar="REV_A", help="revisi lama: tag (mis. cc6-2025), cabang atau hash")
    diff_cmd.add_argument("rev_b", metavar="REV_B", nargs="?", help="revisi baru (bawaan: salinan kerja)")
    diff_cmd.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    content_option(diff_cmd)
    schemas_cmd = commands.add_parser("schemas", help="tulis ulang skema JSON berkas konten (untuk editor teks)")
    schemas_cmd.add_argument("--out", type=Path, default=Path(editors.FOLDER),
                             help=f"folder skema (bawaan: {editors.FOLDER})")
    return parser


def _progress(args: argparse.Namespace) -> Callable[[int, int, str], None] | None:
    """PDF progress: a counter that rewrites itself on a terminal, a line per file with --verbose,
    and nothing at all in CI logs or with --quiet."""
    if args.quiet:
        return None
    if args.verbose:
        return lambda done, total, path: print(f"PDF {done}/{total}: {path}", file=sys.stderr)
    if not sys.stderr.isatty():
        return None

    def counter(done: int, total: int, path: str) -> None:
        end = "\n" if done == total else ""
        print(f"\rMembuat PDF {done}/{total}…", end=end, file=sys.stderr, flush=True)

    return counter


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the half-built temporary folder is removed.
    raise KeyboardInterrupt


def _require_folder(path: Path, what: str) -> None:
    if not path.is_dir():
        raise UsageError(f"folder {what} tidak ditemukan: {path}")


def _validate(args: argparse.Namespace) -> int:
    """Structural problems are always errors; with --strict, so are the facts readers cannot check and
    the texts without English (without it, they are counted in a note)."""
    try:
        raw, problems = loader.load(args.content)
        content = validate(raw, problems)
        unchecked = unopenable(raw, content) + after_as_of(raw, content)
        untranslated = missing_translations(raw, content)
        if args.strict and (unchecked or untranslated):
            raise ContentError(unchecked + untranslated)
    except ContentError as exc:
        if args.format == "json":
            print(json.dumps([p.as_dict() for p in exc.problems], ensure_ascii=False, indent=2))
        elif args.format == "github":
            print("\n".join(p.as_github() for p in exc.problems))
        else:
            raise
        return exc.exit_code
    if args.format == "json":
        print("[]")
    else:
        print(f"Konten valid: {len(content.regencies)} kabupaten/kota, {len(content.clinics)} coaching clinic.")
        if unchecked or untranslated:
            print(f"Catatan: {len(unchecked)} fakta belum dapat diperiksa pembaca (sumbernya tanpa alamat web, belum"
                  f" bersumber, atau bertanggal sesudah as_of) dan {len(untranslated)} teks belum diterjemahkan ke"
                  " bahasa Inggris; validate --strict menunjukkan letaknya sebagai galat.")
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "schemas":
        written = editors.write_schemas(args.out)
        print(f"Skema JSON ({len(written)} berkas) ditulis ke {args.out}")
        return 0
    if args.command != "new":
        _require_folder(args.content, "konten")
    if args.command == "validate":
        return _validate(args)
    if args.command == "diff":
        changes, title = diff.diff_revisions(args.content, args.rev_a, args.rev_b)
        output = {"text": diff.as_text, "markdown": diff.as_markdown}.get(args.format)
        print(output(changes, title) if output else diff.as_json(changes), end="" if output else "\n")
        return 0
    if args.command == "new":
        if args.kind == "regency":
            path = scaffold.new_regency(args.content, args.slug)
        else:
            path = scaffold.new_clinic(args.content, args.year, args.number, args.provinsi)
        print(f"Dibuat: {path} — isi kolomnya, lalu jalankan: ssk-report validate")
        return 0
    _require_folder(args.templates, "templat")
    settings = Settings(args.content, args.templates, args.out, pdf=not args.no_pdf, strict=args.strict,
                        workers=args.workers, cache_dir=args.cache)
    if args.command == "serve":
        from .serve import serve  # watchfiles only when needed, not in every PDF worker

        return serve(settings, args.port)
    summary = build(settings, _progress(args))
    if args.quiet:
        return 0
    print(f"Selesai: {summary} -> {args.out}")
    if summary.untranslated:
        print(f"Catatan: {summary.untranslated} teks konten belum diterjemahkan ke bahasa Inggris; edisi bahasa"
              " Inggris menampilkannya dalam bahasa Indonesia dengan tanda (--strict menjadikannya galat).")
    if summary.blanks:
        print("Belum diisi di konten, dicetak sebagai garis kosong untuk diisi tangan pada laporan"
              " (site.yaml, atau berkas coaching clinic-nya):")
        print("\n".join(f"  {line}" for line in summary.blanks))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(args)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        print(f"\n{len(exc.problems)} masalah ditemukan; tidak ada yang ditulis,"
              " folder keluaran tetap seperti sebelumnya.",
              file=sys.stderr)
        return exc.exit_code
    except SskError as exc:
        print(f"ssk-report: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ssk-report: dihentikan; folder keluaran tetap seperti sebelumnya.", file=sys.stderr)
        return 130


def build_script() -> None:
    """`python build.py [options]`: the same as `ssk-report build [options]`."""
    sys.exit(main(["build", *sys.argv[1:]]))
