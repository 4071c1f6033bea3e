"""The curves panel's plots: a timed plot widget, log axes, epoch marks, pixmap caches, and
view ranges that follow a run.

pyqtgraph's auto-range refits, and re-lays out both log axes, on every redraw;
while training, that cost the training more than the curves themselves. So
during a run the ranges are set here, now and then: x to the planned end (or
doubling), y in steps of a tenth of a decade with room below for falling
curves. When the reports stop, pyqtgraph fits the finished curves again.
"""

import math
import time

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem

from mnistbench.gui.panels.curves.curves_data import for_log_axis, grown_end, log_bounds, padded_log_range
from mnistbench.gui.widgets.palette import NEUTRAL

Y_CHECK_S, Y_TIGHTEN_S = 0.5, 2.0  # widen a y range at most every 0.5 s, tighten every 2 s
TIGHTEN_RATIO = 1.5  # tighten a y range only when it is this many times wider than needed
# no redraw for this long: the run is over, pyqtgraph fits the view again. Longer than the longest
# wait between redraws (2 s); the window does not wait for it, it says when a run ends.
SETTLE_MS = 5000
X_PADDING = 0.02
# fits "0.0001" and the axis title: a fixed width keeps both plots' x axes aligned, and a new
# y range from re-laying out the whole panel when its tick labels get wider or narrower
LEFT_AXIS_WIDTH = 66


class LogAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten: minor labels overlap."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        """pyqtgraph's ticks, without minor ticks where a major one is: their labels drew twice."""
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        major = {round(v, 6) for spacing, values in levels if spacing is not None for v in values}
        return [(spacing, values if spacing is not None else [v for v in values if round(v, 6) not in major])
                for spacing, values in levels]

    def logTickStrings(self, values, scale, spacing):
        labels = []
        for value in values:
            exponent = value * scale  # ticks arrive as log10 of the value
            if not math.isfinite(exponent) or abs(exponent) > 300:
                labels.append("")
                continue
            mantissa = round(10.0 ** (exponent - math.floor(exponent + 1e-9)))
            labels.append(f"{10.0 ** exponent:.4g}" if mantissa in (1, 2, 5, 10) else "")
        return labels


class EpochMarks(pg.GraphicsObject):
    """Dotted vertical lines at the ends of epochs, across the whole view: one item for all.

    An InfiniteLine per epoch cost a Python call or two per mark at every
    redraw: thirty epochs doubled the time a redraw takes from training.
    """

    def __init__(self):
        super().__init__()
        self.positions = []
        self._pen = pg.mkPen(NEUTRAL.plot_marks, width=1, style=Qt.DotLine)

    def set_positions(self, positions):
        self.prepareGeometryChange()
        self.positions = list(positions)

    def viewTransformChanged(self):
        super().viewTransformChanged()  # forgets the cached view rect
        self.prepareGeometryChange()  # the marks span the view: a new range is a new bounding rect

    def boundingRect(self):
        view = self.viewRect()
        if view is None or not self.positions:
            return QRectF()
        margin = 2 * (self.pixelWidth() or 0.0)
        left, right = min(self.positions) - margin, max(self.positions) + margin
        return QRectF(left, view.top(), right - left, view.height())

    def paint(self, painter, *_args):
        view = self.viewRect()
        if view is not None:
            painter.setPen(self._pen)
            painter.drawLines([QLineF(x, view.top(), x, view.bottom()) for x in self.positions])


class TimedGraphicsLayout(pg.GraphicsLayoutWidget):
    """pyqtgraph's plot widget, adding up the thread time its paints take (for the redraw budget)."""

    sig_mouse_left = Signal()  # the mouse left the plots (the crosshair goes)
    sig_resizing = Signal(int)  # the new width, before the plots are laid out for it

    def __init__(self):
        super().__init__()
        self._paint_seconds = 0.0

    def paintEvent(self, event):
        began = time.thread_time()
        super().paintEvent(event)
        self._paint_seconds += time.thread_time() - began

    def resizeEvent(self, event):
        if event is not None:  # pyqtgraph calls it with None to lay out at start
            self.sig_resizing.emit(event.size().width())
        super().resizeEvent(event)

    def leaveEvent(self, event):
        super().leaveEvent(event)
        self.sig_mouse_left.emit()

    def take_paint_seconds(self):
        seconds, self._paint_seconds = self._paint_seconds, 0.0
        return seconds


class RangeFollower:
    """Sets the linked plots' view ranges while reports stream in; a pan or zoom stops it.

    ``data()`` returns ([(Series, plot kind)] on show, last x, x where this run
    started); ``floors`` maps a plot kind to the smallest value its log axis shows.
    """

    def __init__(self, plots, data, floors, parent):
        self.plots, self._data, self._floors = plots, data, floors
        self.following = False  # the ranges are set here: a run is streaming in
        self.user_ranged = False  # the user panned or zoomed: leave the view alone
        self.planned_end = None  # x where the run is planned to end, when known
        self._x_end, self._y_ranges, self._y_times = None, {}, {}  # what was set, and when
        self._settle = QTimer(parent, singleShot=True, interval=SETTLE_MS, timeout=self.fit)
        for plot in plots.values():
            plot.sigRangeChangedManually.connect(lambda _mask, p=plot: self._changed_by_user(p))

    def start(self, planned_end):
        """A run starts: follow it, ending at ``planned_end`` if known, whatever the user did before."""
        self.planned_end, self.user_ranged = planned_end, False
        self.follow()

    def end_of_epoch(self, planned_end):
        """The epoch report says where the run ends, if the start did not; y is checked again."""
        self.planned_end = self.planned_end if self.planned_end is not None else planned_end
        self._y_times = {}  # check the y ranges at the next redraw

    def live(self):
        """After a timer's redraw: follow unless the user took over; fit once the reports stop."""
        if not self.user_ranged:
            self.follow()
        self._settle.start()  # restarted by every redraw: fires once the reports stop

    def refresh(self):
        """Ranges up to date now, not throttled (for tests and exports)."""
        if self.following:
            self.follow(force=True)

    def follow(self, force=False):
        """Auto-range off; an x range to the planned end (else doubling); y ranges now and then."""
        self.following = True
        if force:
            self._y_times = {}
        for plot in self.plots.values():
            if any(plot.vb.autoRangeEnabled()):
                plot.vb.disableAutoRange()
                self._x_end, self._y_ranges, self._y_times = None, {}, {}
        shown, last_x, run_start = self._data()
        x_end = self.planned_end
        if x_end is None or last_x > x_end:  # unknown or overrun: double the span
            x_end = grown_end(run_start, max(self._x_end or 0.0, x_end or 0.0), last_x)
        x_end = max([x_end, *(s.x[-1] for s, _kind in shown if s.size and math.isfinite(s.x[-1]))])  # overlays
        if x_end != self._x_end:
            self._x_end = x_end
            next(iter(self.plots.values())).setXRange(0.0, x_end, padding=X_PADDING)
        for kind, plot in self.plots.items():
            self._follow_y(kind, plot, [s for s, k in shown if k == kind])

    def _follow_y(self, kind, plot, series):
        """Widen when points left the range (every ``Y_CHECK_S``); tighten every ``Y_TIGHTEN_S``."""
        now, old = time.monotonic(), self._y_ranges.get(kind)
        if now - self._y_times.get(kind, -math.inf) < Y_CHECK_S:
            return
        bounds = log_bounds([for_log_axis(s.y, self._floors[kind]) for s in series])
        if bounds is None:
            return
        self._y_times[kind] = now
        wanted = padded_log_range(bounds)
        escaped = old is None or bounds[0] < old[0] or bounds[1] > old[1]
        loose = old is not None and old[1] - old[0] > TIGHTEN_RATIO * (wanted[1] - wanted[0])
        if escaped or loose and now - self._y_times.get((kind, "set"), -math.inf) >= Y_TIGHTEN_S:
            self._y_ranges[kind] = wanted
            self._y_times[(kind, "set")] = now
            plot.setYRange(*wanted, padding=0)

    def fit(self):
        """The reports stopped: let pyqtgraph fit the finished curves exactly, as when idle."""
        self._settle.stop()
        self.following = False
        if not self.user_ranged:
            for plot in self.plots.values():
                plot.enableAutoRange()

    def _changed_by_user(self, plot):
        """A pan or zoom keeps the view still from now on; the plot's "A" button resumes following."""
        self.user_ranged = not any(plot.vb.autoRangeEnabled())
        self.following = self.following and not self.user_ranged
        if not self.user_ranged and self._settle.isActive():  # reports are streaming in
            self.follow()


def style_plot(plot, label):
    """Log y axis, grid, axis colours; no legend inside the plot: it would cover the curves."""
    plot.setLogMode(y=True)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLabel("left", label)
    plot.setDownsampling(auto=True, mode="peak")  # at most two points per pixel column
    plot.setClipToView(True)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(NEUTRAL.plot_axis)
        plot.getAxis(axis).setTextPen(NEUTRAL.plot_text)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    plot.getAxis("left").enableAutoSIPrefix(False)  # errors under 1 got "(x0.001)" and no ticks


def cache_pixmaps(item, enabled):
    """Paint ``item`` and everything in it from pixmaps, redrawn only when they change.

    Without this every redraw of the curves replays the axes' ticks, labels and
    grid and lays out the legends' texts again. SVG exports switch it off.
    """
    item.setCacheMode(QGraphicsItem.DeviceCoordinateCache if enabled else QGraphicsItem.NoCache)
    for child in item.childItems():
        cache_pixmaps(child, enabled)
