"""The runs the curves panel shows beside the current network's: earlier runs of this session and
runs chosen in the Runs dock, each in its own colour, labelled by what sets it apart.

A mixin of CurvesPanel (which has ``plots``, ``legend``, ``current``, ``current_row``, ``live``,
``_epoch_losses``, ``_drawn``, ``_new_curve`` and ``redraw``). Overlays are static data: their
curves are filled once (again only when the smoothing or the x axis changes), never per batch.
"""

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from mnistbench.gui.panels.curves.curves_ranges import cache_pixmaps
from mnistbench.gui.panels.curves.run_curves import (LivePositions, history_losses, history_series,
                                                     network_run_row, run_labels, stored_run_series)
from mnistbench.gui.widgets.palette import NEUTRAL, hex_of

# one colour per run, in order (matplotlib's tab10: told apart by most colour-blind readers too)
PALETTE = tuple(hex_of(rgb) for rgb in NEUTRAL.runs)
MAX_SESSION_RUNS = 8  # earlier runs of this session kept beside the current one (oldest dropped)
KEY_COLOUR = hex_of(NEUTRAL.frame)  # the legend's samples of training and validation lines when runs differ in colour
VALIDATION_ALONE = hex_of(NEUTRAL.validation_alone)  # a run alone: validation red, as the original tools drew it


@dataclass(eq=False)
class RunOverlay:
    """A finished run drawn beside the current one."""
    row: object  # RunRow (what the run was), or None
    series: dict  # series name -> Series
    colour: str
    chosen: bool  # chosen in the Runs dock (replaced by the next choice), else an earlier run of the session
    curves: dict = field(default_factory=dict)  # series name -> PlotDataItem


def pen_for(colour, width, dashed):
    return pg.mkPen(colour, width=width, style=Qt.DashLine if dashed else Qt.SolidLine)


class CurvesRunsMixin:
    def _init_runs(self):
        self.overlays = []
        self._colours_used = 0
        self.current_colour = self._next_colour()
        self._key_items = {name: pg.PlotDataItem(pen=pen_for(KEY_COLOUR, width, dashed))
                           for name, (_kind, _label, width, _smoothed, dashed) in self.series_specs.items()}

    def _next_colour(self):
        colour = PALETTE[self._colours_used % len(PALETTE)]
        self._colours_used += 1
        return colour

    # -- the current network's run ------------------------------------------------------
    def set_network(self, net):
        """The window's network changed: its own curve stays; another network's recorded history
        replaces it (a finished run), and the curve it replaces stays beside it as an earlier run."""
        if self.live or net is None:
            return
        losses = history_losses(net)
        if self._has_current() and len(losses) == len(self._epoch_losses) and np.allclose(
                np.asarray(losses, dtype=float), np.asarray(self._epoch_losses, dtype=float), equal_nan=True):
            return  # this network's own curve (trained here, saved, opened again)
        self._archive_current()
        if losses:
            self.current = history_series(net)
            self.current_row = network_run_row(net)
            self._drop_session_copies(self.current)  # a network opened again is drawn once
            self._epoch_losses = losses
            last = self.current["train_loss"].points()[-1, :3] if self.current["train_loss"].size else (0, 0, 0)
            self._positions = LivePositions(tuple(float(v) for v in last))
        self._runs_changed()
        self.redraw()
        self.ranges.fit()

    def _drop_session_copies(self, series):
        """Take off an earlier run of the session that is this very history (the same file opened again)."""
        mine = series["train_loss"].points()
        for overlay in [o for o in self.overlays if not o.chosen]:
            if np.array_equal(overlay.series["train_loss"].points(), mine):
                self._remove_overlay(overlay)

    def _has_current(self):
        return any(series.size for series in self.current.values())

    def _archive_current(self):
        """The current run becomes an earlier run of the session (if it has points); a new colour follows."""
        if self._has_current():
            self._add_overlay(RunOverlay(self.current_row, self.current, self.current_colour, chosen=False))
            session = [overlay for overlay in self.overlays if not overlay.chosen]
            for overlay in session[:-MAX_SESSION_RUNS]:
                self._remove_overlay(overlay)
            self.current_colour = self._next_colour()
            for curve in self.curves.values():  # an empty run is not redrawn: its curves must not keep
                curve.setData([], [])  # the last run's points (drawn in the new colour over the archived)
                self._drawn.pop(curve, None)
        self._start_empty_current()

    # -- runs chosen elsewhere -------------------------------------------------------------
    def show_runs(self, runs):
        """Overlay ``runs`` (a list of (RunRow, RunsStore ``curves(id)`` dict)) in place of the last choice."""
        for overlay in [overlay for overlay in self.overlays if overlay.chosen]:
            self._remove_overlay(overlay)
        own = self._own_run_ids()
        for row, curves in runs:
            if row.id in own:  # drawn already from this session's reports (maybe still training): once
                continue
            self._add_overlay(RunOverlay(row, stored_run_series(curves), self._next_colour(), chosen=True))
        self._runs_changed()
        self.redraw()
        if not self.live:
            self.ranges.fit()

    def _own_run_ids(self):
        """Store ids of the runs drawn from this session's reports: the current run and earlier ones."""
        rows = [self.current_row] + [overlay.row for overlay in self.overlays if not overlay.chosen]
        return {row.id for row in rows if row is not None and row.id is not None}

    def _drop_chosen_copies(self):
        """A chosen run that has become the current one (training continues it) is drawn once: live."""
        own = self._own_run_ids()
        for overlay in [overlay for overlay in self.overlays if overlay.chosen and overlay.row.id in own]:
            self._remove_overlay(overlay)

    def clear_runs(self):
        """Only the current network's curve stays."""
        for overlay in list(self.overlays):
            self._remove_overlay(overlay)
        self._runs_changed()
        self.redraw()

    def _add_overlay(self, overlay):
        for name, (kind, _label, width, _smoothed, dashed) in self.series_specs.items():
            overlay.curves[name] = self._new_curve(kind, pen_for(overlay.colour, width, dashed), below=True)
        self.overlays.append(overlay)

    def _remove_overlay(self, overlay):
        for name, curve in overlay.curves.items():
            self.plots[self.series_specs[name][0]].removeItem(curve)
            self._drawn.pop(curve, None)
        self.overlays.remove(overlay)

    # -- what is drawn --------------------------------------------------------------------
    def shown_runs(self):
        """[(label, colour, {series name: Series}, {series name: curve})], earlier runs first."""
        runs = [(overlay.row, overlay.colour, overlay.series, overlay.curves) for overlay in self.overlays]
        if self._has_current() or self.live:
            runs.append((self.current_row, self.current_colour, self.current, self.curves))
        labels = run_labels([row for row, *_ in runs])
        return [(label, *rest) for label, (_row, *rest) in zip(labels, runs)]

    def _runs_changed(self):
        """Pens and the legend again (runs come and go rarely). One run alone reads as it always did:
        training blue, validation red; beside others each run has its colour, validation dashed."""
        runs = self.shown_runs()
        alone = len(runs) <= 1
        for name, (_kind, _label, width, _smoothed, dashed) in self.series_specs.items():
            colour = VALIDATION_ALONE if alone and dashed else self.current_colour
            self.curves[name].setPen(pen_for(colour, width, dashed and not alone))
            if name in self.raw_curves:
                self.raw_curves[name].setPen(self._raw_pen(self.current_colour))
        self.legend.clear()
        lone = runs[0][3] if runs else self.curves  # the one run drawn: maybe an earlier one (after Initialise)
        for name, text in (("train_loss", "training (smoothed)"), ("validation_loss", "validation (subset)")):
            self.legend.addItem(lone[name] if alone else self._key_items[name], text)
        for label, _colour, _series, curves in ([] if alone else runs):
            self.legend.addItem(curves["train_loss"], label)
        self._fit_legend()  # columns for these entries' widths, before their pictures are cached
        cache_pixmaps(self.legend, True)
        self.legend.updateGeometry()
        self.graphics.ci.layout.invalidate()
        self.graphics.ci.layout.activate()  # the legend row takes the height its entries need, now
