"""What training reports: small frozen records holding copies, never live weights.

A caller's callbacks receive them; they are safe to pass to another thread.
``record_run`` appends a finished run to the network's own training record.
"""

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class BatchReport:
    epoch: int  # from 1
    batch: int  # from 1 within the epoch
    batches_per_epoch: int
    samples_seen: int  # since this run started
    loss: float  # this batch's mean loss
    accuracy: float  # running accuracy over this epoch so far
    samples_per_second: float  # over this epoch so far
    learning_rate: float


@dataclass(frozen=True)
class EvaluationReport:
    epoch: int
    batch: int
    samples_seen: int
    validation_loss: float  # on a random validation subset
    validation_error: float  # fraction misclassified on that subset


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    validation_loss: Optional[float]  # on the whole validation set, None without one
    validation_accuracy: Optional[float]
    seconds: float
    network: object  # a copy of the network at the end of this epoch


@dataclass(frozen=True)
class TrainingResult:
    stop_reason: str  # completed | stopped | early_stopping | diverged
    message: str  # one line for a person
    epochs_completed: int
    seconds: float
    history: dict  # per-epoch lists, JSON-safe

    @property
    def stopped_early(self):
        return self.stop_reason != "completed"


@dataclass
class TrainingCallbacks:
    on_batch: Optional[Callable[[BatchReport], None]] = None
    on_evaluation: Optional[Callable[[EvaluationReport], None]] = None
    on_epoch: Optional[Callable[[EpochReport], None]] = None


def record_run(net, config, result):
    """Append this run to the network's training record (kept in the file trailer)."""
    record = net.metadata.setdefault("training", {})
    record["epochs"] = record.get("epochs", 0) + result.epochs_completed
    history = record.setdefault("history", {})
    for key, values in result.history.items():
        history.setdefault(key, []).extend(values)
    record.setdefault("runs", []).append({
        "config": config.describe(), "epochs": result.epochs_completed,
        "stop_reason": result.stop_reason, "seconds": round(result.seconds, 3)})
