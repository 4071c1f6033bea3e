"""The confusion matrix follows the time machine: a moment's verdicts on the test set, the network's at "now".

Qt-free glue the window holds: ``show(net)`` is connected to the state's
``snapshot`` event and ``remember(evaluation)`` to every evaluation of the
network itself, so going back to "now" shows the figures it showed before.
"""

from mnistbench.workflows.evaluation import evaluate_test_set


class SnapshotEvaluations:
    """Evaluates the moment shown (on the GUI thread: one pass over the test set) and hands it to ``present``."""

    def __init__(self, state, present):
        self.state, self.present = state, present  # present(Evaluation): the confusion panel's show_evaluation
        self.latest = None  # the last Evaluation of the network itself (not of a snapshot)
        self.last_shown = (None, None)  # (snapshot network, its Evaluation): a repeat costs nothing

    def remember(self, evaluation) -> None:
        """The network itself was judged (connected after the panel's own slot, so this runs last)."""
        self.latest = evaluation
        if self.state.snapshot is not None:  # the panel keeps showing the moment being looked at
            self.show(self.state.snapshot)

    def forget(self) -> None:
        """Another network or another run: the saved figures no longer apply."""
        self.latest, self.last_shown = None, (None, None)

    def show(self, net) -> None:
        """``net``: the snapshot shown, or None when back at "now"."""
        if net is None:
            if self.latest is not None:
                self.present(self.latest)
            return
        dataset = self.state.dataset
        if dataset is None or not dataset.n_test or net.layer_sizes[-1] != len(dataset.class_names) \
                or net.layer_sizes[0] != dataset.test_images[0].size:
            return  # the panel keeps what it showed; nothing to judge this moment on
        if self.last_shown[0] is not net:
            self.last_shown = (net, evaluate_test_set(net, dataset))
        self.present(self.last_shown[1])
