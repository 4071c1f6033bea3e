"""Choose the quick recipe without looking at the test digits.

Each candidate trains on 7,000 of mnist-10k-split's 8,000 training digits and
is scored on the other 1,000 (the seeded holdout of `training_data`), two
seeds each; the test half is never read. The candidates all fit the time
budget (at most 12 epochs of the 784-512-10 network). Prints each candidate's
validation accuracy and seconds, and the one it would choose.

    MNISTBENCH_DATASETS=../shared/datasets python scripts/choose_quick_recipe.py
"""

import time

import numpy as np

from mnistbench.data import load_dataset
from mnistbench.workflows.recipes import build_network, recipe_architecture, recipe_config
from mnistbench.workflows.training_run import train_and_record

HOLDOUT = 1000
SEEDS = (0, 1)
CANDIDATES = {  # changes to the quick recipe's config
    "quick as shipped (lr 4e-3, 12 epochs, shift 1.5 px, rotation 8°)": {},
    "lr 3e-3": dict(learning_rate=3e-3),
    "lr 6e-3": dict(learning_rate=6e-3),
    "augmentation 2 px / 10°": dict(augment_shift=2.0, augment_rotation=10.0),
    "augmentation 1 px / 5°": dict(augment_shift=1.0, augment_rotation=5.0),
    "10 epochs": dict(epochs=10),
    "batch 128": dict(batch_size=128),
}


def main():
    dataset = load_dataset("mnist-10k-split")
    scores = {}
    for name, change in CANDIDATES.items():
        accuracies, seconds = [], []
        for seed in SEEDS:
            config = recipe_config("quick").replace(seed=seed, **change)
            net = build_network(recipe_architecture("quick"), seed=seed)
            start = time.perf_counter()
            outcome = train_and_record(net, dataset, config, holdout=HOLDOUT)
            seconds.append(time.perf_counter() - start)
            accuracies.append(outcome.evaluation.accuracy)
        scores[name] = float(np.mean(accuracies))
        print(f"{name:70s} validation {scores[name]:.2%} ({', '.join(f'{a:.2%}' for a in accuracies)}) "
              f"in {np.mean(seconds):.1f} s", flush=True)
    best = max(scores, key=scores.get)
    print(f"chosen by validation on {HOLDOUT:,} training digits: {best}")


if __name__ == "__main__":
    main()
