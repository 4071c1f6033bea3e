"""Weight initialisations, all drawn from one seeded generator.

Weights are (n_out, n_in); every scheme scales by the fan-in so a neuron's
weighted input starts with a variance that does not grow with layer width.
"""

import numpy as np


def classic(rng, n_in, n_out):
    """Nielsen's network2 default: W ~ N(0, 1/n_in), b ~ N(0, 1)."""
    W = rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
    return W, rng.standard_normal(n_out)


def xavier(rng, n_in, n_out):
    """Glorot & Bengio 2010: W ~ U(±sqrt(6 / (n_in + n_out))), suits sigmoid/tanh."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, (n_out, n_in)), np.zeros(n_out)


def he(rng, n_in, n_out):
    """He et al. 2015: W ~ N(0, 2/n_in), suits ReLU."""
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in), np.zeros(n_out)


INITIALIZERS = {"classic": classic, "xavier": xavier, "he": he}
