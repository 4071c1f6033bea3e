"""When has training diverged? A batch that went non-finite, a loss that exploded, or outputs
that are no longer numbers.

Weights can stay finite while exploding (|w| ~ 1e18, every output NaN), so a
check of the weights alone keeps a network that predicts nothing; the guard
also looks at the loss and at the outputs on a few probe examples. The loop
asks ``diverging`` after every batch (two comparisons) and ``healthy`` at the
end of every epoch (one small forward pass), and puts back the epoch's starting
weights when either says so.
"""

import math

import numpy as np

LOSS_GROWTH_LIMIT = 1e3  # a batch loss this many times the run's first one (or 1) counts as exploding
PROBE_SIZE = 256  # training examples whose outputs must stay finite at the end of every epoch


class DivergenceGuard:
    """The run's loss limit and probe examples; ``healthy`` judges the network's current state."""

    def __init__(self, net, X, y):
        self.net, self.probe = net, (X[:PROBE_SIZE], y[:PROBE_SIZE])
        self.loss_limit = math.inf  # set by the run's first batch

    def diverging(self, loss, output):
        """True when a batch went non-finite (``output`` None) or its loss exploded past the limit."""
        if output is None or loss > self.loss_limit:
            return True
        if self.loss_limit == math.inf:
            self.loss_limit = LOSS_GROWTH_LIMIT * max(loss, 1.0)
        return False

    def healthy(self, loss=0.0):
        """Finite weights and ``loss``; on the probe examples, finite outputs and a loss within the limit."""
        net = self.net
        if not (math.isfinite(loss) and all(np.isfinite(p).all() for p in net.weights + net.biases)):
            return False
        with np.errstate(over="ignore", invalid="ignore"):
            if not np.isfinite(net.forward(self.probe[0])).all():
                return False
            probe_loss = net.loss_value(*self.probe)
        return math.isfinite(probe_loss) and probe_loss <= self.loss_limit
