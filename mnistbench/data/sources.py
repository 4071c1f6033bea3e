"""What can be downloaded: each dataset's four files (exact size, SHA-256) and its mirrors."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExpectedFile:
    """A file we know by name, exact size in bytes and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


MNIST_FILES = (  # published checksums, see ../shared/datasets/README.md
    ExpectedFile("train-images-idx3-ubyte.gz", 9912422,
                 "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    ExpectedFile("train-labels-idx1-ubyte.gz", 28881,
                 "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    ExpectedFile("t10k-images-idx3-ubyte.gz", 1648877,
                 "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    ExpectedFile("t10k-labels-idx1-ubyte.gz", 4542,
                 "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
)
DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
# The official files (published MD5s 8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…, as torchvision
# lists them). Debian's copies differ only in the gzip header: tests/test_download.py rebuilds
# the official bytes from them and checks both tables.
FASHION_MNIST_FILES = (
    ExpectedFile("train-images-idx3-ubyte.gz", 26421880,
                 "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
    ExpectedFile("train-labels-idx1-ubyte.gz", 29515,
                 "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
    ExpectedFile("t10k-images-idx3-ubyte.gz", 4422102,
                 "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    ExpectedFile("t10k-labels-idx1-ubyte.gz", 5148,
                 "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
)
FASHION_MNIST_MIRRORS = (
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # http only; the SHA-256 guards it
)


@dataclass(frozen=True)
class DatasetSource:
    """Where a downloadable dataset comes from: its label in messages, its files and mirrors."""

    label: str
    files: tuple
    mirrors: tuple


SOURCES = {
    "mnist": DatasetSource("MNIST", MNIST_FILES, DEFAULT_MIRRORS),
    "fashion-mnist": DatasetSource("Fashion-MNIST", FASHION_MNIST_FILES, FASHION_MNIST_MIRRORS),
}
