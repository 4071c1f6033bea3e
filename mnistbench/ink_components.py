"""Which blobs of ink are digits: connected components grouped into digits, specks left out.

A pen stroke breaks into pieces (a pencil skips, a 5's bar is lifted off);
specks of dust and bits of ruled lines are ink too. Components are labelled
(8-connected), the tiny ones dropped, and pieces stacked in the same columns
and close to each other merged into one digit. A group far wider than tall
is digits touching each other, split where the ink is thinnest.
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

SPECK_AREA = 1 / 4000  # of the image's area: smaller components are dust or noise
MIN_MASS = 0.08  # of the heaviest group's ink: lighter groups are not digits
MIN_HEIGHT = 0.3  # of the tallest group's height: flatter groups are dashes and line bits
STACK_GAP = 0.35  # pieces this far apart (of the taller one's height) or closer, in shared columns, merge
CRUMB = 0.03  # of the other piece's ink: lighter pieces never join a digit in a number
NEAR_MARGIN = 0.25  # of the digit's height: pieces this close to one digit belong to it
WIDE = 1.45  # width/height above which a group is touching digits (a wide, slanted 2 reaches ~1.3)
DIGIT_ASPECT = 0.8  # width/height of a typical digit, to count how many touch
BRIDGE = 1 / 160  # of the image's shorter side: gaps this narrow (a skipping pencil) join pieces
SEVERAL = 0.4  # of the main digit's ink: a separate group this heavy is another digit


@dataclass(frozen=True)
class InkGroup:
    """One digit's ink: box (top, left, bottom, right), bottom/right exclusive, working pixels.

    components: the labels of its connected components; columns: (left, right)
    it was cut to when it was split from touching digits, else None.
    """

    box: tuple
    components: tuple
    mass: float
    columns: tuple = None

    @property
    def height(self):
        return self.box[2] - self.box[0]

    @property
    def width(self):
        return self.box[3] - self.box[1]


def label_components(ink_mask, darkness):
    """(labels int array, list of InkGroup, one per component that is not a speck).

    Pieces a few pixels apart are one component (labelled on the mask grown by
    BRIDGE), but the labels only ever select pixels of the mask itself.
    """
    bridge = max(1, round(min(ink_mask.shape) * BRIDGE))
    grown = ndimage.maximum_filter(ink_mask.view(np.uint8), size=2 * bridge + 1) > 0  # one pass, separable
    labels, count = ndimage.label(grown, structure=np.ones((3, 3), dtype=bool))
    labels[~ink_mask] = 0
    if count == 0:
        return labels, []
    index = np.arange(1, count + 1)
    areas = np.bincount(labels.ravel(), minlength=count + 1)[1:]
    masses = np.bincount(labels.ravel(), weights=darkness.ravel(), minlength=count + 1)[1:]
    min_area = max(2.0, ink_mask.size * SPECK_AREA)
    groups = [InkGroup((s[0].start, s[1].start, s[0].stop, s[1].stop), (i,), float(m))
              for i, s, a, m in zip(index, ndimage.find_objects(labels), areas, masses) if a >= min_area]
    groups.sort(key=lambda g: -g.mass)
    return labels, groups[:60]  # the heaviest are enough; noise can make thousands


def digit_groups(groups, shape):
    """Merge stacked pieces, drop what is too light or flat to be a digit; left to right.

    Groups touching the picture's edge (a shadow's corner, the page's edge) are
    dropped too, unless nothing else is left. `shape` is the mask's (h, w).
    """
    groups = _merge_until_stable(groups, _stacked)
    inside = [g for g in groups if g.box[0] > 0 and g.box[1] > 0 and g.box[2] < shape[0] and g.box[3] < shape[1]]
    groups = inside or groups
    if not groups:
        return []
    heaviest = max(g.mass for g in groups)
    tallest = max(g.height for g in groups if g.mass >= MIN_MASS * heaviest)
    kept = [g for g in groups if g.mass >= MIN_MASS * heaviest and g.height >= MIN_HEIGHT * tallest]
    return sorted(kept, key=lambda g: g.box[1])


def single_digit(groups):
    """(the one digit's group, the number of other digit-like groups left apart from it)."""
    groups = sorted(_merge_until_stable(groups, _stacked), key=lambda g: -g.mass)
    main, rest = groups[0], groups[1:]
    merged = True
    while merged:
        near = [g for g in rest if _near(main, g)]
        merged = bool(near)
        for g in near:
            rest.remove(g)
            main = _union(main, g)
    others = sum(1 for g in rest if g.mass >= SEVERAL * main.mass and g.height >= MIN_HEIGHT * main.height)
    return main, others


def split_touching(group, ink_mask, labels, digit_height=None):
    """A group much wider than tall -> touching digits, cut at the columns of least ink.

    digit_height: the height of the number's digits (their median); how many
    digits touch is the group's width over a typical digit's width.
    """
    top, left, bottom, right = group.box
    pieces = round(group.width / (DIGIT_ASPECT * (digit_height or group.height)))
    if group.width <= WIDE * group.height or pieces < 2:
        return [group]
    ink = np.isin(labels[top:bottom, left:right], group.components) & ink_mask[top:bottom, left:right]
    profile = ink.sum(axis=0).astype(np.float64)
    cuts, start = [], 0
    for k in range(1, pieces):
        ideal = round(group.width * k / pieces)
        low, high = max(start + 1, ideal - group.height // 4), min(group.width - 1, ideal + group.height // 4)
        cuts.append(low + int(np.argmin(profile[low:high])) if high > low else ideal)
        start = cuts[-1]
    edges = [0] + cuts + [group.width]
    parts = []
    for a, b in zip(edges[:-1], edges[1:]):
        rows = np.flatnonzero(ink[:, a:b].any(axis=1))
        if len(rows):
            box = (top + int(rows[0]), left + a, top + int(rows[-1]) + 1, left + b)
            share = float(profile[a:b].sum() / max(profile.sum(), 1.0))
            parts.append(InkGroup(box, group.components, group.mass * share, (left + a, left + b)))
    return parts


def group_mask(group, labels, ink_mask):
    """bool mask of the group's own pixels (within its columns when it was split)."""
    mask = np.isin(labels, group.components) & ink_mask
    if group.columns is not None:
        outside = np.ones(mask.shape[1], dtype=bool)
        outside[group.columns[0]:group.columns[1]] = False
        mask[:, outside] = False
    return mask


def _merge_until_stable(groups, should_merge):
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if should_merge(groups[i], groups[j]):
                    groups[i] = _union(groups[i], groups.pop(j))
                    changed = True
                    break
            if changed:
                break
    return groups


def _stacked(a, b):
    """Pieces of one digit: a small vertical gap, and most of the narrower one's columns
    shared, or some of them when it is a flat piece (a 5's bar) and not a crumb (a bit of grid)."""
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    gap = max(a.box[0], b.box[0]) - min(a.box[2], b.box[2])
    small, large = sorted((a, b), key=lambda g: g.mass)
    if gap > STACK_GAP * large.height or small.mass < CRUMB * large.mass:
        return False
    flat = small.height < 0.5 * large.height
    return overlap >= 0.5 * small.width or (flat and overlap > 0)


def _near(main, other):
    """`other` touches `main`'s box grown by NEAR_MARGIN of its height, and is no flat bit beside it."""
    margin = NEAR_MARGIN * main.height
    touches = (other.box[0] < main.box[2] + margin and other.box[2] > main.box[0] - margin
               and other.box[1] < main.box[3] + margin and other.box[3] > main.box[1] - margin)
    overlap = min(main.box[3], other.box[3]) - max(main.box[1], other.box[1])
    return touches and (other.height >= 0.2 * main.height or overlap >= 0.5 * other.width)


def _union(a, b):
    box = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
    return InkGroup(box, a.components + b.components, a.mass + b.mass)
