"""`mnistbench test`, `info` and `predict`: what a saved network does and is."""

import json
import sys

import numpy as np

from mnistbench.data import load_dataset
from mnistbench.errors import DatasetError
from mnistbench.images import save_digit_grid
from mnistbench.bundled import resolve_network
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import load_network
from mnistbench.workflows.evaluation import evaluate_test_set, seen_warning
from mnistbench.workflows.training_record import find_evaluation_dataset


def test_command(args):
    net = load_network(resolve_network(args.file))
    if args.data:
        dataset, note = load_dataset(args.data), ""
    else:
        dataset, note = find_evaluation_dataset(net)
    if net.layer_sizes[-1] != len(dataset.class_names):
        raise DatasetError(f"{args.file} has {net.layer_sizes[-1]} outputs but {dataset.name} has "
                           f"{len(dataset.class_names)} classes: it cannot be tested on it")
    for line in filter(None, [note, classes_mismatch(net, dataset)]):
        print(f"mnistbench: {line}", file=sys.stderr)
    everything = evaluate_test_set(net, dataset)
    if everything.seen is None:
        print("mnistbench: note: this network's record does not list its training images, so it cannot "
              "say whether any of these test images were trained on", file=sys.stderr)
    # --unseen: every figure below is about the images never trained on; numbers stay the test set's
    numbers = np.flatnonzero(~everything.seen) if args.unseen and everything.seen is not None \
        else np.arange(everything.count)
    result = everything.unseen() if args.unseen else everything
    worst = result.worst_mistakes(args.count)
    if args.mistakes and len(worst):
        classes = result.class_names
        captions = [f"#{numbers[i]} true {classes[result.true_labels[i]]} → "
                    f"{classes[result.predicted_labels[i]]} ({result.confidences[i]:.0%})" for i in worst]
        save_digit_grid(args.mistakes, result.images[worst], captions)
    if args.json:
        print(json.dumps(_test_json(args, dataset, everything, result), indent=2))
        return 0
    _print_test(args, dataset, everything, result)
    if args.mistakes:
        print(f"wrote the {len(worst)} worst mistakes to {args.mistakes}" if len(worst)
              else f"no mistakes: {args.mistakes} not written")
    return 0


def _test_json(args, dataset, everything, result):
    known = everything.seen is not None
    unseen = everything.unseen()
    return {"file": str(args.file), "dataset": dataset.name, "images": everything.count,
            "accuracy": everything.accuracy, "seen_in_training": everything.seen_count,
            "unseen_images": unseen.count if known else None,
            "unseen_accuracy": _nan_to_none([unseen.accuracy])[0] if known else None,
            "figures_on": "unseen images" if args.unseen else "all images", "classes": list(result.class_names),
            "precision": _nan_to_none(result.precision), "recall": _nan_to_none(result.recall),
            "confusion_matrix": result.confusion.tolist()}


def _print_test(args, dataset, everything, result):
    print(f"{args.file}: accuracy {everything.accuracy:.2%} on {everything.count:,} "
          f"{dataset.name} test images")
    if seen_warning(everything):
        print(f"warning: {seen_warning(everything)}")
    if result is not everything:
        print(f"the figures below are about the {result.count:,} images it did not train on")
    print(f"{'class':>12} {'precision':>9} {'recall':>7}")
    for name, p, r in zip(result.class_names, result.precision, result.recall):
        print(f"{name:>12} {p:9.2%} {r:7.2%}")
    print("confusion matrix (rows: true, columns: predicted)")
    width = max(5, len(str(result.confusion.max())) + 1)
    print(" " * 4 + "".join(f"{i:>{width}}" for i in range(len(result.class_names))))
    for i, row in enumerate(result.confusion):
        print(f"{i:>4}" + "".join(f"{n:>{width}}" for n in row))


def classes_mismatch(net, dataset) -> str:
    """One line when the network was trained on other classes than ``dataset``'s; else ""."""
    trained = net.metadata.get("class_names")
    if not isinstance(trained, list) or list(trained) == list(dataset.class_names):
        return ""
    return (f"warning: this network was trained on the classes {_short(trained)}, "
            f"but {dataset.name} has {_short(dataset.class_names)}: its figures mean little here")


def _short(names):
    names = [str(n) for n in names]
    return ", ".join(names[:4]) + (f", … ({len(names)} classes)" if len(names) > 4 else "")


def info_command(args):
    if args.engine:
        return engine_info(args.json)
    if args.file is None:
        raise MnistbenchError("info needs a network file or a bundled network's name (or --engine)")
    net = load_network(resolve_network(args.file))
    record = net.metadata.get("training", {})
    if args.json:
        print(json.dumps({"file": str(args.file), "layers": list(net.layer_sizes),
                          "activations": net.activations, "loss": net.loss,
                          "parameters": net.parameter_count, "training": record,
                          "created": net.metadata.get("created"), "program": net.metadata.get("program")},
                         indent=2))
        return 0
    print(f"{args.file}: {len(net.layer_sizes)} layers {'-'.join(map(str, net.layer_sizes))}, "
          f"{net.parameter_count:,} parameters")
    print(f"activations: {', '.join(net.activations)}; loss: {net.loss}")
    if "activations" not in net.metadata:
        print("no metadata trailer: the original tools' format (sigmoid everywhere)")
    if record:
        accuracy = record.get("held_out_accuracy")
        print(f"trained on {_dataset_name(record)} for {record.get('epochs', '?')} epochs"
              + (f"; held-out accuracy {accuracy:.2%} ({record.get('held_out_set', '')})" if accuracy else ""))
        for run in record.get("runs", []):
            c = run.get("config", {})
            print(f"  run: {run.get('epochs')} epochs, {c.get('optimizer')} lr {c.get('learning_rate')}, "
                  f"batch {c.get('batch_size')}, dropout {c.get('dropout')}, augment {c.get('augment')}, "
                  f"{run.get('seconds')} s, {run.get('stop_reason')}")
    for key in ("created", "program"):
        if key in net.metadata:
            print(f"{key}: {net.metadata[key]}")
    return 0


def engine_info(as_json=False):
    """Which engine path trains in this installation, with NumPy's and the BLAS library's versions."""
    from mnistbench.bench_rounds import blas_description
    from mnistbench.engine import fast_kernels

    engine = fast_kernels.engine_description()
    fast = fast_kernels.load() is not None
    blas = blas_description()
    if as_json:
        print(json.dumps({"engine": "numba" if fast else "numpy", "description": engine,
                          "numpy": np.__version__, "blas": blas}, indent=2))
        return 0
    print(f"engine: {engine}")
    print(f"numpy {np.__version__}; BLAS: {blas}")
    return 0


def _dataset_name(record):
    dataset = record.get("dataset", "?")  # a bare name in files written before the full description
    return dataset.get("name", "?") if isinstance(dataset, dict) else dataset


def _nan_to_none(values):
    return [None if np.isnan(v) else float(v) for v in values]
