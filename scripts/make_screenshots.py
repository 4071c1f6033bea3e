"""Screenshots of the real workbench for the README: the whole window and each dock.

Builds the MainWindow offscreen, trains a tiny network in it for real (on
$MNISTBENCH_DATASETS/mnist-10k-split when set, else on synthetic digits), shows
a test image in the inspector and a digit on the pad, then grabs everything
into docs/screenshots/window.png and docs/screenshots/dock_<name>.png.

    python scripts/make_screenshots.py [--out docs/screenshots]
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MNISTBENCH_CONFIG"] = tempfile.mkdtemp(prefix="mnistbench-shots-")  # the default layout
os.environ["MNISTBENCH_CACHE"] = tempfile.mkdtemp(prefix="mnistbench-shots-cache-")  # no user's digits
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

MAX_BYTES = 150_000
WINDOW_SIZE = (1500, 950)  # the first window on a 1600x1000 screen is about this


def data_folder(scratch):
    """The data in a neutral folder of its own: the log in the pictures shows where it was read from."""
    shared = os.environ.get("MNISTBENCH_DATASETS")
    if shared and (Path(shared) / "mnist-10k-split").is_dir():
        return Path(shutil.copytree(Path(shared) / "mnist-10k-split", scratch / "datasets" / "mnist-10k-split"))
    from idx_factory import write_synthetic_dataset

    return write_synthetic_dataset(scratch / "synthetic", n_train=2000, n_test=500, seed=0)


def save_small(pixmap, path):
    """PNG, palette-reduced when that keeps it under ~150 KB."""
    buffer = QBuffer()
    buffer.open(QBuffer.ReadWrite)
    pixmap.save(buffer, "PNG")
    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  "
          f"{pixmap.width()}x{pixmap.height()}  {path.stat().st_size // 1024} KB")


def settle(app, ms=300):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def train_in_window(window, app):
    form = window.training_panel.training_form
    form.epochs.setValue(3)
    window.training_panel.network_form.set_hidden_sizes([32])
    window.files.initialise_from_panel()
    loop = QEventLoop()
    window.controller.sig_finished.connect(lambda result: loop.quit())
    window.controller.sig_failed.connect(lambda message: loop.quit())
    QTimer.singleShot(0, window.training.train_from_panel)
    loop.exec()
    settle(app, 500)


def show_inputs(window, scratch):
    """A test image in the inspector; the same digit, enlarged, on the pad."""
    window.image_browser_panel.show_index(0)
    images = window.state.dataset.test_images
    digit = Image.fromarray(255 - images[0]).resize((280, 280), Image.LANCZOS)  # dark ink on white
    digit.save(scratch / "digit.png")
    window.digit_pad_panel.open_image(scratch / "digit.png")
    for index in range(1, 13):  # as if kept from the pad
        window.own_digits_panel.add_digit(images[index].reshape(784) / 255.0,
                                          int(window.state.dataset.test_labels[index]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="mnistbench-shots-data-"))
    folder = data_folder(scratch)
    os.environ["MNISTBENCH_DATASETS"] = str(folder.parent)  # the session starts from the neutral copy too
    app = QApplication.instance() or QApplication([])
    from mnistbench.gui.window.main_window import MainWindow

    window = MainWindow(networks_dir=scratch / "no-networks")
    window.resize(*WINDOW_SIZE)
    window.show()
    window.reset_layout()  # the default layout at this size (it was arranged for the screen's)
    window.session.start(offer_recovery=False)
    window.session.use_dataset_folder(folder)
    train_in_window(window, app)
    show_inputs(window, scratch)
    settle(app)
    save_small(window.grab(), args.out / "window.png")
    for name, dock in window.docks.items():
        dock.raise_()
        settle(app, 150)
        save_small(dock.grab(), args.out / f"dock_{name}.png")
    window.state.modified = False  # nothing to ask about on the way out
    window.close()


if __name__ == "__main__":
    main()
