"""What the curves panel keeps and writes: growable sample buffers, each batch's own error,
TensorBoard's smoothing, CSV output.

Kept apart from the panel so the panel module is only widgets and drawing.
"""

import csv
import math

import numpy as np


class Series:
    """Samples at three x positions (epochs, examples seen, seconds) and a y, in arrays that double
    when full: appends are amortised O(1)."""

    AXIS_COLUMNS = {"epoch": 0, "examples": 1, "seconds": 2}

    def __init__(self, capacity=1024, per_epoch=False):
        self._data = np.empty((capacity, 4))
        self.size = 0
        self.per_epoch = per_epoch  # epoch averages (a file's history): already smooth, never smoothed again

    def append(self, position, y):
        self.extend([position], [y])

    def extend(self, positions, ys):
        """Append the samples (positions[i], ys[i]) in order; a position is (epochs, examples, seconds)."""
        end = self.size + len(ys)
        if end > len(self._data):
            grown = np.empty((max(end, 2 * len(self._data)), 4))
            grown[:self.size] = self._data[:self.size]
            self._data = grown
        self._data[self.size:end, :3] = positions
        self._data[self.size:end, 3] = ys
        self.size = end

    def clear(self):
        self.size = 0

    @property
    def x(self):
        """Positions in epochs."""
        return self._data[:self.size, 0]

    def x_on(self, axis):
        """Positions on an axis of AXIS_COLUMNS."""
        return self._data[:self.size, self.AXIS_COLUMNS[axis]]

    @property
    def y(self):
        return self._data[:self.size, 3]

    def points(self):
        """Rows of (epochs, examples seen, seconds, y)."""
        return self._data[:self.size]

    def copy(self):
        other = Series(max(self.size, 16))
        other._data[:self.size] = self._data[:self.size]
        other.size = self.size
        return other


class Values:
    """x and y arrays where a Series is expected (a smoothed curve, for the view ranges)."""

    def __init__(self, x, y):
        self.x, self.y, self.size = x, y, len(y)


class BatchErrors:
    """Each batch's own error, from the engine's running accuracy (over the epoch so far).

    The running value restarts with every epoch: its first batch alone often
    scores 100 %, which a log axis drew as a spike to its floor each epoch.
    """

    def __init__(self):
        self.restart()

    def restart(self):
        """A new run: the engine counts samples from 0 again."""
        self._epoch_start, self._last_seen, self._seen, self._correct = 0, 0, 0, 0.0

    def error_of(self, report) -> float:
        """``report``: a BatchReport, in order; its batch's error in [0, 1]."""
        if report.batch == 1:
            self._epoch_start, self._seen, self._correct = self._last_seen, 0, 0.0
        seen = report.samples_seen - self._epoch_start
        correct = report.accuracy * seen
        batch_size = seen - self._seen
        error = 1.0 - (correct - self._correct) / batch_size if batch_size > 0 else 1.0 - report.accuracy
        self._last_seen, self._seen, self._correct = report.samples_seen, seen, correct
        return min(1.0, max(0.0, error))


class Smoothed:
    """TensorBoard's smoothing of a Series: a debiased exponential moving average of its finite values.

    ``weight`` 0 is no smoothing, 0.999 the most. Extended as the series grows:
    a redraw costs only the new points (vectorised), a new weight one pass.
    """

    def __init__(self):
        self.values, self.weight = np.empty(0), None
        self._state = (0.0, 0)  # biased average, finite values averaged

    def of(self, series, weight) -> np.ndarray:
        if weight != self.weight or series.size < len(self.values):
            self.values, self.weight, self._state = np.empty(0), weight, (0.0, 0)
        new = series.y[len(self.values):]
        if new.size:
            smoothed, self._state = _ema(new, weight, self._state)
            self.values = np.concatenate([self.values, smoothed])
        return self.values


def _ema(values, weight, state):
    """(debiased EMA of ``values``, new state); non-finite values are gaps that do not count."""
    out = np.full(len(values), np.nan)
    finite = np.flatnonzero(np.isfinite(values))
    average, count = state
    if weight <= 0:
        out[finite] = values[finite]
        return out, (float(values[finite[-1]]) if finite.size else average, count + finite.size)
    step = max(1, int(300 / -math.log(weight)))  # weight ** -step stays below 1e130
    for start in range(0, finite.size, step):
        index = finite[start:start + step]
        powers = weight ** np.arange(1, index.size + 1)
        biased = powers * average + (1 - weight) * powers * np.cumsum(values[index] / powers)
        out[index] = biased / (1 - weight ** (count + np.arange(1, index.size + 1)))
        average, count = float(biased[-1]), count + index.size
    return out, (average, count)


def clip_polyline(x, y, x_range, y_range):
    """The line through (x, y) cut to the rectangle: each visible piece of a segment, NaN between.

    Qt's SVG generator writes no clipping, so an SVG of a zoomed plot would
    draw its curves across the axes and the plot below; exports draw these
    instead (Liang-Barsky clipping, all segments at once).
    """
    x0, y0, dx, dy = x[:-1], y[:-1], np.diff(x), np.diff(y)
    start, end = np.zeros(len(dx)), np.ones(len(dx))
    keep = np.isfinite(x0 + y0 + dx + dy)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x0 - x_range[0]), (dx, x_range[1] - x0), (-dy, y0 - y_range[0]), (dy, y_range[1] - y0)):
            keep &= ~((p == 0) & (q < 0))  # parallel to this edge and outside it
            ratio = q / p
            start = np.where(p < 0, np.maximum(start, ratio), start)
            end = np.where(p > 0, np.minimum(end, ratio), end)
    keep &= start <= end
    x0, y0, dx, dy, start, end = (a[keep] for a in (x0, y0, dx, dy, start, end))
    pieces_x = np.stack([x0 + start * dx, x0 + end * dx, np.full(len(x0), np.nan)], axis=1)
    pieces_y = np.stack([y0 + start * dy, y0 + end * dy, np.full(len(y0), np.nan)], axis=1)
    return pieces_x.ravel(), pieces_y.ravel()


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
                for x, examples, seconds, y in series.points().tolist():
                    row = rows.setdefault(x, {"epoch_position": f"{x:.6g}", "examples_seen": _number(examples),
                                              "seconds": _number(seconds), "run": run})
                    row[name] = f"{y:.6g}"
            writer.writerows(rows[x] for x in sorted(rows))


def _number(value):
    return "" if math.isnan(value) else f"{value:.6g}"
