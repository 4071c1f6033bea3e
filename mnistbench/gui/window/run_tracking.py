"""Which run the window's network belongs to, so every training run lands in the runs store.

The window trains a copy of the current network; when training ends that
copy becomes the current network. Training it again continues the same run
(its curves go on where they stopped); any other network — initialised,
opened, dropped — starts a new run, unless it is the saved file of a run whose
epochs it still has. Saving the network tells its run where the file is.
A store that cannot be opened or written is logged, never fatal: training
goes on unrecorded.
"""

import logging
from pathlib import Path

from mnistbench.errors import MnistbenchError
from mnistbench.workflows.run_recorder import RunRecorder
from mnistbench.workflows.runs_store import RunsStore

logger = logging.getLogger(__name__)
CONTINUABLE = ("finished", "stopped")  # a diverged or unfinished run is not continued: it starts anew


class RunTracking:
    """The window's RunsStore (or None) and the run of the network that training last produced."""

    def __init__(self, state, folder=None):
        self.state = state
        self.store = open_store(folder)
        self._network = None  # the network object the last recorded run left in the state
        self._run_id = None
        self._last_recorder = None  # the recorder last handed out (its run may never have begun)
        state.events.document.connect(self._document_changed)

    def recorder_for(self, dataset, net=None, config=None):
        """A RunRecorder for training the state's network on ``dataset`` (None without a store).

        With the copy ``net`` that will train and its ``config``, the run's row is opened now: its
        ``run_id`` is known before the job starts (the curves' live run carries it).
        """
        if self.store is None:
            return None
        if self._last_recorder is not None:  # one job at a time: the last one has ended
            self._last_recorder.abandon("the job ended before training began")
        run_id = self._run_id if self.state.network is self._network else self._run_of_file()
        if run_id is not None and not self._continuable(run_id, dataset):
            run_id = None
        # no file yet: the trained network is not saved until Save (which then tells the run)
        recorder = self._last_recorder = RunRecorder(self.store, continue_run=run_id)
        if net is not None and config is not None:
            recorder.reserve(net, dataset.name, config)
            if recorder.problem:
                logger.warning("%s", recorder.problem)
        return recorder

    def run_trained(self, net, recorder) -> None:
        """Training ended and ``net`` is now the state's network: it continues ``recorder``'s run."""
        if recorder is None or recorder.run_id is None:
            return
        self._network, self._run_id = net, recorder.run_id

    @property
    def current_run(self):
        """The run id of the state's network, or None."""
        return self._run_id if self.state.network is self._network else None

    def _continuable(self, run_id, dataset) -> bool:
        try:
            row = self.store.run(run_id)
        except MnistbenchError:  # deleted from the Runs dock since
            return False
        return row.status in CONTINUABLE and row.dataset == dataset.name

    def _run_of_file(self):
        """The latest run saved to the state's file with as many epochs as the file has, else None."""
        path = self.state.path
        if path is None or self.state.network is None:
            return None
        epochs = self.state.network.metadata.get("training", {}).get("epochs")
        try:
            rows = self.store.runs()
        except MnistbenchError as error:
            logger.warning("%s", error)
            return None
        matches = [row.id for row in rows if row.network and Path(row.network) == Path(path).resolve()
                   and row.epochs == epochs]
        return matches[-1] if matches else None

    def _document_changed(self) -> None:
        """After Save: the run of the saved network learns where its file is."""
        state = self.state
        if self.store is None or state.path is None or state.modified or self.current_run is None:
            return
        try:
            self.store.update_run(self._run_id, network=str(Path(state.path).resolve()))
        except MnistbenchError as error:
            logger.warning("the runs store could not note where the network was saved: %s", error)


def open_store(folder=None):
    """The runs store, or None (logged) when it cannot be opened."""
    try:
        return RunsStore(folder)
    except (MnistbenchError, OSError) as error:
        logger.warning("training runs will not be recorded: %s", error)
        return None
