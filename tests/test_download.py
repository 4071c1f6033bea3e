"""MNIST download against real HTTP servers on 127.0.0.1 serving small generated files."""

import hashlib
import http.server
import socket
import threading

import pytest

from idx_factory import write_synthetic_dataset
from mnistbench.data import datasets, download
from mnistbench.data.datasets import load_dataset
from mnistbench.data.download import DownloadCancelled, ExpectedFile, download_mnist
from mnistbench.errors import DownloadError


class FileServer:
    """A real HTTP server in a thread: Range support, 404s and scripted broken connections."""

    def __init__(self, files, ignore_range=False):
        self.files = dict(files)
        self.ignore_range = ignore_range
        self.cut_after = {}  # name -> bytes sent before the connection is dropped
        self.cut_times = 0  # how many responses are cut (then it serves normally)
        self.stall = False  # after the cut, hang instead of closing
        self.release = threading.Event()
        self.requests = []  # (name, Range header or None)
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class _Handler(http.server.BaseHTTPRequestHandler):
    owner: FileServer

    def do_GET(self):
        owner, name = self.owner, self.path.rsplit("/", 1)[-1]
        requested = self.headers.get("Range")
        owner.requests.append((name, requested))
        if name not in owner.files:
            self.send_error(404)
            return
        data, start = owner.files[name], 0
        if requested and not owner.ignore_range:
            start = int(requested.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if name in owner.cut_after and owner.cut_times > 0:
            owner.cut_times -= 1
            self.wfile.write(body[:owner.cut_after[name]])
            self.wfile.flush()
            if owner.stall:  # go silent, so the client's read times out mid-body
                owner.release.wait(timeout=10)
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def payload(tmp_path_factory):
    """Four small gzip IDX files, the table that describes them, and their bytes."""
    folder = write_synthetic_dataset(tmp_path_factory.mktemp("origin"), n_train=600, n_test=100)
    contents = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    table = tuple(ExpectedFile(name, len(data), hashlib.sha256(data).hexdigest())
                  for name, data in contents.items())
    return contents, table


@pytest.fixture
def servers():
    started = []

    def start(files, **options):
        started.append(FileServer(files, **options))
        return started[-1]

    yield start
    for server in started:
        server.close()


def fetch(table, *mirrors, **options):
    return download_mnist(mirrors=[m.url if isinstance(m, FileServer) else m for m in mirrors],
                          files=table, timeout=5, **options)


def one_line(excinfo, *fragments):
    message = str(excinfo.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_success_progress_and_no_second_download(payload, servers):
    contents, table = payload
    server = servers(contents)
    calls = []
    folder = fetch(table, server, progress=lambda *args: calls.append(args))
    assert folder == datasets.cache_dir() / "datasets" / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == sorted(contents)
    assert all((folder / name).read_bytes() == data for name, data in contents.items())
    total = sum(len(data) for data in contents.values())
    assert calls[-1] == (total, total, table[-1].name)
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    assert len(calls) > len(table)  # per chunk, not just per file
    assert load_dataset("mnist").n_train == 600
    served = len(server.requests)
    assert fetch(table, server) == folder
    assert len(server.requests) == served, "files with a good checksum are not fetched again"


def test_wrong_checksum_leaves_nothing_behind(payload, servers, tmp_path):
    contents, table = payload
    wrong = (table[0],) + (ExpectedFile(table[1].name, table[1].size, "0" * 64),) + table[2:]
    with pytest.raises(DownloadError) as excinfo:
        fetch(wrong, servers(contents), cache_dir=tmp_path)
    one_line(excinfo, f"cannot download {table[1].name}", "SHA-256 mismatch", "mnistbench data import FOLDER")
    assert [p.name for p in (tmp_path / "datasets" / "mnist").iterdir()] == [table[0].name]


def test_dropped_connection_is_resumed_on_the_same_mirror(payload, servers):
    contents, table = payload
    server = servers(contents)
    big = max(table, key=lambda f: f.size).name
    server.cut_after, server.cut_times = {big: 20_000}, 1
    folder = fetch(table, server)
    assert (folder / big).read_bytes() == contents[big]
    assert (big, "bytes=20000-") in server.requests


def test_stalled_transfer_times_out_and_resumes(payload, servers):
    contents, table = payload
    big = max(table, key=lambda f: f.size)
    server = servers(contents)
    server.cut_after, server.cut_times, server.stall = {big.name: 70_000}, 1, True
    folder = download_mnist(mirrors=[server.url], files=[big], timeout=0.5)
    assert (folder / big.name).read_bytes() == contents[big.name]
    assert server.requests == [(big.name, None), (big.name, f"bytes={download.CHUNK_BYTES}-")]


def test_server_that_dies_mid_transfer_then_resume_on_a_second_call(payload, servers):
    contents, table = payload
    big = max(table, key=lambda f: f.size).name
    dying = servers(contents)
    dying.cut_after, dying.cut_times = {big: 30_000}, 99  # every response breaks off early
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, dying)
    one_line(excinfo, f"cannot download {big} from any MNIST mirror", "partial file kept")
    part = datasets.cache_dir() / "datasets" / "mnist" / (big + ".part")
    kept = part.read_bytes()
    assert 30_000 <= len(kept) < len(contents[big]) and contents[big].startswith(kept)
    assert not (part.parent / big).exists()

    healthy = servers(contents)
    folder = fetch(table, healthy)
    assert (folder / big).read_bytes() == contents[big] and not part.exists()
    assert (big, f"bytes={len(kept)}-") in healthy.requests


def test_server_that_ignores_range_restarts_cleanly(payload, servers):
    contents, table = payload
    folder = datasets.cache_dir() / "datasets" / "mnist"
    folder.mkdir(parents=True)
    name = table[0].name
    stale = b"stale bytes from somewhere else"
    (folder / (name + ".part")).write_bytes(stale)
    server = servers(contents, ignore_range=True)
    fetch(table, server)
    assert (folder / name).read_bytes() == contents[name]
    assert (name, f"bytes={len(stale)}-") in server.requests


def test_stale_part_that_fails_the_checksum_is_fetched_again_from_scratch(payload, servers):
    contents, table = payload
    folder = datasets.cache_dir() / "datasets" / "mnist"
    folder.mkdir(parents=True)
    name = table[0].name
    (folder / (name + ".part")).write_bytes(b"x" * 1000)  # same length prefix, wrong bytes
    server = servers(contents)
    fetch(table[:1], server)
    assert (folder / name).read_bytes() == contents[name]
    assert server.requests == [(name, "bytes=1000-"), (name, None)]


def test_404_on_first_mirror_then_a_working_one(payload, servers):
    contents, table = payload
    empty, good = servers({}), servers(contents)
    folder = fetch(table, empty, good)
    assert all((folder / name).read_bytes() == data for name, data in contents.items())
    assert [name for name, _ in empty.requests] == [f.name for f in table]
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, empty, servers({}), cache_dir=folder.parent / "elsewhere")
    assert one_line(excinfo, "HTTP 404").count("HTTP 404") == 2


def test_a_mirror_serving_the_wrong_size_is_skipped(payload, servers, tmp_path):
    contents, table = payload
    wrong = {name: data + b"extra" for name, data in contents.items()}
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, servers(wrong), cache_dir=tmp_path)
    one_line(excinfo, f"serves {table[0].size + 5:,} bytes")
    assert fetch(table, servers(wrong), servers(contents), cache_dir=tmp_path).is_dir()


def test_cancel_keeps_the_part_for_later(payload, servers):
    contents, table = payload
    big = max(table, key=lambda f: f.size)
    assert big.size > 2 * download.CHUNK_BYTES
    stop = threading.Event()
    with pytest.raises(DownloadCancelled) as excinfo:
        fetch([big], servers(contents), cancel=stop.is_set, progress=lambda *args: stop.set())
    assert isinstance(excinfo.value, DownloadError)
    one_line(excinfo, "cancelled")
    folder = datasets.cache_dir() / "datasets" / "mnist"
    assert [p.name for p in folder.iterdir()] == [big.name + ".part"]
    server = servers(contents)
    fetch([big], server)
    assert server.requests == [(big.name, f"bytes={download.CHUNK_BYTES}-")]
    assert (folder / big.name).read_bytes() == contents[big.name]


def test_offline_gives_one_line_with_the_way_out(payload):
    _, table = payload
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, f"http://127.0.0.1:{closed_port}/mnist/")
    one_line(excinfo, "cannot reach any MNIST mirror", f"127.0.0.1:{closed_port}: Connection refused",
             "run `mnistbench data import FOLDER`, or choose the folder in the workbench")


@pytest.mark.realdata
def test_published_checksums_match_the_shared_test_files(shared_datasets):
    folder = shared_datasets / "mnist"
    for expected in download.MNIST_FILES:
        assert expected.sha256 in (shared_datasets / "README.md").read_text()
        if expected.name.startswith("t10k"):
            assert download._matches(folder / expected.name, expected), expected.name
