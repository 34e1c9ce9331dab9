"""The benchmark: figures for the targets of issues 22 and 23, each beside its yardstick.

    python -m benchmarks.bench                       # everything (about ten minutes on two cores)
    python -m benchmarks.bench --only site preview    # parts: site, preview, pdf
    python -m benchmarks.bench --regencies 514 --hugo benchmarks/hugo-equivalent

- site: the synthetic national content (`python -m ssk_report.demo`, labelled SINTETIS) built as a
  website: from an empty store, with nothing changed, and after one regency changed; beside it, Hugo
  rendering equivalent pages (the yardstick in benchmarks/hugo-equivalent), in the same run.
- preview: `ssk-report serve` on the Kalteng content and on the national content: the time from writing
  a regency file to the new text in the served page.
- pdf: the Kalteng site with every PDF, from an empty store and after one regency's file gained an
  indicator value (a labelled synthetic value, in a copy), beside the floor: WeasyPrint laying out and
  writing the same documents one after another in one process, divided by the cores.

Each build runs in a fresh process; CPU time counts that process and its children. Figures are printed,
never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
HUGO = Path(__file__).resolve().parent / "hugo-equivalent"  # adapted from shared/bench (see its README)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # the process and its children
    peak_mib: float = 0.0
    extra: str = ""
    own_cpu: float = 0.0  # the build's process alone: everything but Pagefind (and PDF workers)


def build(content: Path, out: Path, store: Path, pdf: bool = False) -> Run:
    """One `ssk-report build` in a fresh process."""
    probe = textwrap.dedent(f"""
        import json, resource, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        started = time.perf_counter()
        from pathlib import Path
        from ssk_report.pipeline import Settings, build
        s = build(Settings(Path({str(content)!r}), Path({str(TEMPLATES)!r}), Path({str(out)!r}), pdf={pdf},
                           cache_dir=Path({str(store)!r})))
        wall = time.perf_counter() - started
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({{"wall": wall, "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                          "own": me.ru_utime + me.ru_stime,
                          "peak": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
                          "extra": f"{{s.rendered}}/{{s.pages}} pages, {{s.printed}}/{{s.pdfs}} PDFs made"}}))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(found["wall"], found["cpu"], found["peak"], found["extra"], found["own"])


def timed(command: list[str], cwd: Path) -> Run:
    """Any command, its wall and CPU time (its children's rusage, measured around it)."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(time.perf_counter() - started, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def row(label: str, run: Run, yardstick: Run | None = None, target: str = "") -> None:
    ratio = f"{run.cpu / yardstick.cpu:5.2f}x CPU, {run.wall / yardstick.wall:5.2f}x wall" if yardstick else ""
    peak = f"{run.peak_mib:5.0f} MiB" if run.peak_mib else ""
    print(f"  {label:44s} {run.wall:7.2f} s wall {run.cpu:7.2f} s CPU {peak:>9s}  {ratio:28s} {target} {run.extra}")


def edit_regency(content: Path, text: str) -> None:
    """Change the first regency's capital (the bench's one-regency change)."""
    path = sorted((content / "regencies").glob("*.yaml"))[0]
    lines = path.read_text().splitlines()
    lines = [f"capital: {text}" if line.startswith("capital:") else line for line in lines]
    path.write_text("\n".join(lines) + "\n")


# ---- site: the national website against Hugo -----------------------------------------------------


def site(work: Path, regencies: int, hugo: Path) -> None:
    from ssk_report.demo import write_demo

    content = write_demo(work / "national", regencies)
    print(f"\nWebsite, {regencies} synthetic regencies (both languages):")
    full = build(content, work / "out", work / "store")
    noop = build(content, work / "out", work / "store")
    edit_regency(content, "Ibu kota [SINTETIS] diubah")
    one = build(content, work / "out", work / "store")
    yardstick, searched = _hugo(work, hugo)
    if yardstick and searched:
        row("Hugo, equivalent pages (yardstick)", yardstick)
        row("Hugo, then Pagefind on its pages", searched)
        row("full build without search (its own process)", Run(full.wall, full.own_cpu), yardstick,
            "target <= 0.80x Hugo CPU")
        row("full build with search, empty store", full, searched)
    row("no-op rebuild", noop, yardstick, "target <= 0.5 s")
    row("one regency changed", one, yardstick, "target <= 0.20x Hugo")


def _hugo(work: Path, hugo: Path) -> tuple[Run | None, Run | None]:
    """Hugo on equivalent pages; and Hugo followed by the same Pagefind on its output."""
    from ssk_report.search import _pagefind

    if shutil.which("hugo") is None or not (hugo / "gen.py").is_file():
        print("  (Hugo yardstick skipped: install hugo and pass --hugo benchmarks/hugo-equivalent)")
        return None, None
    site_dir = work / "hugo"
    subprocess.run([sys.executable, str(hugo / "gen.py"), str(work / "out" / "data" / "ssk-report.json"),
                    str(site_dir), str(TEMPLATES / "static")], check=True, capture_output=True)
    runs = []
    for _ in range(2):  # the second: Hugo's own caches warm, as ours are on a rebuild
        shutil.rmtree(site_dir / "public", ignore_errors=True)
        runs.append(timed(["hugo", "--quiet"], site_dir))
    best = min(runs, key=lambda r: r.cpu)
    search = timed([*_pagefind(), "--site", "public", "--quiet"], site_dir)
    return best, Run(best.wall + search.wall, best.cpu + search.cpu)


# ---- preview: from a saved file to the served page ----------------------------------------------


def preview(work: Path, content: Path, label: str, turns: int = 5) -> None:
    out = work / f"preview-{label}"
    command = [sys.executable, "-m", "ssk_report", "serve", "--no-pdf", "--port", "0", "--content", str(content),
               "--templates", str(TEMPLATES), "--out", str(out), "--cache", str(work / f"preview-store-{label}")]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        line = ""
        while "Pratinjau:" not in line:
            line = server.stdout.readline()
            if not line:
                raise RuntimeError("serve stopped before it printed its address")
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        slug = sorted((content / "regencies").glob("*.yaml"))[0].stem
        times = []
        time.sleep(1.0)  # the watcher starts after the first build
        for turn in range(turns):
            token = f"Ibu kota [SINTETIS] {label} {turn}"
            started = time.perf_counter()
            edit_regency(content, token)
            while token.encode() not in _get(port, f"/kabupaten/{slug}.html"):
                time.sleep(0.005)
            times.append(time.perf_counter() - started)
            time.sleep(1.0)  # the build that follows the draft, before the next change
    finally:
        server.terminate()
        server.wait()
        if server.stdout:
            server.stdout.close()
    target = "target <= 0.3 s" if label == "Kalteng" else "target <= 1 s"
    print(f"  {label:44s} median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f},"
          f" {turns} saves)  {target}")


def _get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


# ---- pdf: the Kalteng site with its PDFs, against WeasyPrint alone --------------------------------


FLOOR = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from weasyprint import HTML
    from ssk_report import keys, plan
    from ssk_report.diff import ChangeLog
    from ssk_report.history import History
    from ssk_report.pipeline import Settings, load_content
    from ssk_report.products import RenderContext
    from ssk_report.templating import environments, render
    templates = Path({templates!r})
    content = load_content(Settings(Path({content!r})))
    site_plan = plan.plan(content)
    context = RenderContext(content, site_plan, History(), ChangeLog(), templates, "")
    envs = environments(templates)
    figures = {{"pages": 0, "untagged": 0.0, "tagged": 0.0}}
    base = str(templates.resolve()) + "/"
    for document in site_plan.documents:
        html = render(envs[document.lang], document, context.variables(document))
        started = time.process_time()
        HTML(string=html, base_url=base).write_pdf()
        figures["untagged"] += time.process_time() - started
        started = time.process_time()
        layout = HTML(string=html, base_url=base).render()
        layout.write_pdf(pdf_variant="pdf/ua-1")
        if document.archive:
            layout.write_pdf(pdf_variant="pdf/a-3a")
        figures["tagged"] += time.process_time() - started
        figures["pages"] += len(layout.pages)
    print(json.dumps(figures))
""")


def pdf(work: Path, content: Path) -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    done = subprocess.run([sys.executable, "-c", FLOOR.format(root=str(ROOT), templates=str(TEMPLATES),
                                                              content=str(content))],
                          capture_output=True, text=True, check=True)
    floor = json.loads(done.stdout.strip().splitlines()[-1])
    pages = floor["pages"]
    print(f"\nPDFs, Kalteng content ({pages} pages in all; {cores} cores):")
    print(f"  WeasyPrint alone, one process: {floor['untagged']:.1f} s untagged"
          f" ({1000 * floor['untagged'] / pages:.0f} ms a page), {floor['tagged']:.1f} s as the build writes them"
          f" (tagged, archival copies written from the same layout; {1000 * floor['tagged'] / pages:.0f} ms a page)")
    yardstick = Run(floor["tagged"] / cores, floor["tagged"])
    row("floor: that work shared by the cores", yardstick)
    full = build(content, work / "pdf-out", work / "pdf-store", pdf=True)
    row("full build with every PDF, empty store", full, yardstick, "target <= 15 s, <= 1.3x floor")
    path = content / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("indicators: {}", "indicators:\n  ald_aman:  # [SINTETIS] bench only\n"
                                             "    - {year: 2024, value: 12.5, source: kepmendagri-2025}"))
    one = build(content, work / "pdf-out", work / "pdf-store", pdf=True)
    row("one regency's indicator value edited", one, None, "target <= 6 s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=("site", "preview", "pdf"), default=["site", "preview", "pdf"])
    parser.add_argument("--regencies", type=int, default=514)
    parser.add_argument("--hugo", type=Path, default=HUGO, help="the Hugo yardstick folder (gen.py, layouts)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="ssk-bench-") as tmp:
        work = Path(tmp)
        kalteng = Path(shutil.copytree(ROOT / "content", work / "kalteng"))
        if "site" in args.only:
            site(work, args.regencies, args.hugo.resolve())
        if "preview" in args.only:
            from ssk_report.demo import write_demo

            print("\nPreview (`ssk-report serve`): from saving a regency file to the new text in the served page:")
            preview(work, kalteng, "Kalteng")
            national = work / "national" if (work / "national").is_dir() else write_demo(work / "national",
                                                                                          args.regencies)
            preview(work, national, f"{args.regencies} regencies")
        if "pdf" in args.only:
            pdf(work, Path(shutil.copytree(ROOT / "content", work / "kalteng-pdf")))


if __name__ == "__main__":
    main()
