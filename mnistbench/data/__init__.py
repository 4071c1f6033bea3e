"""Data: IDX files, datasets by name or folder, and the MNIST and Fashion-MNIST downloads."""

from mnistbench.data.datasets import (
    DIGIT_CLASSES,
    FASHION_CLASSES,
    KNOWN_DATASETS,
    Dataset,
    DatasetLocation,
    available_datasets,
    cache_dir,
    import_folder,
    inspect_folder,
    load_dataset,
    load_folder,
    locate_dataset,
    to_inputs,
)
from mnistbench.data.download import DownloadCancelled, download_dataset, download_mnist
from mnistbench.data.sources import (
    DEFAULT_MIRRORS,
    FASHION_MNIST_FILES,
    MNIST_FILES,
    SOURCES,
    DatasetSource,
    ExpectedFile,
)
from mnistbench.data.idx import IdxHeader, read_idx, read_idx_header, write_idx
from mnistbench.data.nielsen_pickle import import_nielsen_pickle, load_data_wrapper

__all__ = [
    "DEFAULT_MIRRORS", "DIGIT_CLASSES", "FASHION_CLASSES", "FASHION_MNIST_FILES", "KNOWN_DATASETS",
    "MNIST_FILES", "SOURCES", "Dataset", "DatasetLocation", "DatasetSource", "DownloadCancelled",
    "ExpectedFile", "IdxHeader", "available_datasets", "cache_dir", "download_dataset", "download_mnist",
    "import_folder", "import_nielsen_pickle", "inspect_folder", "load_data_wrapper",
    "load_dataset", "load_folder", "locate_dataset", "read_idx", "read_idx_header",
    "to_inputs", "write_idx",
]
