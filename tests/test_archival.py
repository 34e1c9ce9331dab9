"""Archival-grade PDFs: every PDF is tagged PDF/UA-1; a clinic report's archival copy is PDF/A-3a (tagged
too) with the content it was built from attached once each, dated so that the file stays byte-identical."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from .conftest import CONTENT


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def struct_elements(node: Any) -> list[Any]:
    """Every structure element below `node` (a /StructTreeRoot or /StructElem)."""
    found = []
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if (isinstance(kid, dict) and kid.get("/Type") == "/StructElem") or (isinstance(kid, dict) and "/S" in kid):
            found.append(kid)
            found += struct_elements(kid)
    return found


def test_every_pdf_is_tagged_pdf_ua(full_build: Path) -> None:
    for path, lang in (("laporan/2025-cc7.pdf", "id"), ("en/report/2025-cc7.pdf", "en"),
                       ("laporan/kabupaten/lamandau.pdf", "id"), ("en/report/kabupaten/lamandau.pdf", "en")):
        reader = PdfReader(full_build / path)
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"])
        assert root["/Lang"] == lang
        assert re.search(r'pdfuaid:part(="|>)1', xmp(reader))
        elements = struct_elements(root["/StructTreeRoot"].get_object())
        kinds = {str(e["/S"]) for e in elements}
        assert {"/H1", "/H2", "/P", "/Table"} <= kinds, (path, kinds)
        assert reader.metadata is not None and reader.metadata.title
        figures = [e for e in elements if e["/S"] == "/Figure"]
        assert all(e.get("/Alt") for e in figures), "every image has alternative text"


def test_archival_copy_is_tagged_pdf_a_3a_with_the_content_attached_once(full_build: Path) -> None:
    reader = PdfReader(full_build / "laporan" / "arsip" / "2025-cc7.pdf")
    meta = xmp(reader)
    assert re.search(r'pdfaid:part(="|>)3', meta) and re.search(r'pdfaid:conformance(="|>)A', meta)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    attachments = reader.attachments
    assert all(len(found) == 1 for found in attachments.values())
    listed = [spec.get_object() for spec in root["/AF"]]
    assert len(listed) == len(attachments) == len({str(spec["/F"]) for spec in listed})
    assert {str(spec["/AFRelationship"]) for spec in listed} == {"/Source"}
    files = sorted(p for p in CONTENT.rglob("*") if p.is_file() and not p.name.startswith("."))
    expected = {f"content/{p.relative_to(CONTENT).as_posix()}" for p in files} | {"provenance.json"}
    assert set(attachments) == expected
    for path in files:
        assert attachments[f"content/{path.relative_to(CONTENT).as_posix()}"] == [path.read_bytes()]
    provenance = json.loads(attachments["provenance.json"][0])
    assert provenance["as_of"] == "2025-11-06" and "commit" in provenance
    info = reader.metadata
    assert info is not None and info.title and info.author and info.subject


def test_pdfs_carry_no_wall_clock_date(full_build: Path) -> None:
    """Dates are the content's as-of date or the source date (HEAD commit), never today's clock."""
    import datetime as dt

    today = dt.date.today().strftime("%Y%m%d")
    for path in ("laporan/2025-cc7.pdf", "laporan/arsip/2025-cc7.pdf", "laporan/kabupaten/lamandau.pdf"):
        info = PdfReader(full_build / path).metadata
        assert info is not None
        assert str(info.get("/CreationDate", "")).startswith("D:20251106")
        head = str(info.get("/ModDate", ""))
        assert head.startswith("D:2025") or not head.startswith(f"D:{today}") or _head_is_today(today)


def _head_is_today(today: str) -> bool:
    import subprocess

    date = subprocess.run(["git", "-C", str(CONTENT), "log", "-1", "--format=%cd", "--date=format:%Y%m%d"],
                          capture_output=True, text=True, check=False).stdout.strip()
    return date == today
