"""Data: IDX files, datasets by name or folder, and the MNIST download."""

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
from mnistbench.data.download import (
    DEFAULT_MIRRORS,
    MNIST_FILES,
    DownloadCancelled,
    ExpectedFile,
    download_mnist,
)
from mnistbench.data.idx import IdxHeader, read_idx, read_idx_header, write_idx

__all__ = [
    "DEFAULT_MIRRORS", "DIGIT_CLASSES", "FASHION_CLASSES", "KNOWN_DATASETS", "MNIST_FILES",
    "Dataset", "DatasetLocation", "DownloadCancelled", "ExpectedFile", "IdxHeader",
    "available_datasets", "cache_dir", "download_mnist", "import_folder", "inspect_folder",
    "load_dataset", "load_folder", "locate_dataset", "read_idx", "read_idx_header",
    "to_inputs", "write_idx",
]
