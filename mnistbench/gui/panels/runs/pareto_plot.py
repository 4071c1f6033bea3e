"""Held-out accuracy against training time and against parameters, the Pareto front marked.

A point on the front is a run no other run beats: none is as accurate for
less time (or fewer parameters). The front is ``workflows.sweep.pareto_front``;
this module only draws it.
"""

import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout

from mnistbench.gui.widgets.palette import NEUTRAL
from mnistbench.workflows.sweep import pareto_front

COSTS = (("seconds", "training time (s)", lambda row: row.seconds),
         ("parameters", "parameters (log scale)", lambda row: row.parameters or None))


def scatter_points(rows, cost):
    """((xs, ys) of every run with an accuracy, (xs, ys) of the front sorted by cost)."""
    usable = [row for row in rows if row.held_out_accuracy is not None and cost(row) is not None]
    front = sorted(pareto_front(usable, cost), key=cost)
    return (([cost(row) for row in usable], [100 * row.held_out_accuracy for row in usable]),
            ([cost(row) for row in front], [100 * row.held_out_accuracy for row in front]))


class ParetoDialog(QDialog):
    """Two scatters of ``rows`` (RunRow): accuracy vs time, accuracy vs parameters."""

    def __init__(self, rows, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Accuracy against cost")
        self.plots, self.fronts = {}, {}
        plots = QHBoxLayout()
        for key, name, cost in COSTS:
            plot = pg.PlotWidget(background="w")
            plot.setLabel("left", "held-out accuracy", units="%")
            plot.setLabel("bottom", name)
            plot.getAxis("bottom").enableAutoSIPrefix(False)  # plain numbers, no "x1e+27"
            plot.showGrid(x=True, y=True, alpha=0.3)
            if key == "parameters":
                plot.setLogMode(x=True, y=False)
            everything, front = scatter_points(rows, cost)
            # a PlotDataItem, not a ScatterPlotItem: only it follows the log x axis (a ScatterPlotItem
            # put 50,890 parameters at 10^50890, and the axis spanned 10^-200 to 10^200)
            plot.plot(*everything, pen=None, symbol="o", symbolSize=8, symbolPen=None,
                      symbolBrush=pg.mkBrush(*NEUTRAL.scatter, 160), name="runs")
            plot.plot(*front, pen=pg.mkPen(NEUTRAL.marker, width=2), symbol="o", symbolSize=10,
                      symbolBrush=NEUTRAL.marker, name="Pareto front")
            self.plots[key], self.fronts[key] = plot, front
            plots.addWidget(plot)
        counted = sum(1 for row in rows if row.held_out_accuracy is not None)
        note = QLabel(f"{counted} run(s) with a held-out accuracy. Red: the Pareto front — no other finished run "
                      f"is as accurate for less time (left) or fewer parameters (right).", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(plots)
        layout.addWidget(QDialogButtonBox(QDialogButtonBox.Close, rejected=self.reject))
        self.resize(1000, 480)
