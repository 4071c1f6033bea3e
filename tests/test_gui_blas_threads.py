"""The window trains with one BLAS thread (its GUI thread wants a core); the CLI and scripts keep the BLAS's own."""

import pytest
from PySide6.QtCore import Qt

from mnistbench.engine import fast_kernels

pytestmark = pytest.mark.gui


def recorded_thread_requests(monkeypatch):
    """The thread count each training asked BlasThreads for, in order."""
    asked = []
    original = fast_kernels.BlasThreads.__init__

    def record(self):
        original(self)
        asked.append(self.threads)

    monkeypatch.setattr(fast_kernels.BlasThreads, "__init__", record)
    return asked


def test_the_window_trains_with_one_blas_thread_and_leaves_the_default_as_it_was(make_window, qtbot,
                                                                                  monkeypatch):
    pytest.importorskip("threadpoolctl")
    monkeypatch.delenv(fast_kernels.BLAS_THREADS_VARIABLE, raising=False)
    asked = recorded_thread_requests(monkeypatch)
    window = make_window()
    form = window.training_panel.training_form
    form.epochs.setValue(1)
    form.batch_size.setValue(50)
    with qtbot.waitSignal(window.controller.sig_finished, timeout=60000):
        qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
    assert asked and set(asked) == {fast_kernels.WINDOW_BLAS_THREADS} == {1}
    assert fast_kernels.default_blas_threads() is None  # outside the window's runs: the BLAS's own threads


def test_the_variable_still_wins_in_the_window(monkeypatch):
    pytest.importorskip("threadpoolctl")
    monkeypatch.setenv(fast_kernels.BLAS_THREADS_VARIABLE, "all")
    with fast_kernels.preferring_blas_threads(1):
        assert fast_kernels.blas_threads() is None
    monkeypatch.setenv(fast_kernels.BLAS_THREADS_VARIABLE, "2")
    with fast_kernels.preferring_blas_threads(1):
        assert fast_kernels.blas_threads() == 2
