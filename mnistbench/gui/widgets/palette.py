"""The workbench's colours by meaning: one table per palette, read by every panel (no Qt here).

About one man in twelve cannot tell red from green, and the workbench coded
right/wrong, positive/negative weights and the confusion cells that way. Each
palette names its colours by role; panels ask ``current()`` when they paint, so
switching palettes (View → Colours) only needs a repaint:

    colours = palette.current()
    pen = QColor(*colours.right)           # an (r, g, b) tuple
    f"{colours.right_mark} right"          # "✓ right": a cue that needs no colour at all

The colour-blind safe palette is blue/orange (Okabe and Ito's colours), which
the three common colour-vision deficiencies all tell apart by lightness as well.
"""

from dataclasses import dataclass

RGB = tuple  # (r, g, b), 0..255 each


@dataclass(frozen=True)
class Palette:
    """The colour of each role in the workbench; ``explain()`` says what each one means."""

    key: str  # saved in the settings
    title: str  # shown in View → Colours
    positive: RGB  # a weight or bias that excites (on the dark drawing: bright)
    negative: RGB  # one that inhibits
    right: RGB  # a right answer: the verdict box, captions, the confusion diagonal
    wrong: RGB  # a mistake: the verdict box, captions, confusion cells off the diagonal
    unknown: RGB = (90, 160, 255)  # an answer whose truth is not known
    heat_low: RGB = (255, 255, 255)  # an empty confusion cell (cells blend from here to right/wrong)
    heat_high: RGB = (255, 255, 255)  # the saliency map's hottest pixel (black → red → yellow → white)
    right_mark: str = "✓"  # a cue that does not rely on colour
    wrong_mark: str = "✗"

    def hex(self, role: str) -> str:
        """"#2e9e44" for the role named ``role`` (one of ROLES)."""
        return "#{:02x}{:02x}{:02x}".format(*ROLES[role](self))


STANDARD = Palette("standard", "Standard (green / red)", positive=(40, 220, 70), negative=(235, 50, 50),
                   right=(46, 158, 68), wrong=(214, 69, 65))
COLOUR_BLIND_SAFE = Palette("colour_blind_safe", "Colour-blind safe (blue / orange)",
                            positive=(86, 180, 233), negative=(230, 159, 0),
                            right=(0, 114, 178), wrong=(213, 94, 0), unknown=(204, 121, 167))
PALETTES = {p.key: p for p in (STANDARD, COLOUR_BLIND_SAFE)}

# role -> how to read it, and what it means (the "explain every colour" legend lists these)
ROLES = {"positive": lambda p: p.positive, "negative": lambda p: p.negative, "right": lambda p: p.right,
         "wrong": lambda p: p.wrong, "unknown": lambda p: p.unknown}
MEANINGS = (
    ("positive", "Positive weight or bias: the connection excites the neuron. Weight maps, lines into the "
                 "selected neuron, neuron borders, the strongest-weights table."),
    ("negative", "Negative weight or bias: the connection inhibits the neuron. Same places."),
    ("right", "A right answer: the verdict box and text, captions of imagined digits that the network "
              "reads as asked, the confusion matrix's diagonal (deeper = more images). Also marked "),
    ("wrong", "A mistake: the verdict box and text, the true class's dashed box, confusion cells off the "
              "diagonal (deeper = more mistakes). Also marked "),
    ("unknown", "The network's answer when the input's true label is not known (a drawn digit)."),
)
OTHER_MEANINGS = (
    "Neuron fill: its activation, black none to white full (each layer's range is written under it).",
    "Saliency map: black → red → yellow → white, from pixels that did not matter to the ones that mattered most.",
    "Yellow ring: the selected neuron.",
)

_current = [STANDARD]


def current() -> Palette:
    """The palette in use."""
    return _current[0]


def use(key: str) -> Palette:
    """Switch to the palette saved as ``key``; an unknown key (an old settings file) keeps the standard one."""
    _current[0] = PALETTES.get(key, STANDARD)
    return _current[0]


def explain(palette: Palette):
    """[(role, (r, g, b), meaning)] for the legend: every colour the workbench uses, in words."""
    marks = {"right": f"{palette.right_mark}.", "wrong": f"{palette.wrong_mark}."}
    return [(role, ROLES[role](palette), meaning + marks.get(role, "")) for role, meaning in MEANINGS]
