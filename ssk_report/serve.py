"""`ssk-report serve`: the site on localhost, rebuilt on every change, the open tab reloaded.

One `Preview` holds the state: the last build's problems, a generation number that browser tabs
follow over Server-Sent Events, and the background PDF build. The watcher calls `rebuild()` once per
batch of file events: a website-only build first (seconds), then the full build with PDFs in a child
process that the next change can stop. The HTTP server resolves the output folder on every request,
because each build swaps a new folder into place.
"""

from __future__ import annotations

import contextlib
import http.server
import mimetypes
import os
import signal
import subprocess
import sys
import threading
import traceback
from dataclasses import replace
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs, quote, unquote, urlsplit

import jinja2
import watchfiles

from . import admin
from .errors import ContentError, Problem, SskError, UsageError
from .pipeline import Session, Settings, Summary, prepare, produce
from .products import RenderContext, replace_downloads
from .templating import render

EVENTS = "/__ssk/events"  # the Server-Sent Events stream the injected script listens to
STOP_GRACE = 5.0  # seconds a stopped PDF build may take to clean up its staging folder
_PAGES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "preview"),
                            autoescape=True, undefined=jinja2.StrictUndefined)


def pdf_command(settings: Settings) -> list[str]:
    """The full build as a child process, so the preview never waits for it and can stop it."""
    command = [sys.executable, "-m", "ssk_report", "build", "--quiet", "--content", str(settings.content_dir),
               "--templates", str(settings.templates_dir), "--out", str(settings.out_dir)]
    if settings.workers:
        command += ["--workers", str(settings.workers)]
    if settings.cache_dir:
        command += ["--cache", str(settings.cache_dir)]
    return [*command, "--strict"] if settings.strict else command


class ChangeFilter(watchfiles.DefaultFilter):
    """Content and template edits; not editor scratch files nor what the build itself writes."""

    def __init__(self, out_dir: Path) -> None:
        out = out_dir.absolute()
        # Vim probes with `4913`; Emacs locks with `.#name`; `.swp`, `~` are in the defaults.
        super().__init__(ignore_entity_patterns=(*self.ignore_entity_patterns, r"^4913\Z"),
                         ignore_paths=(out,))
        self._staging = f".{out.name}."  # .output.ssk-staging-*, .output.ssk-old-*, .output.lock beside output/

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return super().__call__(change, path) and not any(p.startswith(self._staging) for p in Path(path).parts)


class Preview:
    """The state of one `serve` session; `rebuild()`, `start_server()` and `watch()` drive it."""

    def __init__(self, settings: Settings, pdf: list[str] | None = None) -> None:
        self.settings = replace(settings, pdf=False)
        self.pdf = pdf  # the command of the full build, or None for a website-only preview
        self.rebuilds = 0
        self.generation = 0  # bumped whenever what the server shows changes
        self.problems: list[Problem] = []
        self.failure: str | None = None  # an error that is not about one content file
        self.stopped = threading.Event()
        self._state = threading.Condition()
        self._building = threading.Lock()  # one build at a time: they share the output folder's lock
        self._pdf_process: subprocess.Popen[bytes] | None = None
        self._server: http.server.ThreadingHTTPServer | None = None
        self.session = Session()
        # The content of a change whose build has not finished yet: its pages are rendered on request,
        # so the tab shows the change as soon as the content is read and checked (a national site's
        # build takes seconds more: open data, every page's key, the search index).
        self.draft: RenderContext | None = None

    def rebuild(self) -> None:
        """The website without PDFs now, then (if enabled) the full build in the background."""
        with self._building:
            if self._stop_pdf():
                print("Build PDF dihentikan karena ada perubahan baru; dimulai lagi bila build situs berhasil.",
                      flush=True)
            if self.stopped.is_set():
                return
            problems: list[Problem] = []
            failure = None
            try:
                prepared = prepare(self.settings)
                if prepared is not None:
                    self._show_draft(prepared.context)
                    summary = produce(self.settings, prepared, session=self.session)
                else:
                    summary = Summary(unchanged=True)
            except ContentError as exc:
                problems = exc.problems
                print(f"{exc}\n{len(problems)} masalah ditemukan; pratinjau menampilkan hasil terakhir yang berhasil.",
                      file=sys.stderr, flush=True)
            except SskError as exc:  # another build holds the output folder, or it is not ours
                failure = str(exc)
                print(f"ssk-report: {exc}", file=sys.stderr, flush=True)
            except Exception:  # a bug: keep serving, show where it happened
                traceback.print_exc()
                failure = "Galat tak terduga di ssk-report; rinciannya ada di terminal."
            else:
                print(f"Dibangun: {summary}", flush=True)
            self.rebuilds += 1  # finished ones
            if self.draft is not None and not problems and failure is None:
                # The tab already shows this change (from the draft); the built pages are the same bytes,
                # so it is not reloaded again (the Data page's sizes alone may be newer).
                with self._state:
                    self.draft = None
            else:
                self._publish(problems, failure)
            if self.pdf and not problems and failure is None:
                self._start_pdf(self.pdf)

    def _publish(self, problems: list[Problem], failure: str | None) -> None:
        with self._state:
            self.problems, self.failure, self.draft = problems, failure, None
            self.generation += 1
            self._state.notify_all()

    def _show_draft(self, context: RenderContext) -> None:
        context = replace_downloads(context, self.session.downloads)  # the sizes made last (the Data page)
        with self._state:
            self.problems, self.failure, self.draft = [], None, context
            self.generation += 1
            self._state.notify_all()

    def draft_page(self, path: str) -> bytes | None:
        """The page at URL `path` rendered from the draft, if there is a draft and it has that page."""
        with self._state:
            draft = self.draft
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        output = draft.plan.by_path.get(relative) if draft is not None else None
        if draft is None or output is None or output.kind != "page" or not relative.endswith(".html"):
            return None
        envs = self.session.environments(draft, purpose="draft")
        return render(envs[output.lang], output, draft.variables(output)).encode()

    def _start_pdf(self, command: list[str]) -> None:
        # A session of its own: Ctrl-C in the terminal reaches only us, and we stop it in order.
        process = subprocess.Popen(command, start_new_session=True)
        self._pdf_process = process
        threading.Thread(target=self._await_pdf, args=(process,), daemon=True).start()

    def _await_pdf(self, process: subprocess.Popen[bytes]) -> None:
        code = process.wait()
        with self._building:
            if process is not self._pdf_process:  # stopped for a newer change, or on shutdown
                return
            self._pdf_process = None
            if code == 0:
                print("PDF selesai; tab dimuat ulang.", flush=True)
                self._publish([], None)
            else:
                self._publish([], f"Build PDF gagal (kode keluar {code}); rinciannya ada di terminal.")

    def _stop_pdf(self) -> bool:
        """SIGTERM unwinds the build like Ctrl-C (its staging folder is removed); then its lock is free."""
        process, self._pdf_process = self._pdf_process, None
        if process is None or process.poll() is not None:
            return False
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:  # it and its PDF workers; the next build removes what they left
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        return True

    def wait_for_change(self, since: int, timeout: float) -> int | None:
        """The generation once it differs from `since` (or `since` after `timeout`); None once stopped."""
        with self._state:
            self._state.wait_for(lambda: self.generation != since or self.stopped.is_set(), timeout)
            return None if self.stopped.is_set() else self.generation

    def decorate(self, html: bytes) -> bytes:
        """An HTML page as sent to the browser: with the reload script and the error panel, if any."""
        with self._state:
            extra = _PAGES.get_template("inject.html.j2").render(
                generation=self.generation, problems=self.problems, failure=self.failure)
        text = html.decode("utf-8", errors="replace")
        at = text.lower().rfind("</body>")
        return (text[:at] + extra + text[at:] if at >= 0 else text + extra).encode()

    def error_page(self) -> bytes:
        with self._state:
            return _PAGES.get_template("error.html.j2").render(
                generation=self.generation, problems=self.problems, failure=self.failure).encode()

    def start_server(self, port: int = 8000) -> str:
        """Serve the output folder on 127.0.0.1 in a thread; returns the URL (port 0: a free port)."""
        handler = type("Handler", (_Handler,), {"preview": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=self._server.serve_forever, args=(0.1,), daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def watch(self) -> None:
        """Rebuild once per batch of changes in content and templates, until `close()`."""
        folders = (self.settings.content_dir.absolute(), self.settings.templates_dir.absolute())
        for _batch in watchfiles.watch(*folders, watch_filter=ChangeFilter(self.settings.out_dir),
                                       stop_event=self.stopped):
            self.rebuild()

    def close(self) -> None:
        """Stop the watcher, the PDF build and the server (the SSE streams end too)."""
        with self._state:
            self.stopped.set()
            self._state.notify_all()
        with self._building:
            if self._stop_pdf():
                print("Build PDF dihentikan.", flush=True)
        if self._server:
            self._server.shutdown()
            self._server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    """Files from the output folder as they are, HTML pages decorated by the preview."""

    preview: Preview
    server_version = "ssk-report"

    def do_GET(self) -> None:
        if not self._for_us():
            return
        url = urlsplit(self.path)
        if url.path == EVENTS:
            self._events(parse_qs(url.query).get("since", ["0"])[0])
        else:
            self._file(unquote(url.path), body=True)

    def do_HEAD(self) -> None:
        if self._for_us():
            self._file(unquote(urlsplit(self.path).path), body=False)

    def _for_us(self) -> bool:
        """Whether the request names this server: a page of another site whose name was pointed at
        127.0.0.1 (DNS rebinding) sends its own name, and must not read the preview. Answered 421
        (Misdirected Request) otherwise."""
        port = cast(http.server.HTTPServer, self.server).server_port
        names = {f"{name}:{port}" for name in _LOOPBACK}
        if port == 80:  # a browser leaves the default port out
            names |= _LOOPBACK
        if (self.headers.get("Host") or "").lower() in names:
            return True
        self.send_error(421, "Misdirected Request")
        return False

    def _file(self, path: str, body: bool) -> None:
        drafted = self.preview.draft_page(path)
        if drafted is not None:
            return self._send(200, "text/html; charset=utf-8", self.preview.decorate(drafted), body)
        root = self.preview.settings.out_dir.resolve()  # per request: each build swaps in a new folder
        if not root.is_dir():
            return self._send(500, "text/html; charset=utf-8", self.preview.error_page(), body)
        status, target = _locate(root, path)
        if status == 403:
            return self.send_error(403)
        if status == 301:  # relative links in the folder's index.html need the slash
            self.send_response(301)
            self.send_header("Location", _folder_url(root, target))
            self.end_headers()
            return None
        try:
            data = target.read_bytes()
        except OSError:  # the site has no 404.html
            return self.send_error(404)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html" and not path.startswith(f"/{admin.FOLDER}/"):  # a reload would lose a form's edits
            data = self.preview.decorate(data)
        self._send(status, f"{kind}; charset=utf-8" if kind.startswith("text/") else kind, data, body)
        return None

    def _send(self, status: int, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, since: str) -> None:
        """One `data:` event per new generation; a comment now and then keeps the connection open."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = int(since) if since.isdigit() else 0
        try:
            while (current := self.preview.wait_for_change(seen, timeout=15)) is not None:
                self.wfile.write(f"data: {current}\n\n".encode() if current != seen else b": \n\n")
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):  # the tab was closed or reloaded
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass  # a line per request would drown the build messages


# The names this machine's browser may use for the preview (it listens on 127.0.0.1 only).
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})


def _locate(root: Path, path: str) -> tuple[int, Path]:
    """The file for a URL path: 200 and the file, 301 and the folder for a folder without its
    slash, 403 for a path out of the folder (`..`, a symlink), or 404 and the site's not-found page."""
    try:
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return 403, root
        if target.is_dir():
            if not path.endswith("/"):
                return 301, target
            target = target / "index.html"
        if target.is_file():
            return 200, target
    except (OSError, ValueError, RuntimeError):  # a name too long, a NUL byte, a symlink loop
        pass
    return 404, root / "404.html"


def _folder_url(root: Path, folder: Path) -> str:
    """Where a folder's index is, as a path on this server: built from the folder found, never
    from the request, so "//other.host/.." cannot become a redirect to another host. It starts with
    exactly one "/" (every name in it is percent-encoded, a backslash too)."""
    inside = folder.relative_to(root).as_posix()
    return "/" if inside == "." else f"/{quote(inside)}/"


def serve(settings: Settings, port: int = 8000) -> int:
    """Build, serve, and rebuild on every change until Ctrl-C; PDFs in the background if `settings.pdf`."""
    preview = Preview(settings, pdf_command(settings) if settings.pdf else None)
    try:
        url = preview.start_server(port)
    except OSError as exc:
        raise UsageError(f"port {port} tidak dapat dipakai ({exc.strerror}); pilih port lain dengan --port") from None
    try:
        preview.rebuild()
        print(f"Pratinjau: {url} (Ctrl-C untuk berhenti)", flush=True)
        preview.watch()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    print("\nPratinjau dihentikan.")  # after the ^C the terminal echoed
    return 0
