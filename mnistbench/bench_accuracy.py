"""Accuracy, preprocessing fidelity and peer comparisons for `mnistbench bench`.

Accuracy trains through the same workflow calls as `mnistbench train --recipe …`
(recipe, split, train-and-record), so the figures printed here are the ones a
user reproduces with the command the README names.
"""

import time
import warnings
from pathlib import Path

import numpy as np

from mnistbench.bench import REFERENCE_CONFIG, reference_data, reference_network
from mnistbench.data import load_dataset
from mnistbench.errors import MnistbenchError
from mnistbench.workflows.recipes import build_network, recipe_architecture, recipe_config
from mnistbench.workflows.training_run import train_and_record

ACCURACY_RUNS = (("best-mnist", "mnist-10k-split", 0.980), ("best-fashion", "fashion-mnist", 0.900))


def bench_accuracy():
    """Train each recipe as `mnistbench train --recipe NAME --data DATA` does; print its held-out accuracy."""
    results = {}
    for recipe, data, target in ACCURACY_RUNS:
        config = recipe_config(recipe)
        start = time.perf_counter()
        try:
            dataset = load_dataset(data)
            net = build_network(recipe_architecture(recipe), seed=config.seed)
            outcome = train_and_record(net, dataset, config)
        except MnistbenchError as error:
            print(f"accuracy {recipe} on {data}: skipped ({error})")
            continue
        seconds = time.perf_counter() - start
        accuracy = net.metadata["training"]["held_out_accuracy"]
        print(f"accuracy: recipe {recipe} on {data}: held-out {accuracy:.2%} on the {outcome.held_out_set} "
              f"(target >= {target:.1%}) in {seconds:.0f} s")
        results[recipe] = {"data": data, "accuracy": accuracy, "seconds": seconds}
    return results


def bench_fidelity(network_file=None):
    """How much accuracy survives redrawing real test digits as 280x280 pen strokes."""
    from mnistbench.fidelity import measure_fidelity
    from mnistbench.netfile import BUNDLED_NETWORKS, load_network

    network_file = network_file or BUNDLED_NETWORKS / "best-mnist.nn"
    net = load_network(network_file)
    dataset = load_dataset("mnist-10k-split")
    result = measure_fidelity(net.predict, dataset.test_images, dataset.test_labels, seed=0, n=1000)
    print(f"fidelity ({Path(network_file).name}, 1,000 mnist-10k-split test digits redrawn as strokes):")
    print(f"  originals {result['original_accuracy']:.2%}, redrawn+preprocessed "
          f"{result['redrawn_accuracy']:.2%}: drop {result['drop_points']:.1f} points (target <= 2)")
    print(f"  naive resize without crop/centring: {result['naive_accuracy']:.2%}")
    return result


def bench_peers(data=None):
    """Epoch time of PyTorch and scikit-learn on the reference work, beside ours (when installed)."""
    X, y, source = reference_data(data)
    reference_network().fit(X[:2048], y[:2048], REFERENCE_CONFIG.replace(epochs=1))  # warm-up, like the peers'
    ours = _seconds(lambda: reference_network().fit(X, y, REFERENCE_CONFIG.replace(epochs=1)))
    print(f"peers ({source}, one epoch of the reference configuration):")
    print(f"  mnistbench    {ours:6.2f} s")
    results = {"mnistbench": ours}
    for name, run in (("pytorch", _torch_epoch), ("scikit-learn", _sklearn_epoch)):
        try:
            run(X[:2048], y[:2048])  # warm-up: first-call set-up is not an epoch's cost
            seconds = _seconds(lambda: run(X, y))
        except ImportError:
            print(f"  {name:<13} not installed")
            continue
        results[name] = seconds
        print(f"  {name:<13} {seconds:6.2f} s   mnistbench is {seconds / ours:.2f}x as fast")
    return results


def _seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _torch_epoch(X, y):
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    inputs, labels = torch.from_numpy(X), torch.from_numpy(np.asarray(y, dtype=np.int64))
    for index in torch.randperm(len(inputs)).split(128):
        optimizer.zero_grad()
        loss_fn(model(inputs[index]), labels[index]).backward()
        optimizer.step()


def _sklearn_epoch(X, y):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(256, 128), solver="adam", learning_rate_init=1e-3,
                          batch_size=128, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
