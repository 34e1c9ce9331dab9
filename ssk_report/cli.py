"""The `ssk-report` command: build and validate. Thin: the work lives in build.py."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from .build import Settings, build, load_content
from .errors import ContentError, SskError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ssk-report", description="Situs dan laporan PDF progres PPSP/SSK.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("build", "periksa konten lalu buat situs dan PDF"),
                            ("validate", "periksa konten saja; tidak menulis apa pun")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--content", type=Path, default=Path("content"), help="folder konten (bawaan: content)")
        if name == "build":
            command.add_argument("--templates", type=Path, default=Path("templates"), help="folder templat")
            command.add_argument("--out", type=Path, default=Path("output"), help="folder keluaran (bawaan: output)")
            command.add_argument("--no-pdf", action="store_true", help="lewati pembuatan PDF (lebih cepat)")
    return parser


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the half-built temporary folder is removed.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        if not args.content.is_dir():
            print(f"ssk-report: folder konten tidak ditemukan: {args.content}", file=sys.stderr)
            return 2
        if args.command == "validate":
            content = load_content(Settings(content_dir=args.content))
            print(f"Konten valid: {len(content.regencies)} kabupaten/kota, {len(content.clinics)} coaching clinic.")
            return 0
        if not args.templates.is_dir():
            print(f"ssk-report: folder templat tidak ditemukan: {args.templates}", file=sys.stderr)
            return 2
        summary = build(Settings(args.content, args.templates, args.out, pdf=not args.no_pdf))
        print(f"Selesai: {summary} -> {args.out}")
        return 0
    except ContentError as exc:
        print(exc, file=sys.stderr)
        print(f"\n{len(exc.problems)} masalah ditemukan; tidak ada yang ditulis, folder keluaran tetap seperti sebelumnya.",
              file=sys.stderr)
        return exc.exit_code
    except SskError as exc:
        print(f"ssk-report: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ssk-report: dihentikan; folder keluaran tetap seperti sebelumnya.", file=sys.stderr)
        return 130
