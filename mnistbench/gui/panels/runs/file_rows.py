"""The rows of a folder of network files (or the bundled networks), re-measured where that is honest.

Qt-free: the Runs dock runs it off the GUI thread. A network trained on the
dataset the window has loaded is tested on its test half with the seen-data
check (``network_rows.measure_rows``): a network that trained on some of
those images gets the warning and its accuracy on the others. A network of
another dataset keeps the figure its record holds.
"""

from pathlib import Path

from mnistbench.bundled import bundled_names
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import DEFAULT_EXTENSION
from mnistbench.workflows.network_rows import measure_rows, network_row
from mnistbench.workflows.run_rows import RunRow


def file_rows(folder=None, dataset=None) -> list:
    """RunRows of every ``.nn`` file in ``folder`` (bundled networks when None), sorted by name.

    A file that cannot be read becomes a row with status "unreadable" and its one-line reason.
    """
    if folder is None:
        names = bundled_names()
    else:
        if not Path(folder).is_dir():
            raise MnistbenchError(f"{folder}: not a folder")
        names = sorted(Path(folder).glob("*" + DEFAULT_EXTENSION))
    rows = []
    for name in names:
        try:
            row, net = network_row(name)
            if dataset is not None and dataset.n_test and row.dataset == dataset.name:
                row = measure_rows([(row, net)], dataset)[0]
        except MnistbenchError as error:
            row = unreadable_row(name, str(error))
        rows.append(row)
    return rows


def unreadable_row(path, reason):
    """A row saying why a file could not be read (the table lists it all the same)."""
    return RunRow(id=None, status="unreadable", network=str(path), layer_sizes=(), parameters=0, dataset="",
                  held_out_accuracy=None, held_out_set="", seconds=None, epochs=0, message=reason)
