"""The photo part of `mnistbench bench fidelity`: held-out digits photographed, read back.

Accuracy on generated photos (`photo_fidelity`) beside the same digits'
originals, overall and per condition; 4-digit numbers read entirely right;
the time to preprocess a 12-megapixel photo. Every figure is measured through
the pipeline `predict` uses, never assumed.
"""

import time

import numpy as np
from PIL import Image

from mnistbench.errors import ImageError
from mnistbench.number_reading import read_number
from mnistbench.photo_fidelity import CONDITIONS, photo_of_digit, photo_of_number
from mnistbench.preprocess import preprocess_digit, to_network_input

PHOTOS = 1000  # single-digit photos
NUMBERS = 250  # 4-digit numbers
NUMBER_LENGTH = 4
BIG_PHOTO = (3000, 4000)  # 12 megapixels, a phone's full resolution


def measure_photo_fidelity(net, images, labels, n=PHOTOS, seed=0):
    """Accuracy on photos of `n` seeded test digits and on their originals, overall and per condition.

    A photo the pipeline refuses (ImageError) counts as wrong. Fractions in [0, 1].
    """
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images), size=min(n, len(images)), replace=False)
    originals = net.predict(np.stack([to_network_input(img) for img in images[chosen]])) == labels[chosen]
    right, conditions, refused = [], [], 0
    for i in chosen:
        photo, condition = photo_of_digit(images[i], rng)
        conditions.append(condition)
        try:
            x = to_network_input(preprocess_digit(photo))
        except ImageError:
            refused += 1
            right.append(False)
            continue
        right.append(int(net.predict(x[None])[0]) == int(labels[i]))
    right = np.array(right)
    per_condition = {}
    for field, values in CONDITIONS.items():
        for value in values:
            where = np.array([getattr(c, field) == value for c in conditions])
            per_condition[f"{field}={value}"] = {
                "n": int(where.sum()), "photos": float(right[where].mean()), "originals": float(originals[where].mean())}
    return {"n": len(chosen), "photos": float(right.mean()), "originals": float(originals.mean()),
            "refused": refused, "per_condition": per_condition}


def measure_number_reading(net, images, labels, n=NUMBERS, length=NUMBER_LENGTH, seed=1):
    """How often photos of `length`-digit numbers made of test digits are read entirely right.

    `originals` is the ceiling: numbers whose every original digit the network reads right.
    """
    rng = np.random.default_rng(seed)
    right = originals = 0
    for _ in range(n):
        chosen = rng.choice(len(images), size=length, replace=False)
        truth = "".join(str(int(v)) for v in labels[chosen])
        photo, _, _ = photo_of_number(images[chosen], rng)
        originals += bool((net.predict(np.stack([to_network_input(img) for img in images[chosen]]))
                           == labels[chosen]).all())
        try:
            right += read_number(net, photo).text == truth
        except ImageError:
            continue
    return {"n": n, "length": length, "entirely_right": right / n, "originals_entirely_right": originals / n}


def time_big_photo(images, repeats=5, seed=2):
    """Median milliseconds to preprocess one 12-megapixel photo (a generated one, enlarged)."""
    photo, _ = photo_of_digit(images[0], np.random.default_rng(seed))
    big = np.asarray(Image.fromarray(photo).resize(BIG_PHOTO[::-1], Image.BILINEAR))
    preprocess_digit(big)  # the first call pays for imports and caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        preprocess_digit(big)
        times.append(1000 * (time.perf_counter() - start))
    return float(np.median(times))


def bench_photo_fidelity(network, dataset):
    """Print and return the photo figures for `network` on `dataset`'s TEST half (never its training half)."""
    images, labels = dataset.test_images, np.asarray(dataset.test_labels)
    single = measure_photo_fidelity(network, images, labels)
    drop = 100 * (single["originals"] - single["photos"])
    print(f"photos ({single['n']:,} held-out test digits photographed: light, ink, paper conditions, JPEG 60-90):")
    print(f"  originals {single['originals']:.2%}, photos {single['photos']:.2%}: drop {drop:.1f} points "
          f"(target <= 2); refused {single['refused']}")
    worst = 0.0
    for name, figures in single["per_condition"].items():
        points = 100 * (figures["originals"] - figures["photos"])
        worst = max(worst, points)
        print(f"  {name:<14} n={figures['n']:<4} originals {figures['originals']:.2%}  "
              f"photos {figures['photos']:.2%}  drop {points:+.1f}")
    print(f"  worst condition drop {worst:.1f} points (target <= 5)")
    numbers = measure_number_reading(network, images, labels)
    print(f"numbers ({numbers['n']} photos of {numbers['length']}-digit numbers): entirely right "
          f"{numbers['entirely_right']:.1%} (target >= 90%; originals all right {numbers['originals_entirely_right']:.1%})")
    milliseconds = time_big_photo(images)
    print(f"12-megapixel photo preprocessed in {milliseconds:.0f} ms (target < 150 ms)")
    return {"single": single, "worst_condition_drop_points": round(worst, 2), "drop_points": round(drop, 2),
            "numbers": numbers, "big_photo_ms": milliseconds}
