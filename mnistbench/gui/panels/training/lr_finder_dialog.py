"""The learning-rate range test's result: loss against a rising rate on a log axis, and a proposed rate.

The test itself (``workflows.lr_finder.find_learning_rate``) runs off the GUI
thread; this dialog only shows its ``LearningRateTest`` and, on "Use", hands
the proposed rate to the training form (``sig_rate_chosen``).
"""

import math

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from mnistbench.gui.widgets.palette import NEUTRAL


class LearningRateDialog(QDialog):
    sig_rate_chosen = Signal(float)  # the proposed learning rate, to put in the form

    def __init__(self, test, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Learning-rate finder")
        self.test = test
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", "learning rate (log scale)")
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)  # ticks are rates: "1" read 0.001 under "(x0.001)"
        self.plot.setLabel("left", "training loss")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.addLegend(offset=(-10, 10))
        self.plot.plot(test.rates, test.losses, pen=pg.mkPen(NEUTRAL.faint_curve), name="batch loss")
        self.plot.plot(test.rates, test.smoothed, pen=pg.mkPen(NEUTRAL.curve, width=2), name="smoothed")
        self.proposal = pg.InfiniteLine(pos=math.log10(test.proposed), angle=90,  # log mode: x is log10
                                        pen=pg.mkPen(NEUTRAL.marker, width=2, style=pg.QtCore.Qt.DashLine),
                                        label=f"proposed {test.proposed:g}",
                                        labelOpts={"position": 0.9, "color": NEUTRAL.marker})
        self.plot.addItem(self.proposal)
        message = QLabel(test.message, wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, rejected=self.reject)
        self.use_button = buttons.addButton(f"Use {test.proposed:g}", QDialogButtonBox.AcceptRole)
        self.use_button.setToolTip("Put the proposed rate in the training settings")
        self.use_button.clicked.connect(self.use_rate)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(message)
        layout.addWidget(buttons)
        self.resize(640, 460)

    def use_rate(self) -> None:
        self.sig_rate_chosen.emit(float(self.test.proposed))
        self.accept()
