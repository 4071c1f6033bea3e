"""The training panel's "Find learning rate…": the range test off the GUI thread, then its dialog.

The test trains a copy of the current network (or of a fresh one with the
form's shape when there is none) for a few seconds on the loaded dataset
while the rate rises; the dialog proposes a rate, and "Use" puts it in the form.
"""

import logging

from PySide6.QtCore import QObject, Slot

from mnistbench.gui.jobs.background_task import BackgroundTask
from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.panels.training.lr_finder_dialog import LearningRateDialog
from mnistbench.workflows.lr_finder import find_learning_rate
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.validation_split import training_data

logger = logging.getLogger(__name__)


def range_test(net, dataset, config):
    """Qt-free: the range test of ``net`` (not changed) on ``dataset``'s training split."""
    data = training_data(dataset, config)
    return find_learning_rate(net, data.X, data.y, config)


class LearningRateFinder(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog = None  # the last result's dialog (tests read it)
        self.task = BackgroundTask("the learning-rate range test", self)
        self.task.sig_done.connect(self._show)
        self.task.sig_failed.connect(self._failed)

    @Slot(object)
    def run(self, config) -> bool:
        """Start the range test with ``config`` (a TrainingConfig from the form)."""
        w = self.window
        dataset = w.state.dataset
        if w.controller.running or w.sweeps.running:
            logger.warning("the learning-rate finder waits for training or the sweep to end")
            return False
        if dataset is None or not dataset.n_train:
            logger.error("the learning-rate finder needs a dataset with a training set")
            return False
        net = w.state.network
        if net is None:
            architecture = w.training_panel.network_form.architecture()
            net = build_network(architecture, seed=architecture.get("seed", 0))
        problem = fit_problem(net, len(dataset.class_names))
        if problem:
            logger.error("cannot range-test on %s: %s", dataset.name, problem)
            return False
        net = net.copy()
        logger.info("learning-rate range test: %s on %s, a few seconds…", config.optimizer, dataset.name)
        self.task.submit(lambda: range_test(net, dataset, config))
        return True

    @Slot(object)
    def _show(self, test):
        logger.info("%s", test.message, extra={"success": True})
        self.dialog = LearningRateDialog(test, self.window)
        self.dialog.sig_rate_chosen.connect(self.window.training_panel.use_learning_rate)
        self.dialog.show()

    @Slot(str)
    def _failed(self, line):
        logger.error("%s", line)
