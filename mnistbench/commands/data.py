"""`mnistbench data`: what datasets are present and where; download; import a folder or mnist.pkl.gz."""

import json
import sys
from pathlib import Path

from tqdm import tqdm

from mnistbench.data import (
    KNOWN_DATASETS,
    SOURCES,
    available_datasets,
    download_dataset,
    import_folder,
    import_nielsen_pickle,
    locate_dataset,
)


def add_data_parser(commands):
    """Add the `data` subcommand (list, download, import) to ``commands`` (argparse subparsers)."""
    p = commands.add_parser("data", help="list, download or import datasets")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="which datasets are present, and where")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    download = actions.add_parser("download", help="download MNIST (11 MB) or Fashion-MNIST (30 MB) "
                                                   "into the per-user cache")
    download.add_argument("dataset", nargs="?", choices=tuple(SOURCES), default="mnist",
                          help="which dataset (default: mnist)")
    imp = actions.add_parser("import", help="validate a folder of IDX files, or Nielsen's mnist.pkl.gz, "
                                            "and copy it into the cache")
    imp.add_argument("folder", help="a folder of IDX files, or mnist.pkl.gz (read without unpickling: "
                                    "its training and validation parts become the training set)")
    imp.add_argument("--name", default=None, help="dataset name (default: the folder's name, or the "
                                                  "file's up to its first dot)")
    imp.add_argument("--replace", action="store_true", help="replace a dataset of that name")
    return p


def data_command(args):
    action = args.action or "list"
    if action == "download":
        name = getattr(args, "dataset", "mnist")  # a parser from before add_data_parser had no choice
        label = SOURCES[name].label if name in SOURCES else name
        with tqdm(unit="B", unit_scale=True, desc=label, file=sys.stderr, disable=None) as bar:
            def progress(done, total, filename):
                bar.total = total
                bar.set_postfix_str(filename, refresh=False)
                bar.update(done - bar.n)
            folder = download_dataset(name, progress=progress)
        print(f"{label} is ready in {folder}")
        return 0
    if action == "import":
        source = import_nielsen_pickle if Path(args.folder).is_file() else import_folder
        location = source(args.folder, args.name, replace=args.replace)
        print(f"imported '{location.name}': {location.n_train:,} training + {location.n_test:,} "
              f"test images, now in {location.folder}")
        return 0
    return _list(getattr(args, "json", False))  # likewise --json


def _list(as_json=False):
    found = available_datasets()
    if as_json:
        print(json.dumps([{
            "name": loc.name, "folder": str(loc.folder), "train_images": loc.n_train, "test_images": loc.n_test,
            "problem": loc.problem or None} for loc in found], indent=2))
        return 0
    for location in found:
        halves = f"{location.n_train:>6,} train {location.n_test:>6,} test"
        state = f"  PROBLEM: {location.problem}" if location.problem else ""
        print(f"{location.name:<16} {halves}  {location.folder}{state}")
    missing = [name for name in KNOWN_DATASETS if locate_dataset(name) is None]
    if not found:
        print("no datasets found")
    if "mnist" in missing or not any(loc.name == "mnist" and loc.has_train for loc in found):
        print("MNIST training set missing: `mnistbench data download`, "
              "or `mnistbench data import FOLDER --name mnist`")
    return 0
