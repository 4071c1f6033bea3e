"""What the imagine panel computes, Qt-free: on the GUI thread for a small network, in a pool thread
(gui/jobs/background_task.py) for a large one, where 100 steps of gradient ascent take seconds."""

import time
from dataclasses import dataclass

import numpy as np

from mnistbench.engine.introspect import back_project, back_query, imagine, saliency
from mnistbench.workflows.evaluation import as_network_reads


@dataclass(frozen=True)
class Imagined:
    """One recompute's pictures (float32 (784,) each) and how long the ascent took."""

    ascent: np.ndarray
    back_projection: np.ndarray  # the original tools' formula
    back_query: np.ndarray  # inverse activations
    seconds: float
    steps: int
    fell_back: bool  # started from blank because there was no mean digit


def imagine_both(net, digit, start, steps, mean, fell_back):
    """Gradient ascent, back-projection and back-query of ``digit`` (``mean``: float32 (784,) or None)."""
    began = time.perf_counter()
    ascent = imagine(net, digit, start=start, steps=steps, mean_image=mean)
    seconds = time.perf_counter() - began
    return Imagined(ascent, back_project(net, digit), back_query(net, digit), seconds, steps, fell_back)


def saliency_of(net, x, true_label, method):
    """``x`` as the network reads it (black and white if it trained so), its prediction and saliency map."""
    x = as_network_reads(net, x[None])[0]
    predicted = int(net.predict(x[None])[0])
    return x, true_label, predicted, saliency(net, x, predicted, method=method)
