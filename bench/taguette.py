"""Benchmark: Bianma side by side with Taguette 1.5.2 on the same Chinese transcripts.

Taguette is installed from the package registry into a venv of its own under
``$XDG_CACHE_HOME/bianma-bench/taguette-1.5.2`` (once; later runs reuse it), started in server
mode on loopback with a throw-away configuration (single-user, its own SQLite file in a
temporary folder) and driven over HTTP as its web page drives it: create a project, upload
documents to ``/api/project/<id>/document/new``, add the codebook's tags, download the
codebook from ``/project/<id>/export/codebook.{csv,qdc,xlsx}``.

The same material for both: a 1 MB interview (CPED turns, ``bench/gen_project.py``) and 100
interviews of 10,000 characters; the codebook of the migrant-integration template.

What is timed, honestly:
- Taguette: each HTTP request, from sending to the full response, so its own conversion work
  (a .txt goes through Calibre's ``ebook-convert``; HTML is parsed with html5lib and sanitised
  with bleach) and its database write are included. Without Calibre (not installed here)
  Taguette cannot import a .txt at all; it then gets the same transcript as HTML (one ``<p>``
  per line, escaped), its fastest path. With ``ebook-convert`` on PATH the .txt path is timed
  too. The time of an empty authenticated request is printed so the HTTP share is visible.
- Bianma: ``corpus.documents.import_document`` and the commit of its transaction, what the
  documents page's Import button runs (decoding and encoding detection, turns, sentences,
  jieba tokens, passages stored); ``codebook.files.export_codebook`` for the codebook.
Both write to an SQLite file on the same disk. Best of ``--repeats`` for the 1 MB file and the
codebook; the 100 documents once each, as a researcher would import them.

    .venv/bin/python bench/taguette.py [--repeats 3] [--documents 100] [--cache DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import html  # noqa: E402
import http.cookiejar  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from bench.gen_project import interview  # noqa: E402

TAGUETTE_VERSION = "1.5.2"
TEMPLATE = "migrant-integration"
TARGET_RATIO = 10.0


def cache_dir(override: Path | None) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return override or base / "bianma-bench" / f"taguette-{TAGUETTE_VERSION}"


def ensure_taguette(venv: Path) -> Path:
    """The ``taguette`` command of a venv of its own, created and installed on first use."""
    command = venv / "bin" / "taguette"
    if command.exists():
        return command
    print(f"installing taguette=={TAGUETTE_VERSION} into {venv} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    f"taguette=={TAGUETTE_VERSION}"], check=True)
    return command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
NAME = "Bianma benchmark"
BIND_ADDRESS = "127.0.0.1"
PORT = {port}
BASE_PATH = "/"
DOMAIN = "127.0.0.1:{port}"
SECRET_KEY = {secret!r}
DATABASE = {database!r}
EMAIL = "bench@localhost"
TOS_FILE = None
MAIL_SERVER = {{"ssl": False, "host": "localhost", "port": 25}}
COOKIES_PROMPT = False
REGISTRATION_ENABLED = False
SQLITE3_IMPORT_ENABLED = False
MULTIUSER = False
X_HEADERS = False
"""


class Taguette:
    """A Taguette server on loopback and a client holding its session cookies."""

    def __init__(self, command: Path, folder: Path) -> None:
        self.port = free_port()
        self.secret = secrets.token_hex(20)
        config = folder / "taguette_config.py"
        config.write_text(CONFIG.format(port=self.port, secret=self.secret,
                                        database=f"sqlite:///{folder / 'taguette.sqlite3'}"))
        self.log = open(folder / "taguette.log", "w")
        began = time.perf_counter()
        self.process = subprocess.Popen([str(command), "server", str(config)], stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=folder)
        self.url = f"http://127.0.0.1:{self.port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self._wait(began)

    def _wait(self, began: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    break
            except OSError:
                if self.process.poll() is not None or time.perf_counter() - began > 120:
                    raise RuntimeError(f"taguette did not start; see {self.log.name}")
                time.sleep(0.2)
        self.startup_seconds = time.perf_counter() - began
        # Single-user mode signs its join link's token with the secret key.
        token = hmac.new(self.secret.encode(), b"taguette_single_user", hashlib.sha256).hexdigest()
        self.get(f"/?token={token}")
        self.get("/project/new")  # sets the XSRF cookie

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    @property
    def xsrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "_xsrf")

    def _open(self, request: urllib.request.Request) -> tuple[bytes, str]:
        with self.opener.open(request, timeout=600) as response:
            return response.read(), response.url

    def get(self, path: str) -> bytes:
        return self._open(urllib.request.Request(self.url + path))[0]

    def post_form(self, path: str, fields: dict[str, str]) -> str:
        body = urllib.parse.urlencode({**fields, "_xsrf": self.xsrf}).encode()
        return self._open(urllib.request.Request(self.url + path, data=body))[1]

    def post_json(self, path: str, obj: dict) -> dict:
        request = urllib.request.Request(
            self.url + path, data=json.dumps(obj).encode(),
            headers={"Content-Type": "application/json", "X-XSRFToken": self.xsrf})
        return json.loads(self._open(request)[0])

    def upload(self, project_id: int, name: str, filename: str, data: bytes) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in (("name", name), ("description", ""), ("text_direction", "LEFT_TO_RIGHT")):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                         f"{value}\r\n".encode())
        quoted = urllib.parse.quote(filename)
        content_type = "text/html" if filename.endswith(".html") else "text/plain"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{quoted}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            f"{self.url}/api/project/{project_id}/document/new", data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                     "X-XSRFToken": self.xsrf})
        try:
            return json.loads(self._open(request)[0])
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"taguette refused {filename}: {error.read()[:300]!r}") from None

    def new_project(self, name: str) -> int:
        final = self.post_form("/project/new", {"name": name, "description": ""})
        return int(final.rstrip("/").rsplit("/", 1)[1])


def as_html(text: str) -> bytes:
    """The transcript as Taguette's own import path for HTML wants it: a paragraph per line."""
    lines = (f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return ("<html><head><meta charset=\"utf-8\"></head><body>\n" + "\n".join(lines)
            + "\n</body></html>\n").encode("utf-8")


# --- Bianma ---------------------------------------------------------------------------------


class Bianma:
    def __init__(self, folder: Path) -> None:
        from storage.engine import make_engine, make_sessionmaker
        from storage.migrate import upgrade

        self.engine = make_engine(f"sqlite:///{folder / 'bianma.sqlite3'}")
        upgrade(self.engine)
        self.Session = make_sessionmaker(self.engine)

    def new_project(self, name: str, template: str | None = None) -> int:
        from codebook.templates import apply_template
        from corpus.projects import create_project

        with self.Session.begin() as s:
            project = create_project(s, name)
            if template:
                apply_template(s, project.id, template)
            return project.id

    def import_file(self, project_id: int, filename: str, data: bytes) -> None:
        from corpus.documents import import_document

        with self.Session.begin() as s:
            import_document(s, project_id, filename, data)

    def export(self, project_id: int, filename: str) -> bytes:
        from codebook.files import export_codebook

        with self.Session() as s:
            return export_codebook(s, project_id, filename)


# --- the comparison -------------------------------------------------------------------------


def clock(function, *args) -> float:
    began = time.perf_counter()
    function(*args)
    return time.perf_counter() - began


@contextmanager
def taguette_server(command: Path, folder: Path):
    server = Taguette(command, folder)
    try:
        yield server
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--cache", type=Path, help="where Taguette's venv lives")
    args = parser.parse_args()

    command = ensure_taguette(cache_dir(args.cache))
    rng = random.Random(11)
    big = interview(rng, 340_000, group=False, timestamps=True)[0]
    while len(big.encode()) < 1_000_000:
        big += interview(rng, 2_000, group=False, timestamps=True)[0]
    small = [interview(rng, 10_000, group=i % 4 == 0, timestamps=i % 2 == 0)[0]
             for i in range(args.documents)]
    from codebook.templates import load_template

    tags = [(code.path, code.definition) for code in load_template(TEMPLATE).codes]
    calibre = shutil.which("ebook-convert") is not None
    print(f"material: one interview of {len(big):,} characters ({len(big.encode()) / 1e6:.2f} MB "
          f"UTF-8), {len(small)} interviews of ~10,000 characters "
          f"({sum(len(t.encode()) for t in small) / 1e6:.1f} MB), codebook of {len(tags)} codes; "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("Taguette input: " + (".txt through Calibre, and HTML" if calibre else
                                "HTML (Calibre's ebook-convert is not installed: Taguette "
                                "cannot import .txt without it)"))

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bianma-vs-taguette-") as directory:
        folder = Path(directory)
        bianma = Bianma(folder)
        with taguette_server(command, folder) as taguette:
            print(f"taguette {TAGUETTE_VERSION} started in {taguette.startup_seconds:.1f} s")
            pid_t = taguette.new_project("基准")
            pid_b = bianma.new_project("基准")
            bianma.import_file(pid_b, "预热.txt", "访谈者：预热。\n受访者：好。\n".encode())
            warm = taguette.upload(pid_t, "预热", "预热.html", as_html("预热"))["created"]
            overhead = min(clock(taguette.get, f"/api/project/{pid_t}/document/{warm}")
                           for _ in range(20))
            print(f"taguette: an authenticated request for a tiny document takes "
                  f"{overhead * 1000:.1f} ms\n")

            big_html = as_html(big)
            results["1 MB transcript"] = {
                "taguette": min(clock(taguette.upload, pid_t, f"大{i}", f"大{i}.html", big_html)
                                for i in range(args.repeats)),
                "bianma": min(clock(bianma.import_file, pid_b, f"大{i}.txt", big.encode())
                              for i in range(args.repeats)),
            }
            if calibre:
                results["1 MB transcript (.txt via Calibre)"] = {
                    "taguette": min(clock(taguette.upload, pid_t, f"文{i}", f"文{i}.txt", big.encode())
                                    for i in range(args.repeats)),
                    "bianma": results["1 MB transcript"]["bianma"],
                }
            pid_t2, pid_b2 = taguette.new_project("百份"), bianma.new_project("百份", TEMPLATE)
            results[f"{len(small)} documents"] = {
                "taguette": sum(clock(taguette.upload, pid_t2, f"访谈{i:03d}", f"访谈{i:03d}.html",
                                      as_html(text)) for i, text in enumerate(small)),
                "bianma": sum(clock(bianma.import_file, pid_b2, f"访谈{i:03d}.txt", text.encode())
                              for i, text in enumerate(small)),
            }
            for path, definition in tags:
                taguette.post_json(f"/api/project/{pid_t2}/tag/new",
                                   {"path": path, "description": definition})
            for extension in ("csv", "qdc", "xlsx"):
                results[f"codebook export .{extension}"] = {
                    "taguette": min(clock(taguette.get, f"/project/{pid_t2}/export/codebook.{extension}")
                                    for _ in range(max(5, args.repeats))),
                    "bianma": min(clock(bianma.export, pid_b2, f"编码本.{extension}")
                                  for _ in range(max(5, args.repeats))),
                }
        bianma.engine.dispose()

    print(f"{'':<36}{'Taguette':>12}{'Bianma':>12}{'ratio':>9}")
    for label, times in results.items():
        ratio = times["taguette"] / times["bianma"]
        flag = "" if ratio >= TARGET_RATIO else f"  (below the {TARGET_RATIO:g}× target)"
        print(f"{label:<36}{times['taguette']:>11.3f}s{times['bianma']:>11.3f}s{ratio:>8.1f}×{flag}")


if __name__ == "__main__":
    main()
