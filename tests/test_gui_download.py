"""The download controller: Cancel stops a read blocked on a silent mirror, and closing ends the thread."""

import functools
import hashlib

import pytest

pytest.importorskip("pytestqt")

from test_download import FileServer  # noqa: E402  (the real HTTP server on 127.0.0.1)

from mnistbench.data.download import ExpectedFile, download_mnist  # noqa: E402
from mnistbench.gui.jobs import download_job  # noqa: E402
from mnistbench.gui.jobs.download_job import DownloadController  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def silent_mirror(monkeypatch):
    """A mirror that sends 70,000 bytes of a file and then goes silent; the controller downloads from it
    with a per-read timeout far longer than any test waits."""
    data = bytes(range(256)) * 1000
    server = FileServer({"big.gz": data})
    server.cut_after, server.cut_times, server.stall = {"big.gz": 70_000}, 1, True
    table = [ExpectedFile("big.gz", len(data), hashlib.sha256(data).hexdigest())]
    monkeypatch.setattr(download_job, "download_mnist",
                        functools.partial(download_mnist, mirrors=[server.url], files=table, timeout=60))
    yield server
    server.close()


def wait_for_silence(qtbot, controller):
    arrived = []
    controller.sig_progress.connect(lambda done, total, name: arrived.append(done))
    controller.start()
    qtbot.waitUntil(lambda: bool(arrived) and arrived[-1] >= 65_536, timeout=10000)


def test_cancel_interrupts_a_read_blocked_on_a_silent_mirror(qtbot, silent_mirror):
    controller = DownloadController()
    wait_for_silence(qtbot, controller)
    with qtbot.waitSignal(controller.sig_failed, timeout=10000) as failed:  # the read would block 60 s
        controller.cancel()
    assert failed.args[1] is True and "cancelled" in failed.args[0]
    qtbot.waitUntil(lambda: not controller.running)


def test_shutdown_on_close_ends_the_download_thread(qtbot, silent_mirror):
    controller = DownloadController()
    wait_for_silence(qtbot, controller)
    assert controller.shutdown() and not controller.running


def test_closing_the_window_during_a_stuck_download_ends_its_thread(make_window, qtbot, silent_mirror):
    """Before: the close waited 5 s, gave up, and Qt aborted the process (thread destroyed while running)."""
    window = make_window()
    arrived = []
    window.downloader.sig_progress.connect(lambda done, total, name: arrived.append(done))
    window.session.download_mnist()
    qtbot.waitUntil(lambda: bool(arrived) and arrived[-1] >= 65_536, timeout=10000)
    window.close()
    assert not window.downloader.running
