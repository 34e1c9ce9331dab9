"""`ssk-report serve`: files served as built, live reload, errors in the page, the background PDF build."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ssk_report import serve as serve_module
from ssk_report.cli import _parser, main
from ssk_report.pipeline import Settings
from ssk_report.serve import ChangeFilter, Preview, pdf_command

from .conftest import ROOT, TEMPLATES

RELOAD = b'new EventSource("/__ssk/events?since='
PANEL = 'id="ssk-serve-error"'
TIMEOUT = 30.0  # no test waits longer than this for anything
MakePreview = Callable[..., tuple[Preview, str]]


def get(url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A request with the path sent exactly as written (urllib would normalise `..`)."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class EventClient:
    """Listens to the reload stream in a thread and keeps every `data:` event."""

    def __init__(self, url: str, since: int) -> None:
        self.events: list[str] = []
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._listen, args=(url, since), daemon=True)
        self._thread.start()
        assert self.connected.wait(TIMEOUT)

    def _listen(self, url: str, since: int) -> None:
        host, port = url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        connection.request("GET", f"/__ssk/events?since={since}")
        response = connection.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        self.connected.set()
        for line in iter(response.readline, b""):  # ends when the server stops
            if line.startswith(b"data: "):
                self.events.append(line[6:].decode().strip())


@pytest.fixture
def output(site: Path, tmp_path: Path) -> Path:
    """A copy of the website-only build, so most tests need no build of their own."""
    return Path(shutil.copytree(site, tmp_path / "output", symlinks=True))


@pytest.fixture
def make_preview(content_dir: Path, output: Path) -> Iterator[MakePreview]:
    """A preview of `content_dir` into `output`, served on a free port; closed after the test."""
    started: list[Preview] = []

    def _make(pdf: list[str] | None = None, out: Path = output) -> tuple[Preview, str]:
        preview = Preview(Settings(content_dir, TEMPLATES, out), pdf)
        started.append(preview)
        return preview, preview.start_server(0)

    yield _make
    for preview in started:
        preview.close()


def fake_build(monkeypatch: pytest.MonkeyPatch, error: Exception | None = None) -> list[Settings]:
    """Replace the build by one that only records its settings (or raises `error`)."""
    calls: list[Settings] = []

    def _prepare(settings: Settings) -> None:
        calls.append(settings)
        if error:
            raise error
        # None: nothing changed since the last build, so there is nothing to produce

    monkeypatch.setattr(serve_module, "prepare", _prepare)
    return calls


# Serving


def test_served_html_has_the_reload_script_the_file_on_disk_does_not(make_preview: MakePreview,
                                                                      output: Path) -> None:
    _, url = make_preview()
    status, headers, body = get(url, "/kabupaten/lamandau.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert body.count(RELOAD) == 1
    assert body.index(RELOAD) < body.rindex(b"</body>")
    on_disk = (output / "kabupaten" / "lamandau.html").read_bytes()
    assert b"EventSource" not in on_disk
    assert body.replace(body[body.index(b"\n<script>new EventSource"):body.rindex(b"</body>")], b"") == on_disk
    assert PANEL.encode() not in body


def test_the_browser_editor_is_served_as_it_is_with_no_reload(make_preview: MakePreview, output: Path) -> None:
    """A save in the editor changes content/ and so rebuilds the site: a reload would lose the form."""
    assert (output / "admin" / "index.html").is_file(), "the browser editor's files: scripts/setup.sh --test"
    _, url = make_preview()
    status, headers, body = get(url, "/admin/")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert body == (output / "admin" / "index.html").read_bytes()


def test_assets_and_downloads_are_served_byte_for_byte(make_preview: MakePreview, output: Path) -> None:
    _, url = make_preview()
    for path, kind in [("assets/style.css", "text/css; charset=utf-8"), ("assets/favicon.svg", "image/svg+xml"),
                       ("data/indikator.csv", "text/csv; charset=utf-8"), ("data/ssk-report.json", "application/json")]:
        status, headers, body = get(url, f"/{path}")
        assert (status, headers["Content-Type"]) == (200, kind), path
        assert body == (output / path).read_bytes(), path
    status, headers, body = get(url, "/assets/style.css", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str((output / "assets/style.css").stat().st_size)


def test_folders_follow_index_html_and_get_their_slash(make_preview: MakePreview, output: Path) -> None:
    _, url = make_preview()
    status, headers, _ = get(url, "/kabupaten")
    assert (status, headers["Location"]) == (301, "/kabupaten/")  # so the page's relative links work
    status, _, body = get(url, "/kabupaten/")
    assert status == 200
    assert body.startswith((output / "kabupaten" / "index.html").read_bytes()[:200])
    assert get(url, "/")[2].startswith((output / "index.html").read_bytes()[:200])


def test_traversal_out_of_the_output_folder_is_refused(make_preview: MakePreview, output: Path,
                                                       tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("rahasia")
    (output / "link.txt").symlink_to(tmp_path / "secret.txt")
    _, url = make_preview()
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/kabupaten/../../secret.txt", "/link.txt",
                 "/..%2fsecret.txt"]:
        status, _, body = get(url, path)
        assert status == 403, path
        assert b"rahasia" not in body


def test_a_missing_page_gets_the_sites_404_page(make_preview: MakePreview, output: Path) -> None:
    _, url = make_preview()
    for path in ["/tidak-ada.html", "/kabupaten/tidak-ada.html", "/assets/tidak-ada.png", "/%00.html"]:
        status, headers, body = get(url, path)
        assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8"), path
        assert b"Halaman tidak ditemukan" in body
        assert RELOAD in body


def test_the_output_folder_is_looked_up_on_every_request(make_preview: MakePreview, output: Path,
                                                         tmp_path: Path) -> None:
    """A build swaps a new folder into place by renaming; the server must follow it."""
    _, url = make_preview()
    assert b"Versi baru" not in get(url, "/tentang.html")[2]
    newer = Path(shutil.copytree(output, tmp_path / "newer"))
    (newer / "tentang.html").write_text("<html><body>Versi baru</body></html>")
    os.rename(output, tmp_path / "older")
    os.rename(newer, output)
    assert b"Versi baru" in get(url, "/tentang.html")[2]


# Watching and the reload path


def test_editor_scratch_files_and_build_output_are_not_changes(tmp_path: Path) -> None:
    changes = ChangeFilter(tmp_path / "output")
    added = serve_module.watchfiles.Change.added
    relevant = [tmp_path / "content/regencies/lamandau.yaml", tmp_path / "templates/site/base.html.j2"]
    ignored = [tmp_path / "content/regencies/.lamandau.yaml.swp", tmp_path / "content/regencies/lamandau.yaml~",
               tmp_path / "content/regencies/.#lamandau.yaml", tmp_path / "content/regencies/4913",
               tmp_path / "output/index.html", tmp_path / ".output.ssk-staging-x1y2/index.html",
               tmp_path / ".output.ssk-old-x1y2/index.html", tmp_path / ".output.lock"]
    assert [changes(added, str(p)) for p in relevant] == [True, True]
    assert [p for p in ignored if changes(added, str(p))] == []


def test_a_content_change_rebuilds_once_and_reloads_once(make_preview: MakePreview, content_dir: Path) -> None:
    preview, url = make_preview()
    listener = EventClient(url, since=preview.generation)
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    time.sleep(1.0)  # the watcher has no "ready" signal; setting up inotify takes milliseconds
    # Like an editor: a probe file, a swap file, then the new text written beside and renamed over.
    target = content_dir / "regencies" / "lamandau.yaml"
    (target.parent / "4913").write_text("")
    (target.parent / "4913").unlink()
    (target.parent / ".lamandau.yaml.swp").write_text("swap")
    scratch = target.parent / "lamandau.yaml.new~"
    scratch.write_text(target.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik Baru"))
    os.replace(scratch, target)
    wait_until(lambda: preview.rebuilds == 1)
    time.sleep(2.5)  # longer than watchfiles' longest batch (1.6 s): nothing else may follow
    assert not preview._building.locked()  # not even a second build still under way
    assert preview.rebuilds == 1
    assert listener.events == [str(preview.generation)]
    assert b"Nanga Bulik Baru" in get(url, "/kabupaten/lamandau.html")[2]
    preview.close()
    watcher.join(TIMEOUT)
    assert not watcher.is_alive()


# Errors in the page


def break_lamandau(content_dir: Path, value: str = '"<b>"') -> int:
    """Write a bad m4_year into lamandau.yaml; returns its line."""
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("m4_year: 2024", f"m4_year: {value}"))
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if "m4_year" in line)


def test_a_content_error_is_shown_in_every_page_until_it_is_fixed(
        make_preview: MakePreview, content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    preview, url = make_preview()
    listener = EventClient(url, since=preview.generation)
    line = break_lamandau(content_dir)
    preview.rebuild()
    problem = f"{content_dir / 'regencies' / 'lamandau.yaml'}:{line}:3: ppsp.m4_year: harus bilangan bulat"
    assert problem in capsys.readouterr().err
    for path in ["/", "/kabupaten/lamandau.html", "/tidak-ada.html"]:
        status, _, body = get(url, path)
        assert status in (200, 404)
        page = body.decode()
        assert PANEL in page
        assert "Build gagal: 1 masalah dalam konten." in page
        assert (f"<code>{content_dir / 'regencies' / 'lamandau.yaml'}</code>, baris {line}, kolom 3 — "
                "<code>ppsp.m4_year</code>: harus bilangan bulat (tertulis &#34;&lt;b&gt;&#34;)") in page
        assert "<b>" not in page.split(PANEL)[1]
    assert "Lamandau" in get(url, "/kabupaten/lamandau.html")[2].decode()  # the last good page is still there
    (content_dir / "regencies" / "lamandau.yaml").write_text(
        (content_dir / "regencies" / "lamandau.yaml").read_text().replace('m4_year: "<b>"', "m4_year: 2024"))
    preview.rebuild()
    assert PANEL not in get(url, "/kabupaten/lamandau.html")[2].decode()
    wait_until(lambda: len(listener.events) == 2)
    assert listener.events == ["1", "2"]  # the panel appears, then goes: two reloads


def test_without_any_output_the_error_is_the_whole_page(make_preview: MakePreview, content_dir: Path,
                                                        tmp_path: Path) -> None:
    preview, url = make_preview(out=tmp_path / "nothing-yet")
    break_lamandau(content_dir, "2204")
    preview.rebuild()
    status, _, body = get(url, "/kabupaten/lamandau.html")
    assert status == 500
    assert PANEL.encode() in body
    assert b"terlalu besar (tertulis 2204, seharusnya paling besar 2035)" in body
    assert RELOAD in body


def test_an_unexpected_error_shows_a_generic_panel_and_its_traceback(
        make_preview: MakePreview, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake_build(monkeypatch, RuntimeError("rusak di dalam"))
    preview, url = make_preview()
    preview.rebuild()
    assert "RuntimeError: rusak di dalam" in capsys.readouterr().err
    status, _, body = get(url, "/")
    assert status == 200
    assert "Galat tak terduga di ssk-report; rinciannya ada di terminal." in body.decode()


# The PDF build in the background


def test_the_pdf_build_is_the_real_build_command(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "c", tmp_path / "t", tmp_path / "o")
    command = pdf_command(settings)
    assert command == [sys.executable, "-m", "ssk_report", "build", "--quiet", "--content", str(tmp_path / "c"),
                       "--templates", str(tmp_path / "t"), "--out", str(tmp_path / "o")]
    args = _parser().parse_args(command[3:])
    assert (args.command, args.quiet, args.no_pdf, args.strict) == ("build", True, False, False)
    assert (args.content, args.templates, args.out) == (tmp_path / "c", tmp_path / "t", tmp_path / "o")
    assert pdf_command(Settings(tmp_path / "c", strict=True))[-1] == "--strict"


def test_a_new_change_stops_the_running_pdf_build_and_starts_it_again(
        make_preview: MakePreview, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    builds = fake_build(monkeypatch)
    preview, _ = make_preview(pdf=[sys.executable, "-c", "import time; time.sleep(60)"])
    preview.rebuild()
    first = preview._pdf_process
    assert first is not None and first.poll() is None  # running, and the preview did not wait for it
    preview.rebuild()
    assert first.returncode == -signal.SIGTERM
    second = preview._pdf_process
    assert second is not None and second is not first and second.poll() is None
    assert preview.rebuilds == 2
    assert [s.pdf for s in builds] == [False, False]  # the preview's own builds are website-only
    assert "Build PDF dihentikan karena ada perubahan baru" in capsys.readouterr().out
    preview.close()
    assert second.returncode == -signal.SIGTERM
    assert "Build PDF dihentikan.\n" in capsys.readouterr().out


def test_a_finished_pdf_build_reloads_the_tab_and_a_failed_one_says_so(
        make_preview: MakePreview, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_build(monkeypatch)
    preview, url = make_preview(pdf=[sys.executable, "-c", "import time; time.sleep(0.3)"])
    preview.rebuild()
    listener = EventClient(url, since=preview.generation)
    wait_until(lambda: listener.events == [str(preview.generation)])
    assert preview.generation == 2 and preview.failure is None
    preview.pdf = [sys.executable, "-c", "raise SystemExit(1)"]
    preview.rebuild()
    wait_until(lambda: preview.failure is not None)
    assert "Build PDF gagal (kode keluar 1)" in get(url, "/")[2].decode()


# The command


def test_serve_command_passes_its_options(monkeypatch: pytest.MonkeyPatch, content_dir: Path,
                                          tmp_path: Path) -> None:
    calls: list[tuple[Settings, int]] = []
    monkeypatch.setattr(serve_module, "serve", lambda settings, port: calls.append((settings, port)) or 0)
    args = ["serve", "--content", str(content_dir), "--templates", str(TEMPLATES), "--out", str(tmp_path / "o")]
    assert main([*args, "--port", "0", "--no-pdf"]) == 0
    assert main(args) == 0
    assert calls == [(Settings(content_dir, TEMPLATES, tmp_path / "o", pdf=False), 0),
                     (Settings(content_dir, TEMPLATES, tmp_path / "o", pdf=True), 8000)]


def test_serve_on_a_port_in_use_is_a_usage_error(content_dir: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--content", str(content_dir), "--templates", str(TEMPLATES),
                     "--out", str(tmp_path / "o"), "--port", str(port)]) == 2
    assert f"port {port} tidak dapat dipakai" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing was built


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches the command as it would from a shell: a signal the test runner ignores (some
    library it runs can leave SIGINT ignored) would be ignored by its children too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_serve_prints_its_url_and_stops_cleanly_on_ctrl_c(content_dir: Path, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ssk_report", "serve", "--content", str(content_dir), "--templates", str(TEMPLATES),
         "--out", str(tmp_path / "output"), "--port", "0", "--no-pdf"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=_as_from_a_terminal)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        assert lines[0].startswith("Dibangun: ")
        assert lines[1].startswith("Pratinjau: http://127.0.0.1:") and lines[1].endswith(" (Ctrl-C untuk berhenti)\n")
        url = lines[1].split()[1]
        assert get(url, "/")[0] == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Pratinjau dihentikan." in out


def test_a_change_is_served_before_its_build_has_finished(make_preview: MakePreview, content_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The tab reloads as soon as the content is read and checked: its pages are rendered from the new
    content on request, while the build that writes them (open data, keys, search index) goes on."""
    preview, url = make_preview()
    release, producing = threading.Event(), threading.Event()
    real = serve_module.produce

    def slow(*args: object, **kwargs: object) -> object:
        producing.set()
        assert release.wait(TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(serve_module, "produce", slow)
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik Draf"))
    building = threading.Thread(target=preview.rebuild)
    building.start()
    try:
        assert producing.wait(TIMEOUT)
        served = get(url, "/kabupaten/lamandau.html")[2]
        assert b"Nanga Bulik Draf" in served and RELOAD in served
        assert b"Nanga Bulik Draf" in get(url, "/en/kabupaten/lamandau.html")[2]
        assert b"Nanga Bulik Draf" not in (preview.settings.out_dir / "kabupaten" / "lamandau.html").read_bytes()
        assert get(url, "/assets/style.css")[0] == 200  # files that are not pages come from the output
    finally:
        release.set()
        building.join(TIMEOUT)
    assert preview.draft is None
    assert b"Nanga Bulik Draf" in (preview.settings.out_dir / "kabupaten" / "lamandau.html").read_bytes()
    assert get(url, "/kabupaten/lamandau.html")[2] == served  # the built page is the draft's page


@pytest.mark.parametrize("path", ["/%2F%2F127.0.0.2/%2e%2e/kabupaten", "//127.0.0.2/../kabupaten",
                                  "/%5C%5Cexample.invalid/%2e%2e/kabupaten", "/\\\\example.invalid/../kabupaten",
                                  "/klinik/../kabupaten"])
def test_a_redirect_never_leads_to_another_host(path: str, make_preview: MakePreview) -> None:
    _, url = make_preview()
    status, headers, _ = get(url, path)
    assert (status, headers["Location"]) == (301, "/kabupaten/")


def test_the_root_without_its_slash_is_not_a_protocol_relative_redirect(make_preview: MakePreview) -> None:
    _, url = make_preview()
    status, headers, _ = get(url, "?x")
    assert (status, headers["Location"]) == (301, "/")


def request_as(url: str, host: str | None, path: str = "/kabupaten/") -> int:
    address, port = url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(address, int(port), timeout=TIMEOUT)
    connection.putrequest("GET", path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_only_this_machines_names_for_the_server_are_answered(make_preview: MakePreview) -> None:
    """A page of another site whose name now resolves to 127.0.0.1 (DNS rebinding) reads nothing."""
    _, url = make_preview()
    port = url.rstrip("/").rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert request_as(url, host) == 200, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{int(port) + 1}", "127.0.0.1", "localhost",
                 f"localhost.evil.example:{port}", "", None):
        assert request_as(url, host) == 421, host
        assert request_as(url, host, "/__ssk/events?since=0") == 421, host
