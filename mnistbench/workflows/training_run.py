"""Train and record: the one call every training run goes through (CLI, window, bench, fine-tuning).

It splits the data by the shared rule, trains, judges the network on data it
never trained on, and writes the same training record into the network.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from mnistbench.engine.training import TrainingResult, train
from mnistbench.workflows.evaluation import Evaluation, evaluate, evaluate_test_set
from mnistbench.workflows.seen_images import seen_after_run
from mnistbench.workflows.training_record import record_training
from mnistbench.workflows.validation_split import TrainingData, training_data


@dataclass(frozen=True, eq=False)
class TrainingOutcome:
    result: TrainingResult
    evaluation: Optional[Evaluation]  # on data never trained on, or None when there is none
    held_out_set: str  # what ``evaluation`` is about, for a person ("" without one)
    data: TrainingData  # the split that was used


def train_and_record(net, dataset, config, *, holdout=0, callbacks=None, control=None,
                     data=None, on_trained=None, recorder=None) -> TrainingOutcome:
    """Train ``net`` in place on ``dataset`` and record the run in ``net.metadata["training"]``.

    ``data`` is ``training_data(dataset, config, holdout)`` when the caller already made it;
    ``on_trained()`` is called as soon as training ends, before the evaluation (from then on
    the CLI protects the run from Ctrl-C until it is saved). ``recorder`` (a
    ``workflows.run_recorder.RunRecorder``) also keeps the run in the runs store.
    """
    data = data or training_data(dataset, config, holdout)
    if recorder is not None:
        return recorder.record(lambda recorded: train_and_record(net, dataset, config, callbacks=recorded,
                                                                 control=control, data=data,
                                                                 on_trained=on_trained),
                               net, dataset, config, data, callbacks)
    result = train(net, data.X, data.y, config, validation=data.validation, callbacks=callbacks,
                   control=control)
    if on_trained is not None:
        on_trained()
    seen = seen_after_run(net, trained_images(dataset, data))
    evaluation, held_out_set, tested_on = held_out_evaluation(net, dataset, data)
    if evaluation is not None and evaluation.images is not None:
        evaluation = evaluation.with_seen(seen.contains(evaluation.images))
    record_training(net, dataset, result, data.description,
                    (evaluation, held_out_set) if evaluation is not None else None, tested_on, seen)
    return TrainingOutcome(result, evaluation, held_out_set, data)


def trained_images(dataset, data):
    """uint8 images of ``dataset`` the run trained on: its training half less any held out."""
    if data.held_out is None:
        return dataset.train_images
    keep = np.ones(dataset.n_train, dtype=bool)
    keep[data.held_out] = False
    return dataset.train_images[keep]


def held_out_evaluation(net, dataset, data):
    """(Evaluation, description, dataset tested on): the test half, else the held-out training images."""
    if dataset.n_test:
        return (evaluate_test_set(net, dataset), f"{dataset.name} test set ({dataset.n_test} images)",
                dataset)
    if data.held_out is not None:
        X, y = data.validation
        evaluation = evaluate(net, X, y, dataset.class_names, images=dataset.train_images[data.held_out])
        return evaluation, f"{len(y)} {dataset.name} training images held out", None
    return None, "", None
