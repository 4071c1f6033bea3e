"""The replay as pictures: one frame per kept moment, written as an animated GIF or as PNG frames.

A frame shows what changes most visibly while a network learns: the first
layer's weight maps (green excites, red inhibits, black zero — the
inspector's colours; each map scaled to its own largest weight) over a row of
the digits the network imagines (gradient ascent from a blank image, the
imagine panel's method). Drawn with NumPy and Pillow only.
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mnistbench.engine.introspect import imagine
from mnistbench.gui.widgets.export_dialog import ExportFormat
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.palette import NEUTRAL

SIDE, GAP, ZOOM = 28, 2, 3  # pixels per map side, between maps, and the frame's enlargement
MAX_MAPS = 64  # weight maps drawn per frame (the first ones)
IMAGINE_STEPS = 40  # fewer than the panel's 100: a replay draws every digit at every moment
CAPTION_HEIGHT = 14
BACKGROUND = NEUTRAL.gap
FRAME_MS = 400  # GIF frame duration; the last frame stays three times as long


def tile(images, columns):
    """(n, 28, 28, 3) uint8 -> one grid image with GAP-pixel gutters, ``columns`` tiles per row."""
    rows = -(-len(images) // columns)
    step = SIDE + GAP
    grid = np.empty((rows * step - GAP, columns * step - GAP, 3), dtype=np.uint8)
    grid[:] = BACKGROUND
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        grid[r * step: r * step + SIDE, c * step: c * step + SIDE] = image
    return grid


def weight_maps_rgb(weights):
    """First-layer weights (n, 784) -> (min(n, MAX_MAPS), 28, 28, 3) in the palette's positive and negative."""
    weights = np.asarray(weights[:MAX_MAPS], dtype=np.float32)
    scaled = weights / np.maximum(np.abs(weights).max(axis=1, keepdims=True), 1e-12)
    colours = palette.current()  # the palette in use (View → Colours), as the weight maps on screen
    positive, negative = (np.array(rgb, dtype=np.float32) for rgb in (colours.positive, colours.negative))
    rgb = np.where(scaled[..., None] >= 0, scaled[..., None] * positive, -scaled[..., None] * negative)
    return rgb.round().astype(np.uint8).reshape(-1, SIDE, SIDE, 3)


def imagined_rgb(net):
    """What the network imagines for each class: (classes, 28, 28, 3) grey, white ink."""
    pictures = np.stack([imagine(net, digit, steps=IMAGINE_STEPS) for digit in range(net.layer_sizes[-1])])
    grey = (255 * np.clip(pictures, 0, 1)).round().astype(np.uint8).reshape(-1, SIDE, SIDE)
    return np.repeat(grey[..., None], 3, axis=3)


def replay_frame(snapshot) -> Image.Image:
    """One moment: its weight maps above its imagined digits, captioned with when it was."""
    net = snapshot.network
    if net.layer_sizes[0] != SIDE * SIDE:
        raise ValueError(f"the replay draws 28x28 inputs; this network has {net.layer_sizes[0]} inputs")
    maps = weight_maps_rgb(net.weights[0])
    digits = imagined_rgb(net)
    upper, lower = tile(maps, int(np.ceil(np.sqrt(len(maps))))), tile(digits, len(digits))
    width = max(upper.shape[1], lower.shape[1])
    height = CAPTION_HEIGHT + upper.shape[0] + GAP * 3 + lower.shape[0] + GAP
    frame = Image.new("RGB", (width, height), BACKGROUND)
    frame.paste(Image.fromarray(upper), ((width - upper.shape[1]) // 2, CAPTION_HEIGHT))
    frame.paste(Image.fromarray(lower), ((width - lower.shape[1]) // 2, CAPTION_HEIGHT + upper.shape[0] + GAP * 3))
    ImageDraw.Draw(frame).text((2, 1), snapshot.label(), fill=NEUTRAL.text_on_dark)
    return frame.resize((frame.width * ZOOM, frame.height * ZOOM), Image.NEAREST)


def replay_frames(snapshots) -> list:
    return [replay_frame(snapshot) for snapshot in snapshots]


def write_gif(snapshots, path) -> None:
    """An animated GIF that loops over every moment."""
    frames = replay_frames(snapshots)
    durations = [FRAME_MS] * (len(frames) - 1) + [3 * FRAME_MS]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=durations, loop=0)


def write_png_frames(snapshots, path) -> list:
    """``path`` is the first frame; the others are numbered beside it (name-001.png, …). The paths written."""
    path = Path(path)
    written = []
    for i, frame in enumerate(replay_frames(snapshots)):
        target = path if i == 0 else path.with_name(f"{path.stem}-{i:03d}{path.suffix}")
        frame.save(target)
        written.append(target)
    return written


def replay_formats(snapshots):
    """The export dialog's choices for ``snapshots`` (a list of workflows Snapshot)."""
    return [ExportFormat("Animated GIF", ".gif", lambda path: write_gif(snapshots, path)),
            ExportFormat("PNG frames", ".png", lambda path: write_png_frames(snapshots, path) and None)]
