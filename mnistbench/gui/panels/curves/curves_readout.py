"""The read-out above the curves: the values under the mouse, in one elided line that never
sets the dock's width, and the crosshair that goes with it.

A QLabel that neither wraps nor elides asks for its text's width: a long hover
read-out became the Curves dock's minimum width, crushed the docks beside it,
and that crushed layout was saved for the next start. This label asks for no
width, draws what fits with "…", and shows the whole text in its tooltip.
"""

import numpy as np

from mnistbench.gui.widgets.elided_label import ElidedLabel

HINT = "Move the mouse over the plots to read values."


class ReadoutLabel(ElidedLabel):
    """The read-out: the hint until the mouse is over the plots."""

    def __init__(self, text=HINT, parent=None):
        super().__init__(text, parent)

    def tooltip_for(self, text: str) -> str:
        return text or "Values of each curve at the epoch under the mouse"


class CurvesReadoutMixin:
    """Of CurvesPanel (``plots``, ``cursors``, ``values_label``, ``current``, ``series_specs``,
    ``x_axis``, ``as_drawn``): the crosshair and the values under the mouse."""

    def _show_values_at(self, scene_pos):
        """Crosshair at the mouse and the nearest value of every current curve in the read-out."""
        inside = [p for p in self.plots.values() if p.sceneBoundingRect().contains(scene_pos)]
        x = inside[0].vb.mapSceneToView(scene_pos).x() if inside else None
        if x is None or x < 0:  # outside the plots, or before the run began: nothing to read
            self.hide_values()
            return
        for line in self.cursors.values():
            line.setValue(x)
            line.show()
        self.values_label.set_full_text(self.describe_at(x))

    def hide_values(self):
        """The mouse left the plots: no crosshair, the read-out says how to get one."""
        for line in self.cursors.values():
            line.hide()
        self.values_label.set_full_text(HINT)

    def describe_at(self, x):
        """One line: each current curve's value nearest to ``x`` on the x axis (smoothed ones as drawn)."""
        parts = [_position_text(self.x_axis, x)]
        for name, (kind, label, _width, smoothed, _dashed) in self.series_specs.items():
            series = self.current[name]
            if series.size:
                i = int(np.nanargmin(np.abs(series.x_on(self.x_axis) - x))) if np.isfinite(
                    series.x_on(self.x_axis)).any() else None
                if i is None:
                    continue
                value = self.as_drawn(series, smoothed)[i]
                text = f"{value:.2%}" if kind == "error" else f"{value:.4g}"
                parts.append(f"{label} {text}")
        return " · ".join(parts)


def _position_text(axis, x):
    return {"epoch": f"epoch {x:.2f}", "examples": f"{x:,.0f} examples", "seconds": f"{x:.1f} s"}[axis]
