"""Dialog buttons with mnemonics (Alt+Y, Alt+N, …): Qt's standard texts have none on most platforms."""

from PySide6.QtWidgets import QMessageBox

BUTTON_TEXTS = {QMessageBox.Yes: "&Yes", QMessageBox.No: "&No", QMessageBox.Save: "&Save",
                QMessageBox.Discard: "&Discard", QMessageBox.Cancel: "&Cancel", QMessageBox.Open: "&Open",
                QMessageBox.Close: "C&lose", QMessageBox.Ok: "&OK"}


def give_mnemonics(box: QMessageBox) -> QMessageBox:
    """Put a mnemonic on each standard button ``box`` has; returns ``box``."""
    for standard, text in BUTTON_TEXTS.items():
        button = box.button(standard)
        if button is not None:
            button.setText(text)
    return box
