"""Where each neuron of the network drawing sits, and the numbers shown about it.

Kept free of Qt items so that hit-testing is arithmetic (no search through
thousands of items) and the maths can be tested without a scene. Layers are
numbered as drawn: 0 is the input, 1 the first hidden layer, N-1 the output;
layer l >= 1 is fed by ``net.weights[l - 1]``.
"""

from dataclasses import dataclass, replace

import numpy as np

from mnistbench.engine.activations import ACTIVATIONS

COMPACT_ABOVE = 64  # wider layers are drawn as a grid of small squares in one pixmap
IMAGE_SIDE = 28  # a 784-wide input is drawn as its 28x28 pixels
INPUT_CELL = 8.0  # scene units per input pixel
CELL = 14.0  # scene units per neuron in a compact layer
CELL_COLUMNS = 16  # neurons per row in a compact layer
COLUMN_GAP = 140.0  # room between columns for the connections
TALLEST_CIRCLES = 600.0  # a column of circles aims at this height
OUTPUT_SPACING = 48.0  # an output column's largest spacing: room for its labels to grow at Fit


@dataclass(frozen=True)
class LayerGeometry:
    """One column of the drawing: either circles stacked vertically or a grid of cells."""

    layer: int
    n: int
    x: float  # left edge
    y: float  # top edge
    compact: bool
    columns: int = 1  # cells per row (compact)
    cell: float = CELL  # cell size (compact)
    spacing: float = 0.0  # centre-to-centre distance (circles)
    radius: float = 0.0  # circle radius

    @property
    def rows(self):
        return -(-self.n // self.columns) if self.compact else self.n

    @property
    def width(self):
        return self.columns * self.cell if self.compact else 2 * self.radius

    @property
    def height(self):
        return self.rows * self.cell if self.compact else self.n * self.spacing

    def centre(self, j):
        """Scene (x, y) of neuron j's centre."""
        if self.compact:
            row, col = divmod(j, self.columns)
            return self.x + (col + 0.5) * self.cell, self.y + (row + 0.5) * self.cell
        return self.x + self.radius, self.y + (j + 0.5) * self.spacing

    def rect(self, j):
        """(x, y, w, h) of neuron j's square or circle."""
        cx, cy = self.centre(j)
        half = self.cell / 2 if self.compact else self.radius
        return cx - half, cy - half, 2 * half, 2 * half

    def index_at(self, px, py):
        """The neuron under a scene point, or -1."""
        if not (self.x <= px < self.x + self.width and self.y <= py < self.y + self.height):
            return -1
        if self.compact:
            j = int((py - self.y) // self.cell) * self.columns + int((px - self.x) // self.cell)
            return j if j < self.n else -1
        j = int((py - self.y) // self.spacing)
        cx, cy = self.centre(j)
        return j if (px - cx) ** 2 + (py - cy) ** 2 <= (self.radius + 1.5) ** 2 else -1


def column(layer, n, x, output=False):
    """The geometry of one layer's column with its left edge at x, centred on y = 0."""
    if layer == 0 and n == IMAGE_SIDE * IMAGE_SIDE:
        geom = LayerGeometry(layer, n, x, 0.0, True, IMAGE_SIDE, INPUT_CELL)
    elif n > COMPACT_ABOVE:
        geom = LayerGeometry(layer, n, x, 0.0, True, min(CELL_COLUMNS, n), CELL)
    else:
        spacing = float(np.clip(TALLEST_CIRCLES / n, 10.0, OUTPUT_SPACING if output else 34.0))
        radius = round((0.42 if spacing < 18 else 0.36) * spacing, 1)
        geom = LayerGeometry(layer, n, x, 0.0, False, spacing=spacing, radius=radius)
    return replace(geom, y=-geom.height / 2)


def layout(layer_sizes):
    """One column per layer, left to right."""
    columns, x = [], 0.0
    for layer, n in enumerate(layer_sizes):
        geom = column(layer, n, x, output=layer == len(layer_sizes) - 1)
        columns.append(geom)
        x += geom.width + COLUMN_GAP
    return columns


def activation_range(values, name):
    """The (low, high) of a layer's colour scale: fixed for bounded activations, per input otherwise."""
    if name in ("input",) or ACTIVATIONS[name].bounded:
        return 0.0, 1.0
    if name == "tanh":
        return -1.0, 1.0
    low = min(0.0, float(values.min()))
    return low, max(float(values.max()), low + 1e-6)


def levels(values, low, high):
    """Activations -> [0, 1] grey levels (black none, white full)."""
    return np.clip((values - low) / (high - low), 0.0, 1.0)


def neuron_name(layer, j, n_layers, class_names=None):
    """How a neuron is called in titles and tooltips."""
    if layer == 0:
        return f"input pixel {j} (row {j // IMAGE_SIDE}, col {j % IMAGE_SIDE})"
    if layer == n_layers - 1:
        label = class_names[j] if class_names and j < len(class_names) else str(j)
        return f"output {j} ({label})"
    return f"hidden layer {layer}, neuron {j}"


def source_name(layer, j, n_in):
    """Short name of an incoming connection's source (neuron j of layer `layer`)."""
    if layer == 0 and n_in == IMAGE_SIDE * IMAGE_SIDE:
        return f"pixel ({j // IMAGE_SIDE}, {j % IMAGE_SIDE})"
    return f"input {j}" if layer == 0 else f"h{layer} #{j}"  # h2 #7: neuron 7 of hidden layer 2


def strongest(weights, count):
    """Indices of the `count` largest |weights|, strongest first."""
    count = min(count, len(weights))
    top = np.argpartition(-np.abs(weights), count - 1)[:count]
    return top[np.argsort(-np.abs(weights[top]), kind="stable")]


@dataclass(frozen=True)
class NeuronFacts:
    """The numbers about one neuron for the current network and input."""

    layer: int
    index: int
    name: str
    activation_name: str
    bias: float
    z: float  # weighted input
    activation: float
    strongest: tuple  # ((source index, weight), ...), strongest |weight| (or |weight × mean input|) first
    weight_count: int
    ranked_by_effect: bool = False  # strongest ranks |weight × the dataset's mean input|


def neuron_facts(net, zs, activations, layer, j, top=10, class_names=None, input_mean=None):
    """Facts about neuron j of layer >= 1, from a forward_with_z of one input.

    With ``input_mean`` (the dataset's mean input, first layer only) the strongest weights are those
    with the largest |weight × mean input|: a border pixel that every image leaves at zero has no
    effect, however large its weight.
    """
    W = net.weights[layer - 1][j]
    picks = strongest(W if input_mean is None else W * input_mean, top)
    return NeuronFacts(layer, j, neuron_name(layer, j, len(net.layer_sizes), class_names),
                       net.activations[layer - 1], float(net.biases[layer - 1][j]),
                       float(zs[layer - 1][0, j]), float(activations[layer][0, j]),
                       tuple((int(i), float(W[i])) for i in picks), len(W), input_mean is not None)
