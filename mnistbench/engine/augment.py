"""Data augmentation: small random shifts and rotations of square images.

Each image gets its own random affine map; we compute, for every output pixel,
where it comes from in the input and sample there bilinearly. Vectorised over
the whole batch — no per-image loop.
"""

import numpy as np


def shift_and_rotate(X, rng, max_shift=2.0, max_rotation_degrees=10.0):
    """X (B, side*side) in [0, 1] -> a randomly shifted and rotated copy, same shape and dtype."""
    B, n = X.shape
    side = int(round(np.sqrt(n)))
    if side * side != n or B == 0:
        return X  # not square images: nothing sensible to rotate
    angle = np.deg2rad(rng.uniform(-max_rotation_degrees, max_rotation_degrees, B))
    shift = rng.uniform(-max_shift, max_shift, (B, 2))
    centre = (side - 1) / 2.0
    rows, cols = np.mgrid[0:side, 0:side].reshape(2, -1) - centre  # (2, n) output coords
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    # Inverse map: rotate output coordinates back and undo the shift.
    src_r = cos * rows - sin * cols + centre - shift[:, :1]
    src_c = sin * rows + cos * cols + centre - shift[:, 1:]
    return _bilinear(X.reshape(B, side, side), src_r, src_c).astype(X.dtype, copy=False)


def _bilinear(images, r, c):
    """Sample images (B, s, s) at float coords r, c (B, n); outside the image is 0."""
    B, side, _ = images.shape
    inside = (r > -1) & (r < side) & (c > -1) & (c < side)
    r = np.where(inside, r, 0)
    c = np.where(inside, c, 0)
    r0, c0 = np.floor(r).astype(np.int64), np.floor(c).astype(np.int64)
    fr, fc = (r - r0).astype(images.dtype), (c - c0).astype(images.dtype)
    flat = np.pad(images, ((0, 0), (1, 1), (1, 1))).reshape(B, -1)
    width = side + 2
    base = (r0 + 1) * width + (c0 + 1)  # index of the top-left tap in the zero-bordered image
    batch = np.arange(B)[:, None]
    top = flat[batch, base] * (1 - fc) + flat[batch, base + 1] * fc
    bottom = flat[batch, base + width] * (1 - fc) + flat[batch, base + width + 1] * fc
    return np.where(inside, top * (1 - fr) + bottom * fr, 0)
