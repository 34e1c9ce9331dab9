"""Untrusted content: hostile or careless files end in a located message or a safe page, never in
code execution, file reads, network access or a lost build. See SECURITY.md."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from ssk_report import keys, pdfs
from ssk_report.diff import ChangeLog
from ssk_report.errors import ContentError
from ssk_report.history import History
from ssk_report.pipeline import Settings, load_content
from ssk_report.plan import Output, Plan
from ssk_report.products import RenderContext

from .conftest import TEMPLATES, run_build

CORPUS = Path(__file__).parent / "corpus"
CASES = yaml.safe_load((CORPUS / "expected.yaml").read_text())


def problems(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    return [str(p).replace(f"{content_dir}/", "content/") for p in caught.value.problems]


@pytest.mark.parametrize("case", sorted(CASES))
def test_corpus_of_bad_inputs(case: str, content_dir: Path) -> None:
    target = CASES[case]["target"]
    shutil.copyfile(CORPUS / case, content_dir / target)
    started = time.perf_counter()
    found = problems(content_dir)
    assert time.perf_counter() - started < 1.0
    assert CASES[case]["expect"] in found
    assert all(line.startswith(f"content/{target}:") for line in found), found


def test_every_corpus_file_has_an_expectation() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.yaml") if p.name != "expected.yaml") == sorted(CASES)


def test_symlinked_file_and_folder_are_refused(content_dir: Path) -> None:
    (content_dir / "regencies" / "lamandau.yaml").unlink()
    (content_dir / "regencies" / "lamandau.yaml").symlink_to("/etc/hostname")
    shutil.move(content_dir / "pages", content_dir.parent / "pages-elsewhere")
    (content_dir / "pages").symlink_to(content_dir.parent / "pages-elsewhere")
    found = problems(content_dir)
    assert "content/regencies/lamandau.yaml:1:1: tautan simbolik (symlink) tidak diizinkan di folder konten" in found
    assert "content/pages:1:1: tautan simbolik (symlink) tidak diizinkan di folder konten" in found


HOSTILE_NOTES = """\
notes: |
  <script>alert('x')</script><img src=x onerror=alert(1)>
  [klik](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>)
  ![berkas](file:///etc/passwd) <iframe src="https://example.invalid"></iframe>
  <a href="vbscript:msgbox(1)">vb</a> <b style="background:url(http://example.invalid)">gaya</b>
  {{ 7 * 7 }} {% raw %}x{% endraw %}
"""


def test_hostile_markdown_and_names_render_as_harmless_text(tmp_path: Path, content_dir: Path) -> None:
    lamandau = content_dir / "regencies" / "lamandau.yaml"
    text = lamandau.read_text()
    text = text[: text.index("notes:")] + HOSTILE_NOTES
    text = text.replace("name: Lamandau", "name: \"<script>alert('nama')</script>\"")
    lamandau.write_text(text)
    out = run_build(tmp_path, content_dir)
    page = (out / "kabupaten" / "lamandau.html").read_text()
    for bad in ("<script", "javascript:", "vbscript:", "onerror", "<iframe", "<img src=x", "file:///",
                "style=\"background"):
        assert bad not in page, bad
    assert "&lt;script&gt;alert(&#39;nama&#39;)&lt;/script&gt;" in page  # the name is shown, escaped
    assert "{{ 7 * 7 }}" in page  # content is data, never a template
    handout = PdfReader(out / "laporan" / "kabupaten" / "lamandau.pdf")
    assert handout.attachments == {}


def render_pdf(html: str) -> bytes:
    """A page of print HTML as the build lays out a handout (its content file: content/regencies/x.yaml)."""
    regency = type("Subject", (), {"slug": "x"})()
    document = Output("laporan/kabupaten/x.pdf", "print/handout.html.j2", regency, "pdf", key="handout:x",
                      variant="pdf/ua-1")
    context = RenderContext(None, Plan((), (document,)), History(), ChangeLog(), TEMPLATES,  # type: ignore[arg-type]
                            keys.code_digest(TEMPLATES))
    return pdfs.to_pdf(html, context, document)[document.path]


@pytest.mark.parametrize(("html", "refused"), [
    ('<link rel="attachment" href="file:///etc/passwd">', "file:///etc/passwd"),
    ('<link rel="stylesheet" href="../../../etc/passwd">', "/etc/passwd"),
    ('<base href="file:///etc/"><link rel="attachment" href="passwd">', "file:///etc/passwd"),
    ('<img src="http://127.0.0.1:9/never.png">', "http://127.0.0.1:9/never.png"),
    ('<img src="https://example.invalid/x.png">', "https://example.invalid/x.png"),
])
def test_pdf_renderer_reads_nothing_outside_the_templates(html: str, refused: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ContentError) as caught:
        render_pdf(f"<html><head>{html}</head><body><p>x</p></body></html>")
    assert time.perf_counter() - started < 5
    message = str(caught.value)
    assert message.startswith("content/regencies/x.yaml:1:1: sumber daya di luar folder templat ditolak: ")
    assert refused in message


def test_pdf_renderer_allows_data_urls_and_template_files() -> None:
    svg = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>"
    pdf = render_pdf(f'<html><head><link rel="stylesheet" href="print/print.css"></head>'
                     f'<body><img src="{svg}" alt="x"><p>aman</p></body></html>')
    assert "aman" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
