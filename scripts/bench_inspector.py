"""How long the network inspector takes for one new input (issue 4: target under 10 ms).

For each architecture it builds the real InspectorPanel offscreen, selects a
neuron of the last hidden layer (so its connections and numbers are live),
then times many calls of
  - forward:       net.forward_with_z alone (the engine's share),
  - set_input:     forward + recolouring the scene and the side view,
  - set_input+paint: the same plus a synchronous repaint of the view (a full frame),
  - set_network:   a new epoch's copy of the same architecture (recolour, no rebuild),
  - set_network+maps: the same with the weight-map gallery shown and repainted.
Prints milliseconds per call (mean and 95th percentile).

    QT_QPA_PLATFORM=offscreen python scripts/bench_inspector.py [--calls 300]
"""

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.gui.panels.inspector.inspector_panel import InspectorPanel  # noqa: E402

ARCHITECTURES = ([784, 256, 128, 10], [784, 512, 512, 10], [784, 30, 10])
TARGET_MS = 10.0


def digit_like_inputs(count, seed=0):
    """float32 (count, 784): sparse bright strokes, like digits (content does not change the cost)."""
    rng = np.random.default_rng(seed)
    x = rng.random((count, 784), dtype=np.float32)
    return np.where(x > 0.8, x, 0).astype(np.float32)


def timed(function, calls):
    """Milliseconds per call: (mean, 95th percentile), after a few warm-up calls."""
    for i in range(5):
        function(i)
    times = []
    for i in range(calls):
        start = time.perf_counter()
        function(i)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.mean(times)), float(np.percentile(times, 95))


def bench(sizes, calls, app):
    net = Network(sizes, activation="relu", loss="cross_entropy", init="he", seed=0)
    panel = InspectorPanel()
    panel.resize(1200, 700)
    panel.show()
    panel.set_network(net)
    panel.select_neuron(len(sizes) - 2, 3)
    app.processEvents()
    inputs = digit_like_inputs(64)
    copies = [net.copy() for _ in range(4)]
    for copy in copies:
        copy.weights[0] += np.float32(0.01)

    def paint(i):
        panel.set_input(inputs[i % 64], i % 10)
        panel.view.viewport().repaint()

    def gallery(i):
        panel.set_network(copies[i % 4])
        panel.gallery.repaint()

    rows = {
        "forward": timed(lambda i: net.forward_with_z(inputs[i % 64][None]), calls),
        "set_input": timed(lambda i: panel.set_input(inputs[i % 64], i % 10), calls),
        "set_input+paint": timed(paint, calls),
        "set_network": timed(lambda i: panel.set_network(copies[i % 4]), max(calls // 5, 20)),
    }
    panel.tabs.setCurrentWidget(panel.gallery)
    rows["set_network+maps"] = timed(gallery, max(calls // 5, 20))
    rebuilt = panel.scene.build_count
    panel.close()
    return rows, rebuilt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="timed calls per measurement")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"inspector responsiveness, {args.calls} calls each, Qt platform {app.platformName()}, "
          f"target set_input < {TARGET_MS:g} ms")
    for sizes in ARCHITECTURES:
        rows, builds = bench(sizes, args.calls, app)
        name = "-".join(map(str, sizes))
        for what, (mean, p95) in rows.items():
            flag = "" if what not in ("set_input", "set_input+paint") else \
                ("  ok" if mean < TARGET_MS else "  OVER TARGET")
            print(f"{name:>16}  {what:<16} mean {mean:6.2f} ms   p95 {p95:6.2f} ms{flag}")
        print(f"{name:>16}  scene builds: {builds} (1 = set_network with the same architecture never rebuilt)")


if __name__ == "__main__":
    main()
