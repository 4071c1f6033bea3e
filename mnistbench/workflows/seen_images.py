"""Which images a network has trained on: one 64-bit hash per image, kept in its training record.

An accuracy measured on images the network learned from says little about new
ones. Every run adds the images it trained on (not the ones it held out) to
``training["training_images"]``, so ``mnistbench test`` and the window can
count the test images the network has already seen and judge it on the others.

Stored as sorted, distinct little-endian uint64 hashes, base64 in chunks of
``CHUNK`` hashes (each string stays under the trailer's string limit):
480 KB of hashes for 60,000 images. A hash is of the image's pixels only, so an
image seen under another label still counts as seen. ``complete`` is false
when an earlier run of the network did not record its images.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass

import numpy as np

from mnistbench.errors import NetworkFileError

HASH_NAME = "blake2b-64"  # of the image's uint8 pixels, row by row
CHUNK = 50_000  # hashes per base64 string: 533,336 characters


def image_hashes(images) -> np.ndarray:
    """uint64 (n,): one hash per image of ``images`` (uint8, n x h x w)."""
    rows = np.ascontiguousarray(images, dtype=np.uint8).reshape(len(images), -1)
    return np.fromiter((int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little")
                        for row in rows), dtype=np.uint64, count=len(rows))


@dataclass(frozen=True, eq=False)
class SeenImages:
    """The images one network has trained on, as a sorted array of distinct hashes."""

    hashes: np.ndarray  # uint64 (m,), sorted, distinct
    complete: bool = True  # False when some run before the first recorded one trained on unknown images

    @classmethod
    def from_images(cls, images, complete=True):
        return cls(np.unique(image_hashes(images)), complete)

    def union(self, other: "SeenImages") -> "SeenImages":
        return SeenImages(np.union1d(self.hashes, other.hashes), self.complete and other.complete)

    def contains(self, images) -> np.ndarray:
        """bool (n,): which of ``images`` are among these."""
        return np.isin(image_hashes(images), self.hashes)

    def to_record(self) -> dict:
        data = self.hashes.astype("<u8").tobytes()
        step = CHUNK * 8
        chunks = [base64.b64encode(data[i:i + step]).decode("ascii") for i in range(0, len(data), step)]
        return {"hash": HASH_NAME, "count": int(len(self.hashes)), "complete": self.complete, "chunks": chunks}

    @classmethod
    def from_record(cls, entry: dict) -> "SeenImages":
        """Read back ``to_record``'s dict; a damaged entry is one NetworkFileError line."""
        where = "the training record's training_images"
        if entry.get("hash") != HASH_NAME:
            raise NetworkFileError(f"{where} uses hash {entry.get('hash')!r}; this version knows {HASH_NAME}")
        try:
            data = b"".join(base64.b64decode(chunk, validate=True) for chunk in entry.get("chunks", []))
        except (binascii.Error, ValueError) as error:
            raise NetworkFileError(f"{where} is not valid base64 ({error})") from None
        if len(data) % 8 or len(data) // 8 != entry.get("count"):
            raise NetworkFileError(f"{where} holds {len(data) / 8:g} hashes, not the {entry.get('count')} "
                                   f"it says")
        hashes = np.frombuffer(data, dtype="<u8").astype(np.uint64)
        if len(hashes) > 1 and not np.all(hashes[1:] > hashes[:-1]):
            raise NetworkFileError(f"{where} is not sorted")
        return cls(hashes, bool(entry.get("complete", True)))


def recorded_seen_images(net):
    """The network's recorded training images (SeenImages), or None when its record does not list them."""
    entry = net.metadata.get("training", {}).get("training_images")
    return SeenImages.from_record(entry) if isinstance(entry, dict) else None


def seen_after_run(net, trained_images) -> SeenImages:
    """What ``net`` has seen once the run on ``trained_images`` (uint8) is recorded: earlier runs too."""
    record = net.metadata.get("training", {})
    new = SeenImages.from_images(trained_images)
    earlier = recorded_seen_images(net)
    if earlier is not None:
        return earlier.union(new)
    earlier_runs = len(record.get("runs", [])) - 1  # the engine has already appended this run
    return SeenImages(new.hashes, complete=earlier_runs <= 0)
