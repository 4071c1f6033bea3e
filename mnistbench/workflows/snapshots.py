"""Copies of a network taken while it trains, kept within a memory budget: the time-machine's film.

A run keeps the network it started from, a copy at the end of every epoch
(the engine's ``EpochReport.network``) and, on short runs, a few copies
inside the first epoch, where most of the visible change happens. When the
copies outgrow the budget they are thinned evenly: every other one goes (the
start and the newest always stay), and from then on only every second, fourth,
… new copy is kept for good, so the survivors stay evenly spaced in time.
Qt-free: the training worker calls ``InEpochSnapshots`` between batches.
"""

from dataclasses import dataclass
from typing import Optional

DEFAULT_BUDGET = 200 * 1024 * 1024  # bytes of weights and biases kept, over all copies
SHORT_RUN_EPOCHS = 10  # runs of at most this many epochs also get copies inside their first epoch
IN_EPOCH_FRACTIONS = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2)  # of the first epoch: early change is fastest


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The network at one moment of a run: before it (epoch 0), inside epoch 1, or at an epoch's end."""

    epoch: int  # 0 = before training; from 1
    batch: Optional[int]  # the batch just done inside ``epoch``; None at the end of the epoch (or the start)
    batches_per_epoch: int  # 0 when unknown (the start)
    network: object  # a copy nobody trains: safe to show and to hand to other threads

    @property
    def position(self) -> float:
        """Where the copy was taken, in epochs since the run started (0.25 = a quarter into epoch 1)."""
        if self.batch is None:
            return float(self.epoch)
        return self.epoch - 1 + self.batch / max(self.batches_per_epoch, 1)

    def label(self) -> str:
        if self.epoch == 0:
            return "before training"
        if self.batch is None:
            return f"end of epoch {self.epoch}"
        return f"epoch {self.epoch}, batch {self.batch:,} of {self.batches_per_epoch:,}"


def network_bytes(net) -> int:
    """Memory held by the network's weights and biases."""
    return sum(int(a.nbytes) for a in (*net.weights, *net.biases))


def in_epoch_batches(batches_per_epoch: int, epochs: int) -> frozenset:
    """Batch numbers of the first epoch after which a short run keeps a copy (none on long runs)."""
    if epochs > SHORT_RUN_EPOCHS:
        return frozenset()
    picked = {max(1, round(batches_per_epoch * f)) for f in IN_EPOCH_FRACTIONS}
    return frozenset(b for b in picked if b < batches_per_epoch)  # the last one is the epoch's own copy


class InEpochSnapshots:
    """An ``on_batch`` hook: copies ``net`` after the chosen batches of epoch 1 and passes them to ``emit``.

    After epoch 1 it costs one comparison per batch; it only reads the network,
    so training results stay bit-identical.
    """

    def __init__(self, net, epochs: int, emit):
        self.net, self.epochs, self.emit = net, epochs, emit
        self._batches = None

    def __call__(self, report) -> None:
        if report.epoch != 1:
            return
        if self._batches is None:
            self._batches = in_epoch_batches(report.batches_per_epoch, self.epochs)
        if report.batch in self._batches:
            self.emit(Snapshot(1, report.batch, report.batches_per_epoch, self.net.copy()))


class SnapshotStore:
    """The copies of one run, oldest first, holding at most ``budget_bytes`` (but always the first and newest)."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET):
        self.budget_bytes = budget_bytes
        self.clear()

    def clear(self) -> None:
        self._kept = []  # (sequence number, Snapshot)
        self._added = 0  # snapshots added since clear(): the next sequence number
        self._stride = 1  # a copy is kept for good when its sequence number is a multiple of this

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, index) -> Snapshot:
        return self._kept[index][1]

    @property
    def snapshots(self) -> list:
        return [snapshot for _, snapshot in self._kept]

    @property
    def sequences(self) -> list:
        """The kept copies' sequence numbers (the order they were added in, from 0)."""
        return [sequence for sequence, _ in self._kept]

    @property
    def nbytes(self) -> int:
        return sum(network_bytes(s.network) for _, s in self._kept)

    def add(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` as the newest; thin the others evenly while over budget."""
        if self._kept and self._kept[-1][0] % self._stride:
            self._kept.pop()  # the previous newest was only kept for being the newest
        self._kept.append((self._added, snapshot))
        self._added += 1
        while len(self._kept) > 2 and self.nbytes > self.budget_bytes:
            self._stride *= 2
            newest = self._kept[-1]
            self._kept = [item for item in self._kept[:-1] if item[0] % self._stride == 0] + [newest]
