#!/usr/bin/env bash
# Re-make the bundled networks in mnistbench/networks/ (the package data) from their recipes (see README).
# Needs the mnist-10k-split and fashion-mnist datasets (MNISTBENCH_DATASETS or the user cache).
# Each file records a hash of every image it trained on, so `mnistbench test` can tell seen test images.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MNISTBENCH:-.venv/bin/mnistbench}
$MB train --recipe classic --data mnist-10k-split --out mnistbench/networks/classic-784-30-10.nn --quiet
$MB train --recipe best-mnist --data mnist-10k-split --out mnistbench/networks/best-mnist.nn --quiet
$MB train --recipe best-fashion --data fashion-mnist --out mnistbench/networks/best-fashion.nn --quiet
# What each file now says of itself (held-out accuracy and what it was measured on):
$MB networks
