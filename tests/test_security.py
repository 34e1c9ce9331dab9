"""Untrusted content: hostile or careless files end in a located message or a safe page, never in
code execution, file reads, network access or a lost build. See docs/security.md."""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from ssk_report import keys, pdfs
from ssk_report.cli import main
from ssk_report.diff import ChangeLog
from ssk_report.errors import ContentError
from ssk_report.history import History
from ssk_report.loader import load
from ssk_report.pipeline import Settings, load_content
from ssk_report.plan import Output, Plan, plan
from ssk_report.products import RenderContext

from .conftest import TEMPLATES, render_output, run_build

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
    out = run_build(tmp_path, content_dir, pdf=False)
    content = load_content(Settings(content_dir))
    site_plan = plan(content)
    handout = site_plan.by_path["laporan/kabupaten/lamandau.pdf"]
    printed = render_output(content, handout, site_plan)
    for page in ((out / "kabupaten" / "lamandau.html").read_text(), printed):
        for bad in ("<script", "javascript:", "vbscript:", "onerror", "<iframe", "<img src=x", "file:///",
                    "style=\"background"):
            assert bad not in page, bad
        assert "&lt;script&gt;alert(&#39;nama&#39;)&lt;/script&gt;" in page  # the name is shown, escaped
    assert "{{ 7 * 7 }}" in (out / "kabupaten" / "lamandau.html").read_text()  # content is data, not a template
    context = RenderContext(content, site_plan, History(), ChangeLog(), TEMPLATES, keys.code_digest(TEMPLATES))
    assert PdfReader(io.BytesIO(pdfs.to_pdf(printed, context, handout)[handout.path])).attachments == {}


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


# ---- Everything a repository can carry under content/ (issue 18) ----------------------------------------


def run_cli(command: str, content_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`validate` or `build --no-pdf` as a user runs them, from the folder that holds `content/`."""
    args = ["build", "--no-pdf", "--out", str(content_dir.parent / "output")] if command == "build" else [command]
    code = main([*args, "--content", "content", *(["--templates", str(TEMPLATES)] if command == "build" else [])])
    return code, capsys.readouterr().err


@pytest.fixture
def in_project(content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The content copy, with the working folder set to the one that holds it (paths read `content/…`)."""
    monkeypatch.chdir(content_dir.parent)
    return content_dir


SYMLINK = "tautan simbolik (symlink) tidak diizinkan di folder konten"


@pytest.mark.parametrize("where", ["lampiran/x", "lampiran/dalam/lagi/y", ".tersembunyi", "regencies/catatan",
                                   "pages/gambar.png", "clinics/2025-cc7.md", "map.yaml"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_symlink_anywhere_in_the_content_is_a_located_error(
        where: str, command: str, in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Also in folders the loader never reads: nothing under content/ may point out of it."""
    link = in_project / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to("/etc/passwd")
    code, err = run_cli(command, in_project, capsys)
    assert code == 1
    assert err.splitlines()[0] == f"content/{where}:1:1: {SYMLINK}"
    assert "Traceback" not in err and "root:" not in err
    assert not (in_project.parent / "output").exists()


def test_a_symlinked_folder_is_reported_once_and_never_entered(in_project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (in_project / "lampiran").symlink_to("/etc")
    code, err = run_cli("validate", in_project, capsys)
    assert code == 1
    assert err.splitlines()[:2] == [f"content/lampiran:1:1: {SYMLINK}", ""]


@pytest.mark.parametrize(("folder", "message"), [
    ("regencies/contoh.yaml", "ini sebuah folder, padahal namanya nama berkas konten"),
    ("pages/contoh.md", "ini sebuah folder, padahal namanya nama berkas konten"),
    ("pages/tentang.en.md", "ini sebuah folder, padahal namanya nama berkas konten"),
    ("clinics/2025-cc6.md", "ini sebuah folder, padahal namanya nama berkas konten"),
    ("provinces.yaml", "ini sebuah folder, padahal namanya nama berkas konten"),
    ("site.yaml", "ini sebuah folder, padahal namanya nama berkas konten"),
])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_folder_named_like_a_content_file_is_a_located_error(
        folder: str, message: str, command: str, in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = in_project / folder
    if target.is_file():
        target.unlink()
    target.mkdir()
    (target / "isi.txt").write_text("x\n")
    code, err = run_cli(command, in_project, capsys)
    assert code == 1
    assert f"content/{folder}:1:1: {message}; ganti nama atau pindahkan folder ini" in err.splitlines()
    assert "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
@pytest.mark.parametrize("where", ["lampiran/pipa", "regencies/pipa.yaml"])
def test_a_named_pipe_is_refused_without_being_opened(where: str, in_project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Opening a FIFO blocks until someone writes to it: the build would hang."""
    (in_project / where).parent.mkdir(exist_ok=True)
    os.mkfifo(in_project / where)
    code, err = run_cli("validate", in_project, capsys)
    assert code == 1
    assert f"content/{where}:1:1: bukan berkas biasa" in err


def test_a_strange_name_in_an_unread_folder_cannot_forge_a_message(in_project: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (in_project / "lampiran").mkdir()
    (in_project / "lampiran" / "a\ncontent:1:1: palsu \udcff").symlink_to("/etc/passwd")
    code, err = run_cli("validate", in_project, capsys)
    assert code == 1
    assert err.splitlines()[0] == f"content/lampiran/a\\ncontent:1:1: palsu \\udcff:1:1: {SYMLINK}"


def test_the_loader_records_exactly_the_files_it_read(in_project: Path) -> None:
    """The list an archival PDF may carry: every file read, with its bytes, and nothing else."""
    (in_project / "lampiran").mkdir()
    (in_project / "lampiran" / "besar.bin").write_bytes(b"\0" * 100)
    (in_project / "regencies" / "catatan.txt").write_text("bukan konten\n")
    (in_project / ".editorconfig").write_text("root = true\n")
    raw, problems = load(in_project)
    assert problems == []
    expected = sorted(p.relative_to(in_project).as_posix() for p in in_project.rglob("*")
                      if p.suffix in (".yaml", ".md"))
    assert [f.path for f in raw.files] == expected
    assert all(f.data == (in_project / f.path).read_bytes() for f in raw.files)


@pytest.mark.parametrize(("text", "expected"), [
    ('capital: "Nanga\\x01Bulik"', ":10: capital: karakter tak terlihat U+0001 tidak diizinkan; hapus karakter itu"),
    ('capital: "Nanga\\uFFFEBulik"', ":10: capital: karakter tak terlihat U+FFFE tidak diizinkan;"
                                     " hapus karakter itu"),
    ('"a\\x1bb": 1', ":1: karakter tak terlihat U+001B tidak diizinkan; hapus karakter itu"),
    ("capital: Nanga\x7fBulik", ":15: karakter tak terlihat U+007F tidak diizinkan; hapus karakter itu"),
])
def test_invisible_control_characters_are_refused(text: str, expected: str, in_project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """XML (the feeds, the sitemap, the workbook) cannot hold them, and no reader can see them."""
    lamandau = in_project / "regencies" / "lamandau.yaml"
    lines = lamandau.read_text().splitlines(keepends=True)
    line = next(n for n, written in enumerate(lines, start=1) if written.startswith("capital: Nanga Bulik"))
    lamandau.write_text(lamandau.read_text().replace("capital: Nanga Bulik", text))
    code, err = run_cli("validate", in_project, capsys)
    assert code == 1
    assert f"content/regencies/lamandau.yaml:{line}{expected}" in err.splitlines()


# ---- validate accepts nothing that build cannot build (issue 18) ---------------------------------------

NOT_FINITE = "harus berupa angka biasa, bukan tak hingga atau NaN"
TOO_LARGE = "terlalu besar (tertulis {}, seharusnya paling besar 10000000000)"


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("regencies/lamandau.yaml", "value: 114257", "value: .inf", f"population.value: {NOT_FINITE} (tertulis inf)"),
    ("regencies/lamandau.yaml", "value: 114257", "value: -.inf", f"population.value: {NOT_FINITE} (tertulis -inf)"),
    ("regencies/lamandau.yaml", "value: 7632.39", "value: .nan", f"area_km2.value: {NOT_FINITE} (tertulis nan)"),
    ("regencies/lamandau.yaml", "value: 114257", "value: 1.0e+308",
     "population.value: " + TOO_LARGE.format("1e+308")),
    ("regencies/lamandau.yaml", "value: 114257", "value: 1e308",  # YAML 1.1 reads this as text
     "population.value: " + TOO_LARGE.format('"1e308"')),
    ("regencies/lamandau.yaml", "value: 114257", f"value: {'9' * 40}",
     "population.value: " + TOO_LARGE.format("9" * 40)),
    ("clinics/2025-cc7.yaml", "participant_count: 10", f"participant_count: {'9' * 40}",
     f"participant_count: terlalu besar (tertulis {'9' * 40}, seharusnya paling besar 9999)"),
])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_number_no_later_stage_can_handle_is_a_located_error(
        file: str, old: str, new: str, expected: str, command: str, in_project: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Today's crashes in the build (OverflowError, InvalidOperation, the workbook's TypeError) are
    refused where the number is written."""
    path = in_project / file
    lines = path.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if old in text)
    path.write_text(path.read_text().replace(old, new, 1))
    code, err = run_cli(command, in_project, capsys)
    assert code == 1
    where, said = err.splitlines()[0].split(": ", 1)
    assert where.startswith(f"content/{file}:{line}:") and said == expected
    assert "Traceback" not in err


DEEP = {
    "a flow list": "[" * 500 + "]" * 500,
    "a flow mapping": "{a: " * 500 + "1" + "}" * 500,
    "block mappings": "".join(f"\n{'  ' * depth}a:" for depth in range(1, 500)) + " 1",
    "past libyaml's own limit": "[" * 5000 + "]" * 5000,
}


@pytest.mark.parametrize("nested", DEEP.values(), ids=DEEP.keys())
@pytest.mark.parametrize("command", ["validate", "build"])
def test_deeply_nested_yaml_is_a_located_error(nested: str, command: str, in_project: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A few kilobytes nested hundreds of levels deep was a RecursionError traceback."""
    path = in_project / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("indicators: {}", f"indicators: {nested}", 1))
    code, err = run_cli(command, in_project, capsys)
    assert code == 1
    deep = [line for line in err.splitlines() if "struktur bertingkat terlalu dalam" in line]
    assert len(deep) == 1 and deep[0].startswith("content/regencies/lamandau.yaml:")  # where it is too deep
    assert "struktur bertingkat terlalu dalam (lebih dari 16 tingkat); sederhanakan isinya" in deep[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("nested", [
    "".join(f"{'  ' * depth}- x\n" for depth in range(200)),
    ">" * 400 + " kutipan\n",
    "<blockquote>" * 300 + "x" + "</blockquote>" * 300 + "\n",
    "a " + "<em>" * 300 + "x" + "</em>" * 300 + "\n",
], ids=["lists", "quotes", "raw tags", "inline tags"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_deeply_nested_markdown_is_a_located_error(nested: str, command: str, in_project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Python-Markdown and the PDF renderer recurse through nesting: validate refuses what they cannot."""
    page = in_project / "pages" / "tentang.md"
    text = page.read_text()
    body = text.split("\n---\n", 1)[0].count("\n") + 3  # the line after the front matter's closing ---
    page.write_text(text + "\n" + nested)
    code, err = run_cli(command, in_project, capsys)
    assert code == 1
    assert err.splitlines()[0] == (f"content/pages/tentang.md:{body}:1: Markdown bertingkat terlalu dalam (lebih"
                                   " dari 32 tingkat daftar, kutipan atau tag di dalam satu sama lain);"
                                   " sederhanakan teksnya")
