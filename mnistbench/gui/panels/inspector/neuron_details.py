"""The inspector's side view: the numbers of the selected neuron.

Layer, index, bias, weighted input z, activation, and a table of its
strongest incoming weights (the palette's positive and negative); for a first-layer
neuron also its 28x28 weight map. Exact values sit in each cell's UserRole
so tests and copy-paste see the real numbers, not the rounded text.
"""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.network_layout import IMAGE_SIDE, source_name
from mnistbench.gui.panels.inspector.weight_maps import diverging_rgb, rgb_image

MAP_SIZE = 112  # pixels of the 28x28 weight-map preview


CLICK_HINT = "Click a neuron (or a weight map) for its numbers."  # short: two lines in a narrow side


class NeuronDetails(QWidget):
    """Shows one neuron's numbers; empty until a neuron is selected."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel(CLICK_HINT)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form = self._form()
        self.weight_map = QLabel()
        self.weight_map.setToolTip("This neuron's 784 weights as an image: what it looks for "
                                   "(View → Colours → Explain the colours says which colour is +).")
        self.weight_map.setFixedSize(MAP_SIZE, MAP_SIZE)
        self.weight_map.hide()
        self.table = self._table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.weight_map, 0, Qt.AlignHCenter)
        self.table_title = QLabel("Strongest incoming weights", wordWrap=True)
        layout.addWidget(self.table_title)
        layout.addWidget(self.table, 1)

    def resizeEvent(self, event):
        """Wrapped labels keep the height their lines need, so a short dock scrolls instead of
        squeezing the rows into each other (the splitter and tabs above do not pass heights for widths)."""
        super().resizeEvent(event)
        for label in (self.title, *self.values.values(), self.table_title):
            label.setMinimumHeight(label.heightForWidth(max(1, label.width())))

    def _form(self):
        """Bias, z, activation and the incoming range, each with a tooltip."""
        self.values = {key: QLabel("—") for key in ("bias", "z", "activation", "incoming")}
        tips = {"bias": "Added to the weighted sum; also the colour of the neuron's border.",
                "z": "Weighted input z = w · a_previous + bias, for the current input.",
                "activation": "f(z): what this neuron passes on (its fill colour).",
                "incoming": "How many weights feed this neuron, and their range."}
        form = QFormLayout()
        for key, text in (("bias", "Bias"), ("z", "Weighted input z"), ("activation", "Activation"),
                          ("incoming", "Incoming")):
            self.values[key].setToolTip(tips[key])
            self.values[key].setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.values[key].setWordWrap(True)
            form.addRow(text, self.values[key])
        return form

    def _table(self):
        """The strongest incoming weights, read-only."""
        table = QTableWidget(0, 2)
        table.setHorizontalHeaderLabels(["from", "weight"])
        table.setToolTip("The strongest incoming weights, largest |weight| first "
                         "(h2 #7 is neuron 7 of hidden layer 2).")
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.verticalHeader().hide()
        table.setMinimumHeight(48)  # its header and a row: a short dock keeps the rows above readable
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        return table

    def clear(self):
        self.title.setText(CLICK_HINT)
        for label in self.values.values():
            label.setText("—")
        self.weight_map.hide()
        self.table.setRowCount(0)

    def show_facts(self, facts, weights, n_in):
        """Fill in a neuron's facts (network_layout.NeuronFacts) and its incoming weights row."""
        self.title.setText(f"<b>{facts.name}</b> · {facts.activation_name} · layer {facts.layer}, "
                           f"index {facts.index}")
        self.update_values(facts)
        self.values["incoming"].setText(f"{facts.weight_count} weights, "
                                        f"{float(np.min(weights)):+.3g} … {float(np.max(weights)):+.3g}")
        if facts.layer == 1 and n_in == IMAGE_SIDE * IMAGE_SIDE:
            image = rgb_image(diverging_rgb(np.asarray(weights).reshape(IMAGE_SIDE, IMAGE_SIDE)))
            self.weight_map.setPixmap(QPixmap.fromImage(image).scaled(MAP_SIZE, MAP_SIZE))
            self.weight_map.show()
        else:
            self.weight_map.hide()
        self._fill_table(facts, n_in)

    def update_values(self, facts):
        """The numbers that change with the input (cheap: called on every new input)."""
        for key, value, text in (("bias", facts.bias, f"{facts.bias:+.4g}"),
                                 ("z", facts.z, f"{facts.z:+.4g}"),
                                 ("activation", facts.activation, f"{facts.activation:.4g}")):
            self.values[key].setText(text)
            self.values[key].setProperty("value", value)

    def _fill_table(self, facts, n_in):
        self.table_title.setText("Incoming weights with the most effect: |weight × the dataset's mean "
                                 "pixel| (pixels no image inks are left out)" if facts.ranked_by_effect
                                 else "Strongest incoming weights (largest |weight|)")
        colours = palette.current()
        positive, negative = QColor(*colours.positive).darker(150), QColor(*colours.negative).darker(150)
        self.table.setRowCount(len(facts.strongest))
        for row, (source, weight) in enumerate(facts.strongest):
            name = QTableWidgetItem(source_name(facts.layer - 1, source, n_in))
            name.setData(Qt.UserRole, source)
            value = QTableWidgetItem(f"{weight:+.4g}")
            value.setData(Qt.UserRole, weight)
            value.setForeground(positive if weight >= 0 else negative)  # darker: read on a light table
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, value)
