"""What the curves panel keeps and writes: growable sample buffers, CSV and SVG output.

Kept apart from the panel so the panel module is only widgets and drawing.
"""

import csv
import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator


class Series:
    """(x, y) samples in arrays that double when full: appends are amortised O(1)."""

    def __init__(self, capacity=1024):
        self._data = np.empty((capacity, 2))
        self.size = 0

    def append(self, x, y):
        self.extend([x], [y])

    def extend(self, xs, ys):
        """Append the samples (xs[i], ys[i]) in order."""
        end = self.size + len(xs)
        if end > len(self._data):
            grown = np.empty((max(end, 2 * len(self._data)), 2))
            grown[:self.size] = self._data[:self.size]
            self._data = grown
        self._data[self.size:end, 0] = xs
        self._data[self.size:end, 1] = ys
        self.size = end

    def clear(self):
        self.size = 0

    @property
    def x(self):
        return self._data[:self.size, 0]

    @property
    def y(self):
        return self._data[:self.size, 1]

    def copy(self):
        other = Series(max(self.size, 16))
        other._data[:self.size] = self._data[:self.size]
        other.size = self.size
        return other


def for_log_axis(y, floor):
    """Values a log axis can draw: non-finite become gaps, the rest at least ``floor``."""
    return np.where(np.isfinite(y), np.maximum(y, floor), np.nan)


def log_bounds(arrays):
    """(lowest, highest) finite positive value of all ``arrays`` in decades, or None if there is none."""
    lows, highs = [], []
    for values in arrays:
        values = values[np.isfinite(values) & (values > 0)]
        if values.size:
            lows.append(values.min())
            highs.append(values.max())
    return (float(np.log10(min(lows))), float(np.log10(max(highs)))) if lows else None


def padded_log_range(bounds, margin=0.08, headroom=0.4, step=0.1):
    """A y range (decades) around ``bounds`` with room below for curves that keep falling.

    Losses and errors fall during training: ``headroom`` decades below the
    lowest point mean the range has to widen, and the axis repaint its ticks,
    only every few tenths of a decade of progress; snapped to ``step``.
    """
    low, high = bounds
    pad = max(margin * (high - low), step / 2)
    return (math.floor((low - max(pad, headroom)) / step) * step,
            math.ceil((high + pad) / step) * step)


def grown_end(start, end, last_x):
    """The end of an x range from ``start`` that doubles its span until ``last_x`` fits."""
    end = max(end, start + 1.0)
    while last_x > end:
        end = start + 2 * (end - start)
    return end


def write_curves_csv(path, runs, columns):
    """``runs``: [(run name, {series name: Series})]; one row per run and x position.

    A batch and the evaluation made right after it share an x, hence a row;
    values are the raw ones, not clipped for the log axis.
    """
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns, restval="")
        writer.writeheader()
        for run, buffers in runs:
            rows = {}
            for name, series in buffers.items():
                for x, y in zip(series.x.tolist(), series.y.tolist()):
                    rows.setdefault(x, {"epoch_position": f"{x:.6g}", "run": run})[name] = f"{y:.6g}"
            writer.writerows(rows[x] for x in sorted(rows))


def write_view_svg(view, path, title):
    """Paint what a QGraphicsView shows into an SVG file through Qt's own generator.

    pyqtgraph 0.14's SVGExporter fails on the closed paths ("… Z") that Qt
    6.10+ writes (pyqtgraph issue #3485), so the scene paints itself instead.
    """
    source = view.mapToScene(view.viewport().rect()).boundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(source.size().toSize())
    generator.setViewBox(target)
    generator.setTitle(title)
    generator.setResolution(view.logicalDpiX())  # scene pixels are the widget's pixels
    painter = QPainter(generator)
    try:
        painter.fillRect(target, Qt.white)
        view.scene().render(painter, target, source)
    finally:
        painter.end()
    if not Path(path).is_file():
        raise OSError(f"could not write {path}")
