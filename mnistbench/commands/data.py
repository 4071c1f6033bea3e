"""`mnistbench data`: what datasets are present and where; download; import a folder."""

import sys

from tqdm import tqdm

from mnistbench.data import KNOWN_DATASETS, available_datasets, download_mnist, import_folder, locate_dataset


def data_command(args):
    action = args.action or "list"
    if action == "download":
        with tqdm(unit="B", unit_scale=True, desc="MNIST", file=sys.stderr, disable=None) as bar:
            def progress(done, total, filename):
                bar.total = total
                bar.set_postfix_str(filename, refresh=False)
                bar.update(done - bar.n)
            folder = download_mnist(progress=progress)
        print(f"MNIST is ready in {folder}")
        return 0
    if action == "import":
        location = import_folder(args.folder, args.name, replace=args.replace)
        print(f"imported '{location.name}': {location.n_train:,} training + {location.n_test:,} "
              f"test images, now in {location.folder}")
        return 0
    return _list()


def _list():
    found = available_datasets()
    for location in found:
        halves = f"{location.n_train:>6,} train {location.n_test:>6,} test"
        state = f"  PROBLEM: {location.problem}" if location.problem else ""
        print(f"{location.name:<16} {halves}  {location.folder}{state}")
    missing = [name for name in KNOWN_DATASETS if locate_dataset(name) is None]
    if not found:
        print("no datasets found")
    if "mnist" in missing or not any(loc.name == "mnist" and loc.has_train for loc in found):
        print("MNIST training set missing: `mnistbench data download`, or `mnistbench data import FOLDER`")
    return 0
