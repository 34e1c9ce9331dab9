"""Benchmark: how fast and how big a build is at 14, 100 and 514 regencies (synthetic content).

    python -m ssk_report.bench                 # all sizes, with and without PDFs
    python -m ssk_report.bench --sizes 14 100 --no-pdf
    python -m ssk_report.bench --sizes 514 --report-only --repeat 2   # the national report alone

Each measurement runs in a fresh process and reports wall time, CPU time (the process and its
workers), peak memory of the largest process, and pages per second. Baselines run on the same
content: plain Jinja rendering of a simple page per regency after loading the YAML (what a minimal
generator costs); our own templates and model rendered by Jinja alone, one page after another, with
nothing else (our pipeline's overhead ratio); and WeasyPrint rendering the largest report's HTML as
one document in one process (our PDF ratio), then in chunks again after one regency changed, the
chunks kept as the build's cache keeps them. Figures are printed, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import compileall
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Runs inside a fresh interpreter; prints one JSON line with its own resource use.
_PROBE = textwrap.dedent("""
    import json, resource, sys, time
    started, cpu = time.perf_counter(), time.process_time()
    {body}
    wall = time.perf_counter() - started
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({{"wall": wall, "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                      "peak_mib": max(me.ru_maxrss, kids.ru_maxrss) / 1024, "extra": extra}}))
""")

_BUILD = """
from pathlib import Path
from ssk_report.build import Settings, build
summary = build(Settings(Path({content!r}), Path({templates!r}), Path({out!r}), pdf={pdf}))
extra = {{"pages": summary.pages, "pdfs": summary.pdfs, "skipped": summary.reused, "rendered": summary.rendered}}
"""

_JINJA = """
from pathlib import Path
import jinja2, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
docs = [yaml.load(p.read_text(), Loader=loader) for p in sorted(Path({content!r}).rglob("*.yaml"))]
env = jinja2.Environment(autoescape=True)
page = env.from_string("<!doctype html><html lang=id><title>{{{{ d.name }}}}</title><h1>{{{{ d.name }}}}</h1>"
                       "<dl>{{% for k, v in d.items() %}}<dt>{{{{ k }}}}<dd>{{{{ v }}}}{{% endfor %}}</dl>")
out = Path({out!r}); out.mkdir(parents=True, exist_ok=True)
n = 0
for lang in ("id", "en"):
    for i, d in enumerate(x for x in docs if isinstance(x, dict) and "kemendagri_code" in x):
        (out / f"{{lang}}-{{i}}.html").write_text(page.render(d=d)); n += 1
extra = {{"pages": n}}
"""

# The same pages from the same templates and model, rendered one after another in one process:
# no cache, no parallel workers, nothing written, no search index or open data files.
_TEMPLATES_ONLY = """
from pathlib import Path
from ssk_report import plan, render
from ssk_report.build import Settings, load_content
content = load_content(Settings(Path({content!r})))
site_plan = plan.plan(content, with_pdf=False)
envs = render.environments(Path({templates!r}))
size = sum(len(render.render_html(envs, page, content, site_plan)) for page in site_plan.pages)
extra = {{"bytes": size}}
"""

_WEASY = """
from pathlib import Path
from weasyprint import HTML
html = Path({html!r}).read_text()
pdf = HTML(string=html, base_url={templates!r} + "/").write_pdf()
extra = {{"bytes": len(pdf)}}
"""


Measured = dict[str, Any]  # wall, cpu (seconds), peak_mib, and the probe's "extra" figures


def _probe(body: str) -> Measured:
    code = _PROBE.format(body=textwrap.indent(textwrap.dedent(body), ""))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    measured: Measured = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def _row(label: str, m: Measured, pages: int | None = None) -> str:
    rate = f"{pages / m['wall']:8.1f}" if pages else " " * 8
    return f"  {label:<34} {m['wall']:8.2f} s {m['cpu']:8.2f} s {m['peak_mib']:8.0f} MiB {rate}"


def bench(sizes: list[int], with_pdf: bool, report_only: bool = False, repeat: int = 1) -> None:
    from .demo import write_demo

    templates = str(ROOT / "templates")
    # Bytecode for our modules, as pip writes it on install: where PYTHONDONTWRITEBYTECODE is set (as on
    # some CI machines), every probe would otherwise compile them anew (0.3 s).
    compileall.compile_dir(ROOT / "ssk_report", quiet=1)
    print(f"  {'measurement':<34} {'wall':>10} {'cpu':>10} {'peak':>12} {'pages/s':>8}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            content = write_demo(Path(tmp) / "content", n)
            out = str(Path(tmp) / "output")
            print(f"N = {n} regencies (synthetic)")
            if report_only:
                _report_probes(content, Path(tmp), templates, tagged=False, repeat=repeat)
                continue
            html = _probe(_BUILD.format(content=str(content), templates=templates, out=out, pdf=False))
            pages = int(html["extra"]["pages"])
            print(_row("full build, HTML only", html, pages))
            jinja = _probe(_JINJA.format(content=str(content), out=str(Path(tmp) / "jinja")))
            print(_row("baseline: plain Jinja, simple pages", jinja, pages))
            print(f"  {'ratio (ours / simple pages)':<34} {html['wall'] / jinja['wall']:8.2f}×")
            same = _probe(_TEMPLATES_ONLY.format(content=str(content), templates=templates))
            print(_row("baseline: our templates, Jinja only", same, pages))
            print(f"  {'overhead ratio (ours / Jinja only)':<34} {html['wall'] / same['wall']:8.2f}×")
            noop = _probe(_BUILD.format(content=str(content), templates=templates, out=out, pdf=False))
            print(_row("no-op rebuild, HTML only", noop, pages))
            _touch_one_regency(content, "Ibu Kota (diubah)")
            one = _probe(_BUILD.format(content=str(content), templates=templates, out=out, pdf=False))
            print(_row(f"one regency changed ({one['extra']['rendered']} pages redone)", one, pages))
            if with_pdf:
                full = _probe(_BUILD.format(content=str(content), templates=templates, out=out, pdf=True))
                count = int(full["extra"]["pdfs"])
                print(_row(f"full build with {count} PDFs", full, pages + count))
                again = _probe(_BUILD.format(content=str(content), templates=templates, out=out, pdf=True))
                print(_row("no-op rebuild with PDFs", again, pages + count))
                _touch_one_regency(content, "Ibu Kota (diubah lagi)")
                one = _probe(_BUILD.format(content=str(content), templates=templates, out=out, pdf=True))
                print(_row("one regency changed, with PDFs", one, pages + count))
                _report_probes(content, Path(tmp), templates, repeat=repeat)
            shutil.rmtree(Path(tmp) / "jinja", ignore_errors=True)


def _touch_one_regency(content: Path, capital: str) -> None:
    """Change one regency's capital, as an editor would."""
    regency = sorted((content / "regencies").glob("*.yaml"))[0]
    text = regency.read_text()
    start = text.index("capital: ") + len("capital: ")
    regency.write_text(text[:start] + capital + text[text.index("\n", start):])


_PDF_ONLY = """
from pathlib import Path
from ssk_report import plan, render
from ssk_report.build import Settings, load_content, _source_of
settings = Settings(Path({content!r}), Path({templates!r}), Path({out!r}))
content = load_content(settings)
site_plan = plan.plan(content, languages=("id",))
clinic = content.clinics_by_date[-1]
doc = next(o for o in site_plan.documents if o.key == "report:" + clinic.slug)
envs = render.environments(settings.templates_dir, ("id",))
html = render.render_html(envs, doc, content, site_plan)
pdf = render.render_pdf(html, settings.templates_dir, _source_of(settings, doc), doc.path, doc.variant)
extra = {{"bytes": len(pdf)}}
"""

# The same report's HTML cut into chunks rendered side by side and merged (issue 7), whatever its
# length; peak memory is the largest process's (the worker rendering the largest chunk, or the merge).
# The workers are spawned: they do not run this script again. With a store folder, the documents
# are kept there, and taken from there when rendered before, as the build's cache does.
_PDF_CHUNKED = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from ssk_report import cache, chunked, render
job = render.PdfJob("laporan/report.pdf", Path({html!r}).read_text(), Path({templates!r}), "report", "pdf/ua-1")
store = cache.ChunkStore(Path({store!r}), b"bench") if {store!r} else None
workers = render.worker_count()
with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
    pdf = chunked.render_chunked(job, pool, workers, store)
extra = {{"bytes": len(pdf), "workers": workers}}
"""


def _report_probes(content: Path, tmp: Path, templates: str, tagged: bool = True, repeat: int = 1) -> None:
    """The largest report: WeasyPrint alone on its HTML as one document, ours as one tagged document
    (unless not `tagged`), and ours in chunks. With `repeat`, the one document and the chunks take
    turns that many times (a shared machine's speed drifts over minutes), and the best of each is
    compared too. Last, the chunks of the last turn are kept, one regency is changed, and the report
    is rendered again from the new HTML."""
    report = _largest_report_html(content, tmp)
    store = tmp / "chunks"
    if tagged:
        ours = _probe(_PDF_ONLY.format(content=str(content), templates=templates, out=str(tmp / "one")))
        print(_row("ours: the same report, tagged", ours))
    ones: list[float] = []
    pieces: list[float] = []
    for turn in range(repeat):
        weasy = _probe(_WEASY.format(html=str(report), templates=templates))
        print(_row("baseline: WeasyPrint, largest report", weasy))
        if tagged:
            print(f"  {'PDF ratio (ours / one document)':<34} {ours['wall'] / weasy['wall']:8.2f}×")
        kept = str(store) if turn == repeat - 1 else ""  # a fresh render every turn
        chunks = _probe(_PDF_CHUNKED.format(html=str(report), templates=templates, store=kept))
        print(_row("ours, in chunks on every core", chunks))
        print(f"  {'PDF ratio (chunks / one document)':<34} {chunks['wall'] / weasy['wall']:8.2f}×")
        ones.append(weasy["wall"])
        pieces.append(chunks["wall"])
    if repeat > 1:
        print(f"  {f'best of {repeat}: one document':<34} {min(ones):8.2f} s")
        print(f"  {f'best of {repeat}: chunks':<34} {min(pieces):8.2f} s")
        print(f"  {'PDF ratio, best against best':<34} {min(pieces) / min(ones):8.2f}×")
    _touch_one_regency(content, "Ibu Kota (laporan)")
    report = _largest_report_html(content, tmp)
    again = _probe(_PDF_CHUNKED.format(html=str(report), templates=templates, store=str(store)))
    print(_row("ours, one regency changed (kept)", again))


def _largest_report_html(content: Path, tmp: Path) -> Path:
    from . import plan, render
    from .build import Settings, load_content

    settings = Settings(content, ROOT / "templates", tmp / "unused")
    model = load_content(settings)
    site_plan = plan.plan(model, languages=("id",))
    clinic = model.clinics_by_date[-1]
    doc = next(o for o in site_plan.documents if o.key == f"report:{clinic.slug}")
    html = render.render_html(render.environments(settings.templates_dir, ("id",)), doc, model, site_plan)
    target = tmp / "report.html"
    target.write_text(html)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ssk_report.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[14, 100, 514])
    parser.add_argument("--no-pdf", action="store_true", help="HTML only (PDFs take minutes at 514)")
    parser.add_argument("--report-only", action="store_true",
                        help="only the largest report: one document against ours in chunks")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="time the largest report K times, one document and chunks in turn")
    args = parser.parse_args(argv)
    bench(args.sizes, with_pdf=not args.no_pdf, report_only=args.report_only, repeat=args.repeat)


if __name__ == "__main__":
    main()
