"""The curves panel's drawing: points pushed into the curves on a timer that keeps redraws to a
share of the GUI thread's time, and the values as drawn (smoothed or not) for the view ranges.

A mixin of CurvesPanel (``current``, ``shown_runs``, ``plots``, ``ranges``, ``graphics``,
``smoothing_weight``, ``_positions``, ``_epoch_ends``, ``_drawn``, ``_timer``, ``_in_view``).
"""

import time

import numpy as np

from mnistbench.gui.panels.curves.curves_data import Smoothed, Values, for_log_axis
from mnistbench.gui.panels.curves.curves_plots import FLOORS, SERIES

# Redraws take time from training (the GIL), so they get a share of the GUI thread's time: a
# redraw (with its paints) that took 10 ms waits 333 ms for the next. Long runs (more points)
# and busy machines redraw less often.
REDRAW_SHARE = 0.03
REDRAW_MS, MAX_REDRAW_MS = 250, 2000  # at most 4 redraws a second, at least one every 2 s


class CurvesDrawingMixin:
    """Timed redraws of the live run; ``redraw()`` brings everything up to date at once."""

    @property
    def _redraw_interval(self):
        """Milliseconds until the next redraw, so that redraws take REDRAW_SHARE of the time."""
        if self._redraw_cost_ms is None:
            return REDRAW_MS
        return int(min(MAX_REDRAW_MS, max(REDRAW_MS, self._redraw_cost_ms / REDRAW_SHARE)))

    def _mark_dirty(self):
        if not self._timer.isActive():
            self._timer.start(self._redraw_interval)

    def set_in_view(self, in_view):
        """The window says whether the panel can be seen; out of view, new points wait."""
        self._in_view = in_view
        if in_view and self._stale:
            self._stale = False
            self._mark_dirty()

    def _redraw_live(self):
        """The timer's redraw: new points, then ranges that follow them unless the user took over."""
        if not self._in_view:
            self._stale = True
            return
        began = time.thread_time()
        self._push_data()
        self.ranges.live()
        # what this redraw and the paints since the last one took from the GUI thread
        cost_ms = 1000 * (time.thread_time() - began + self.graphics.take_paint_seconds())
        previous = cost_ms if self._redraw_cost_ms is None else self._redraw_cost_ms
        self._redraw_cost_ms = (previous + cost_ms) / 2  # one slow redraw (new axes) weighs half

    def redraw(self):
        """Curves and, during a run, ranges up to date now (for tests and exports)."""
        self._push_data()
        self.ranges.refresh()

    def _push_data(self):
        """Curves that grew (or whose axis or smoothing changed) get their points; the others are left."""
        weight = self.smoothing_weight
        for _label, _colour, run, curves in self.shown_runs():
            for name, (kind, _text, _width, smoothed, _dashed) in SERIES.items():
                series, curve = run[name], curves[name]
                if self._drawn.get(curve) != (series, series.size):
                    x, y = self._drawable(series, kind, self.as_drawn(series, smoothed))
                    curve.setData(x, y)
                    self._drawn[curve] = (series, series.size)
        for name, raw in self.raw_curves.items():
            series = self.current[name]
            self._push_raw(raw, series, SERIES[name][0], weight > 0 and not series.per_epoch)
        column = self.current["train_loss"].AXIS_COLUMNS[self.x_axis]
        ends = [position[column] for position in self._epoch_ends]
        for marks in self.epoch_marks.values():
            if marks.positions != ends:
                marks.set_positions(ends)

    def _drawable(self, series, kind, y):
        """(x on the chosen axis, y for the log axis), without points the axis cannot place."""
        x = series.x_on(self.x_axis)
        known = np.isfinite(x)
        return x[known], for_log_axis(y[known], FLOORS[kind])

    def _push_raw(self, curve, series, kind, shown):
        """The raw values, faint behind their smoothed curve (none without smoothing)."""
        curve.setVisible(shown)
        if shown and self._drawn.get(curve) != (series, series.size):
            positive = np.where(series.y > 0, series.y, np.nan)  # a perfect batch is a gap, not a spike
            curve.setData(*self._drawable(series, kind, positive))
            self._drawn[curve] = (series, series.size)

    def as_drawn(self, series, smoothed):
        """A series' values as its curve shows them: smoothed if its kind is, unless epoch averages."""
        if not smoothed or series.per_epoch:
            return series.y
        return self._smoothed(series).of(series, self.smoothing_weight)

    def _smoothed(self, series):
        if series not in self.smoothed:
            runs = [run for _label, _colour, run, _curves in self.shown_runs()]
            self.smoothed = {s: v for s, v in self.smoothed.items() if any(s is run[n] for run in runs for n in run)}
            self.smoothed[series] = Smoothed()
        return self.smoothed[series]

    def _shown_data(self):
        """For the ranges: [(values as drawn, plot kind)] of every run, last x, where the live run started."""
        column = self.current["train_loss"].AXIS_COLUMNS[self.x_axis]
        shown = []
        for _label, _colour, run, _curves in self.shown_runs():
            for name, (kind, _text, _width, smoothed, _dashed) in SERIES.items():
                series = run[name]
                y = self.as_drawn(series, smoothed)
                shown.append((Values(series.x_on(self.x_axis), y), kind))
        return shown, self._positions.last[column], self._positions.offset[column]
