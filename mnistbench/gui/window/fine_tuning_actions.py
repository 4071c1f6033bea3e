"""Fine-tuning on the user's digits from the window: ask first, train, then both figures before → after.

The training itself is an ordinary run of ``TrainingActions.start`` on the
dataset ``workflows.fine_tuning`` mixes (the user's digits and a replay of the
training half); this helper only asks, measures before, and reports after.
"""

import logging

from PySide6.QtWidgets import QMessageBox

from mnistbench.errors import ConfigError
from mnistbench.workflows.fine_tuning import (accuracy_on_test_half, fine_tuning_config, fine_tuning_dataset,
                                              fine_tuning_plan, fine_tuning_summary, held_out_accuracy)

logger = logging.getLogger(__name__)


class FineTuningActions:
    def __init__(self, window, training):
        self.window, self.state, self.training = window, window.state, training
        self.pending = None  # (images, labels, test accuracy before, own held-out accuracy before) while it runs
        self.summary = ""  # the last fine-tuning's before → after line

    def fine_tune(self, images, labels) -> bool:
        """Ask (how many digits, what is mixed in), then start; False when not started."""
        try:
            config = self.window.training_panel.training_form.config()
        except ConfigError as error:
            logger.error("%s", error)
            return False
        dataset, net = self.state.dataset, self.state.network
        plan = fine_tuning_plan(labels, dataset, config)
        answer = self.window.ask("Fine-tune on your digits", plan.question(),
                                 QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
        if answer != QMessageBox.Yes:
            logger.info("not fine-tuned: the network is unchanged")
            return False
        if not self.training.start(fine_tuning_config(config), fine_tuning_dataset(images, labels, dataset)):
            return False
        self.pending = (images, labels, accuracy_on_test_half(net, dataset), held_out_accuracy(net, images, labels))
        held = (f"{plan.held_out} held out to judge it" if plan.held_out else
                "keep 5 or more to hold some out and judge it on digits it did not train on")
        logger.info("fine-tuning on %d of your %d digits with %s replayed training images; %s",
                    plan.trained, plan.digits, f"{plan.replay:,}", held)
        return True

    def finished(self, evaluation) -> None:
        """A run ended; if it was fine-tuning, log and show both figures, before → after."""
        if self.pending is None:
            return
        images, labels, test_before, own_before = self.pending
        self.pending = None
        self.summary = fine_tuning_summary(
            test_before, evaluation.accuracy if evaluation is not None else None, own_before,
            held_out_accuracy(self.training.controller.network, images, labels))
        logger.info("%s", self.summary, extra={"success": True})
        self.window.status.showMessage(self.summary, 30000)
