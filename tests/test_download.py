"""MNIST and Fashion-MNIST downloads against real HTTP servers on 127.0.0.1 serving small generated files."""

import argparse
import gzip
import hashlib
import http.server
import socket
import struct
import threading

import pytest

from idx_factory import write_synthetic_dataset
from mnistbench.data import datasets, download
from mnistbench.data.datasets import FASHION_CLASSES, available_datasets, import_folder, load_dataset
from mnistbench.data.download import (
    DatasetSource,
    DownloadCancelled,
    ExpectedFile,
    download_dataset,
    download_mnist,
    staging_folder,
)
from mnistbench.commands.data import add_data_parser, data_command
from mnistbench.errors import DownloadError


class FileServer:
    """A real HTTP server in a thread: Range support, 404s and scripted broken connections."""

    def __init__(self, files, ignore_range=False):
        self.files = dict(files)
        self.ignore_range = ignore_range
        self.cut_after = {}  # name -> bytes sent before the connection is dropped
        self.cut_times = 0  # how many responses are cut (then it serves normally)
        self.stall = False  # after the cut, hang instead of closing
        self.trickle = False  # send the body 1 KB at a time, slowly (a mirror too slow to wait for)
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
        if owner.trickle:
            for start in range(0, len(body), 1024):
                if owner.release.wait(timeout=0.05):
                    break
                self.wfile.write(body[start:start + 1024])
                self.wfile.flush()
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


def test_wrong_checksum_leaves_no_dataset_folder_behind(payload, servers, tmp_path):
    contents, table = payload
    wrong = (table[0],) + (ExpectedFile(table[1].name, table[1].size, "0" * 64),) + table[2:]
    with pytest.raises(DownloadError) as excinfo:
        fetch(wrong, servers(contents), cache_dir=tmp_path)
    one_line(excinfo, f"cannot download {table[1].name}", "SHA-256 mismatch", "mnistbench data import FOLDER")
    assert not (tmp_path / "datasets").exists(), "a half download is not a dataset"
    assert [p.name for p in staging_folder("mnist", tmp_path).iterdir()] == [table[0].name]  # kept, verified


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
    # Every byte that arrived before the server went silent is kept (reads take what has come).
    assert server.requests == [(big.name, None), (big.name, "bytes=70000-")]


def test_server_that_dies_mid_transfer_then_resume_on_a_second_call(payload, servers):
    contents, table = payload
    big = max(table, key=lambda f: f.size).name
    dying = servers(contents)
    dying.cut_after, dying.cut_times = {big: 30_000}, 99  # every response breaks off early
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, dying)
    one_line(excinfo, f"cannot download {big} from any MNIST mirror", "partial file kept")
    part = staging_folder("mnist") / (big + ".part")
    kept = part.read_bytes()
    assert 30_000 <= len(kept) < len(contents[big]) and contents[big].startswith(kept)
    assert not (part.parent / big).exists() and not (datasets.cache_dir() / "datasets").exists()

    healthy = servers(contents)
    folder = fetch(table, healthy)
    assert (folder / big).read_bytes() == contents[big] and not part.exists()
    assert not staging_folder("mnist").parent.exists(), "the staging folder goes once the dataset is complete"
    assert (big, f"bytes={len(kept)}-") in healthy.requests


def test_server_that_ignores_range_restarts_cleanly(payload, servers):
    contents, table = payload
    staging = staging_folder("mnist")
    staging.mkdir(parents=True)
    name = table[0].name
    stale = b"stale bytes from somewhere else"
    (staging / (name + ".part")).write_bytes(stale)
    server = servers(contents, ignore_range=True)
    folder = fetch(table, server)
    assert (folder / name).read_bytes() == contents[name]
    assert (name, f"bytes={len(stale)}-") in server.requests


def test_stale_part_that_fails_the_checksum_is_fetched_again_from_scratch(payload, servers):
    contents, table = payload
    staging = staging_folder("mnist")
    staging.mkdir(parents=True)
    name = table[0].name
    (staging / (name + ".part")).write_bytes(b"x" * 1000)  # same length prefix, wrong bytes
    server = servers(contents)
    folder = fetch(table[:1], server)
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
    assert [p.name for p in staging_folder("mnist").iterdir()] == [big.name + ".part"]
    kept = (staging_folder("mnist") / (big.name + ".part")).stat().st_size
    assert 0 < kept <= download.CHUNK_BYTES
    assert not (datasets.cache_dir() / "datasets").exists()
    server = servers(contents)
    folder = fetch([big], server)
    assert server.requests == [(big.name, f"bytes={kept}-")]
    assert (folder / big.name).read_bytes() == contents[big.name]


def closed_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/mnist/"


def test_offline_names_the_files_the_mirrors_and_the_import_command_then_import_works(payload, tmp_path,
                                                                                       monkeypatch):
    contents, table = payload
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(tmp_path / "no-shared-datasets"))
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian")
    dead = [closed_url(), closed_url()]
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, *dead)
    port = dead[0].split(":")[2].split("/")[0]
    message = one_line(excinfo, "cannot reach any MNIST mirror", f"127.0.0.1:{port}: Connection refused",
                       *[f.name for f in table], *dead,
                       "run `mnistbench data import FOLDER --name mnist`, or choose the folder in the workbench")
    assert message.count("Connection refused") == 2
    cache = datasets.cache_dir()
    assert not (cache / "datasets" / "mnist").exists() and not (cache / "downloads").exists()
    assert available_datasets() == []

    fetched = write_synthetic_dataset(tmp_path / "fetched-by-hand", n_train=60, n_test=20)
    imported = import_folder(fetched, "mnist")  # the command the message gave, right after
    assert imported.name == "mnist" and load_dataset("mnist").n_train == 60


def test_an_older_versions_empty_dataset_folder_does_not_block_the_import(tmp_path):
    (datasets.cache_dir() / "datasets" / "mnist").mkdir(parents=True)
    fetched = write_synthetic_dataset(tmp_path / "files", n_train=30, n_test=10)
    assert import_folder(fetched, "mnist").n_train == 30


def test_fashion_mnist_downloads_the_same_way(payload, servers):
    contents, table = payload
    source = download.SOURCES["fashion-mnist"]
    assert [f.name for f in source.files] == [f.name for f in download.MNIST_FILES]
    assert source.label == "Fashion-MNIST" and all(m.endswith("/") for m in source.mirrors)
    server = servers(contents)
    server.cut_after, server.cut_times = {table[0].name: 1000}, 1  # resumed, as MNIST is
    folder = download_dataset("fashion-mnist", source=DatasetSource("Fashion-MNIST", table, (server.url,)))
    assert folder == datasets.cache_dir() / "datasets" / "fashion-mnist"
    assert (table[0].name, "bytes=1000-") in server.requests
    dataset = load_dataset(folder)  # by folder: the shared Fashion-MNIST may also answer to the name
    assert dataset.n_train == 600 and dataset.class_names == FASHION_CLASSES
    with pytest.raises(DownloadError) as excinfo:
        download_dataset("fashion-mnist", cache_dir=datasets.cache_dir() / "other",
                         source=DatasetSource("Fashion-MNIST", table, (closed_url(),)))
    one_line(excinfo, "cannot reach any Fashion-MNIST mirror", "`mnistbench data import FOLDER --name fashion-mnist`")


def test_data_download_fashion_mnist_command(payload, servers, monkeypatch, capsys):
    contents, table = payload
    server = servers(contents)
    monkeypatch.setitem(download.SOURCES, "fashion-mnist", DatasetSource("Fashion-MNIST", table, (server.url,)))
    parser = argparse.ArgumentParser(prog="mnistbench")
    add_data_parser(parser.add_subparsers(dest="command"))
    assert data_command(parser.parse_args(["data", "download", "fashion-mnist"])) == 0
    folder = datasets.cache_dir() / "datasets" / "fashion-mnist"
    assert f"Fashion-MNIST is ready in {folder}" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == sorted(contents)
    with pytest.raises(SystemExit):
        parser.parse_args(["data", "download", "emnist"])


def test_unknown_dataset_download_names_the_known_ones():
    with pytest.raises(DownloadError, match=r"no download known for 'emnist' \(known: mnist, fashion-mnist\)"):
        download_dataset("emnist")


@pytest.mark.realdata
def test_published_checksums_match_the_shared_test_files(shared_datasets):
    folder = shared_datasets / "mnist"
    for expected in download.MNIST_FILES:
        assert expected.sha256 in (shared_datasets / "README.md").read_text()
        if expected.name.startswith("t10k"):
            assert download.matches(folder / expected.name, expected), expected.name


# Fashion-MNIST's published MD5s (torchvision's FashionMNIST.resources) and the gzip header
# mtimes of the official files. Debian's copies (shared/datasets/fashion-mnist) hold the same
# deflate stream but drop the original file name and reset the mtime, so the test puts both back.
FASHION_OFFICIAL = {
    "train-images-idx3-ubyte.gz": ("8d4fb7e6c68d591d4c3dfef9ec88bf0d", 1504176606),
    "train-labels-idx1-ubyte.gz": ("25c81989df183df01b3e8a0aad5dffbe", 1504176606),
    "t10k-images-idx3-ubyte.gz": ("bef4ecab320f06d8554ea6380940ec79", 1504176627),
    "t10k-labels-idx1-ubyte.gz": ("bb300cfdad3c16e7a12a480ee83cd310", 1504176627),
}


@pytest.mark.realdata
def test_fashion_checksums_are_the_official_files(shared_datasets):
    for expected in download.FASHION_MNIST_FILES:
        debian = (shared_datasets / "fashion-mnist" / expected.name).read_bytes()
        md5, mtime = FASHION_OFFICIAL[expected.name]
        assert debian[:4] == b"\x1f\x8b\x08\x00"  # gzip, deflate, no flags
        official = (b"\x1f\x8b\x08\x08" + struct.pack("<I", mtime) + debian[8:10]
                    + expected.name.removesuffix(".gz").encode() + b"\0" + debian[10:])
        assert hashlib.md5(official).hexdigest() == md5, expected.name
        assert len(official) == expected.size and hashlib.sha256(official).hexdigest() == expected.sha256
        assert gzip.decompress(official) == gzip.decompress(debian)


# --- stuck and hostile downloads (issue 10 classes 12-14) ----------------------------------------
def test_a_mirror_too_slow_to_wait_for_is_left_for_the_next(payload, servers):
    contents, table = payload
    big = max(table, key=lambda f: f.size)
    slow, fast = servers(contents), servers(contents)
    slow.trickle = True  # about 20 KB a second: never silent long enough for the per-read timeout
    folder = download_mnist(mirrors=[slow.url, fast.url], files=[big], timeout=5, file_timeout=0.5)
    assert (folder / big.name).read_bytes() == contents[big.name]
    assert len(slow.requests) == 1 and fast.requests[0][0] == big.name


def test_an_interrupt_stops_a_read_blocked_on_a_silent_server(payload, servers):
    contents, table = payload
    big = max(table, key=lambda f: f.size)
    server = servers(contents)
    server.cut_after, server.cut_times, server.stall = {big.name: 70_000}, 1, True
    transfers = download.Transfers()

    def progress(done, total, name):
        if done >= 70_000:  # everything before the silence has arrived: the next read blocks
            threading.Timer(0.2, transfers.interrupt).start()

    with pytest.raises(DownloadCancelled):  # not a per-read timeout (30 s) and a mirror failure
        download_mnist(mirrors=[server.url], files=[big], timeout=30, transfers=transfers, progress=progress)
    assert (staging_folder("mnist") / (big.name + ".part")).stat().st_size == 70_000


def test_a_link_at_the_part_path_is_never_followed(payload, servers, tmp_path):
    contents, table = payload
    big = max(table, key=lambda f: f.size)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    part = staging_folder("mnist") / (big.name + ".part")
    part.parent.mkdir(parents=True)
    part.symlink_to(victim)
    with pytest.raises(DownloadError) as excinfo:
        fetch([big], servers(contents))
    one_line(excinfo, str(part), "not a regular file")
    assert victim.read_text() == "precious\n"


@pytest.mark.parametrize("case", ["cache is a file", "dataset file is a folder"])
def test_a_storage_problem_is_a_download_error(payload, servers, tmp_path, monkeypatch, case):
    contents, table = payload
    if case == "cache is a file":
        blocker = tmp_path / "cache-file"
        blocker.write_text("")
        monkeypatch.setenv("MNISTBENCH_CACHE", str(blocker))
    else:
        (datasets.cache_dir() / "datasets" / "mnist" / table[0].name).mkdir(parents=True)
    with pytest.raises(DownloadError) as excinfo:
        fetch(table, servers(contents))
    one_line(excinfo, "cannot store the download")
