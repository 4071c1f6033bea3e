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
        return hex_of(ROLES[role](self))


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



@dataclass(frozen=True)
class Neutrals:
    """Colours that carry no right/wrong or sign meaning, so they stay the same in every palette.

    Kept here with the palettes so that no panel hard-codes a colour (a test scans ``gui/`` for literals).
    """

    dark_background: RGB = (43, 45, 48)  # the inspector's and the step-through's drawings
    gap: RGB = (70, 72, 76)  # between weight maps, behind replay frames
    text_on_dark: RGB = (225, 225, 225)  # labels on the dark drawings
    dim_text_on_dark: RGB = (160, 163, 168)  # secondary labels there (layer ranges)
    outline_on_dark: RGB = (150, 150, 150)  # neuron circles, class bars on the dark drawing
    selection: RGB = (255, 212, 0)  # the selected neuron's ring, the step's layer frame
    selected: RGB = (255, 255, 255)  # the selected neuron in the step-through
    not_yet: RGB = (62, 64, 68)  # a step-through value not computed yet at this step
    delta_positive: RGB = (245, 150, 30)  # the step-through's δ > 0 (orange and blue: told apart by everyone)
    delta_negative: RGB = (40, 130, 245)  # δ < 0
    ink: RGB = (255, 255, 255)  # the digit pad's pen: MNIST digits are white on black
    paper: RGB = (0, 0, 0)
    answer: RGB = (46, 134, 222)  # the network's answer among the probability bars; digits boxed on the pad
    crop: RGB = (230, 126, 34)  # the crop rectangle dragged on a photo
    bar: RGB = (138, 143, 152)  # every other class's probability bar
    frame: RGB = (85, 85, 85)  # a thin frame around a digit view; the curves' legend keys
    page: RGB = (255, 255, 255)  # the background of exported pictures
    page_text: RGB = (0, 0, 0)  # their titles and captions
    plot_text: RGB = (34, 34, 34)  # axis labels and legend text on the light plots
    plot_axis: RGB = (68, 68, 68)
    plot_marks: RGB = (187, 187, 187)  # dotted epoch lines
    plot_cursor: RGB = (136, 136, 136)  # the crosshair under the mouse
    faint_curve: RGB = (170, 170, 170)  # a noisy series behind its smoothed one
    curve: RGB = (30, 90, 200)  # a single series (the learning-rate range test)
    marker: RGB = (200, 40, 40)  # a suggested value on a plot
    validation_alone: RGB = (214, 39, 40)  # a run shown alone: validation red, as the original tools drew it
    note_text: RGB = (80, 80, 80)  # explanations under the step-through's formulas
    rule: RGB = (32, 32, 32)  # fraction bars in those formulas
    quiet: RGB = (128, 128, 128)  # debug lines in the log
    success: RGB = (46, 139, 58)  # "saved …" lines in the log
    warning: RGB = (192, 112, 0)  # warnings in the log
    error: RGB = (208, 48, 48)  # errors in the log and under the settings they concern
    tint: RGB = (110, 110, 110)  # recall, precision, accuracy: a neutral tint
    recede: RGB = (160, 160, 160)  # text of empty confusion cells
    banner: RGB = (255, 244, 214)  # the dataset banner: background, border, text
    banner_border: RGB = (224, 192, 112)
    banner_text: RGB = (64, 48, 0)
    warning_cell: RGB = (255, 225, 190)  # a runs-table accuracy with a warning (measured on images it trained on)
    running_cell: RGB = (210, 230, 255)  # a run's status: running
    failed_cell: RGB = (255, 215, 215)  # unfinished or diverged
    stopped_cell: RGB = (240, 240, 240)
    scatter: RGB = (120, 120, 120)  # every run on the accuracy-against-cost scatter
    # ten colours that tell runs apart (matplotlib's "tab10"), reused in order
    runs: tuple = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                   (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))


NEUTRAL = Neutrals()


def light_tint(rgb, amount=0.6) -> RGB:
    """``rgb`` blended ``amount`` of the way to white: a cell background that dark text stays readable on."""
    return tuple(int(round(c + (255 - c) * amount)) for c in rgb[:3])


def hex_of(rgb) -> str:
    """"#2e9e44" for an (r, g, b) tuple: for style sheets, HTML and pyqtgraph pens."""
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb[:3]))


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
