"""Whether a network fits the image panels: 28×28 images in, one output per class.

A network file may hold any shape (100-10, 784-5, 4-3-2 …). The panels that
feed it images or read its outputs as digits ask here first and, when it does
not fit, show this one line in their own place instead of raising.
"""

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
DIGITS = 10


def _plural(count, word):
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def input_problem(net):
    """None when ``net`` reads 28×28 images, else one line saying what it reads instead."""
    n_in = net.layer_sizes[0]
    if n_in == IMAGE_PIXELS:
        return None
    return f"This network reads {_plural(n_in, 'input')}, not 28×28 images ({IMAGE_PIXELS})."


def output_problem(net, n_classes=DIGITS):
    """None when ``net`` gives one output per class, else one line saying what it gives."""
    n_out = net.layer_sizes[-1]
    if n_out == n_classes:
        return None
    return f"This network gives {_plural(n_out, 'output')}, not one per class ({n_classes})."


def fit_problem(net, n_classes=DIGITS):
    """The first reason ``net`` cannot read images as classes, or None when it can (or there is none)."""
    if net is None:
        return None
    return input_problem(net) or output_problem(net, n_classes)
