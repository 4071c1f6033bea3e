"""Measure how much accuracy the digit preprocessing loses (issue section 4).

Trains a network with the engine on mnist-10k-split's 8,000 training digits,
then redraws held-out test digits as 280x280 pen strokes and classifies them
through `preprocess_digit` and through the naive whole-canvas shrink. With
--photos, the bundled best-mnist network (or the trained one with --trained)
also reads photographed test digits and 4-digit numbers (issue 12).

    .venv/bin/python scripts/measure_fidelity.py [--dataset FOLDER] [--epochs 15] [--n 1000] [--photos]
"""

import argparse
import json
import time

from mnistbench.data.datasets import load_dataset, to_inputs
from mnistbench.engine.network import Network
from mnistbench.bundled import bundled_path
from mnistbench.fidelity import measure_fidelity
from mnistbench.netfile import load_network
from mnistbench.photo_bench import bench_photo_fidelity


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="/work/shared/datasets/mnist-10k-split")
    parser.add_argument("--layers", default="784,256,128,10")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--augment", action="store_true", help="train with random shifts/rotations")
    parser.add_argument("--n", type=int, default=1000, help="test digits to redraw")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="redrawing seeds")
    parser.add_argument("--photos", action="store_true", help="also measure photos of test digits")
    parser.add_argument("--trained", action="store_true", help="photos with the network trained here")
    args = parser.parse_args()

    dataset = load_dataset(args.dataset)
    layers = [int(size) for size in args.layers.split(",")]
    net = Network(layers, activation="relu", output="softmax", loss="cross_entropy", init="he", seed=0)
    started = time.perf_counter()
    net.fit(to_inputs(dataset.train_images), dataset.train_labels, epochs=args.epochs,
            optimizer="adam", learning_rate=1e-3, batch_size=64, schedule="cosine",
            augment=args.augment, seed=0)
    print(f"trained {net} on {dataset.n_train} digits in {time.perf_counter() - started:.0f} s; "
          f"test accuracy {net.score(to_inputs(dataset.test_images), dataset.test_labels):.4f}")
    for seed in args.seeds:
        result = measure_fidelity(net.predict, dataset.test_images, dataset.test_labels,
                                  seed=seed, n=args.n)
        print(json.dumps({"seed": seed, **result}))
    if args.photos:  # the test half only: the photos are of held-out digits
        bench_photo_fidelity(net if args.trained else load_network(bundled_path("best-mnist")), dataset)


if __name__ == "__main__":
    main()
