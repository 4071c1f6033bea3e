"""Width scaling against PyTorch: one epoch of a wide and of the reference network, alternating.

A quick check beside `mnistbench bench peers` (which times the reference
network only, in warm processes): 20,000 Fashion-MNIST images, Adam 1e-3,
ReLU/softmax, batch 128 and 256, three alternating rounds after a warm-up,
both in this process, PyTorch with 2 threads. Needs torch installed.

    MNISTBENCH_DATASETS=../shared/datasets python scripts/compare_widths_with_pytorch.py
"""

import statistics
import time

import numpy as np
import torch

from mnistbench.data import load_dataset, to_inputs
from mnistbench.engine import fast_kernels
from mnistbench.engine.network import Network

SHAPES = ([784, 1024, 1024, 10], [784, 256, 128, 10])
BATCH_SIZES = (128, 256)
ROUNDS = 3


def mnistbench_epoch(X, y, sizes, batch_size):
    net = Network(sizes, activation="relu", loss="cross_entropy", init="he", seed=0)
    start = time.perf_counter()
    net.fit(X, y, epochs=1, batch_size=batch_size, optimizer="adam", learning_rate=1e-3, evaluations_per_epoch=0)
    return time.perf_counter() - start


def pytorch_epoch(X, y, sizes, batch_size):
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer, loss_of = torch.optim.Adam(model.parameters(), 1e-3), torch.nn.CrossEntropyLoss()
    inputs, labels = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    start = time.perf_counter()
    order = torch.randperm(len(inputs))
    for i in range(0, len(inputs), batch_size):
        batch = order[i:i + batch_size]
        optimizer.zero_grad()
        loss_of(model(inputs[batch]), labels[batch]).backward()
        optimizer.step()
    return time.perf_counter() - start


def main():
    torch.set_num_threads(2)
    dataset = load_dataset("fashion-mnist")
    X, y = to_inputs(dataset.train_images[:20000]), dataset.train_labels[:20000]
    print(fast_kernels.engine_description())
    for sizes in SHAPES:
        for batch_size in BATCH_SIZES:
            mnistbench_epoch(X, y, sizes, batch_size), pytorch_epoch(X, y, sizes, batch_size)  # warm-up
            speedups = [pytorch_epoch(X, y, sizes, batch_size) / mnistbench_epoch(X, y, sizes, batch_size)
                        for _ in range(ROUNDS)]
            print(f"{'-'.join(map(str, sizes))} batch {batch_size}: mnistbench is "
                  f"{statistics.median(speedups):.2f}x ({min(speedups):.2f}-{max(speedups):.2f}) as fast as PyTorch",
                  flush=True)


if __name__ == "__main__":
    main()
