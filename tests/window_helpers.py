"""Helpers for the window tests: small networks, answering questions, dropping files, training once."""

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from mnistbench.engine.network import Network


def small_net(accuracy=None, hidden=8):
    net = Network([784, hidden, 10], activation="relu", loss="cross_entropy", init="he")
    if accuracy is not None:
        net.metadata["training"] = {"held_out_accuracy": accuracy}
    return net


def shown(qtbot, widget, width, height):
    """``widget`` on screen at ``width`` x ``height`` and exposed (closed by qtbot after the test)."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_curves_panel(qtbot):
    """A CurvesPanel on screen at 700 x 450, as the curves dock shows it."""
    from mnistbench.gui.panels.curves.curves_panel import CurvesPanel

    return shown(qtbot, CurvesPanel(), 700, 450)


def answer(window, *buttons):
    """Click ``buttons`` on the next questions the window asks, in order; returns (box, text) pairs."""
    asked, pending, tries = [], list(buttons), [0]

    def poll():
        box, tries[0] = window.last_question, tries[0] + 1
        if box is not None and (not asked or asked[-1][0] is not box):
            asked.append((box, box.text()))
            box.button(pending.pop(0)).click()
        if pending and tries[0] < 400:
            QTimer.singleShot(25, poll)

    QTimer.singleShot(0, poll)
    return asked


def drop_target(widget):
    """The widget Qt hands a drop over ``widget`` to: it or its nearest ancestor that accepts drops.

    (QWidgetWindow does this walk for a real drag; sendEvent alone would not.)
    """
    while widget is not None and not widget.acceptDrops():
        widget = None if widget.isWindow() else widget.parentWidget()
    return widget


def drop(widget, paths):
    """Drag ``paths`` over ``widget`` and drop them as Qt would; returns the widget that took the drop."""
    target = drop_target(widget)
    assert target is not None, f"nothing under {type(widget).__name__} accepts drops"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), f"{type(target).__name__} refused the drag"
    move = QDragMoveEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    move.setAccepted(True)  # Qt sends a move as the enter was answered; a handler may refuse it
    QApplication.sendEvent(target, move)
    assert move.isAccepted(), f"{type(target).__name__} refused the drag move"  # no drop would follow
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(target, event)
    return target


def train_once(window, qtbot, epochs=1):
    window.training_panel.training_form.epochs.setValue(epochs)
    window.training_panel.training_form.batch_size.setValue(50)
    window.training_panel.training_form.learning_rate.setText("0.01")
    with qtbot.waitSignal(window.controller.sig_finished, timeout=30000):
        qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)


def bring_to_front(window, name):
    """Show dock ``name`` in front (on a small screen the inspector starts as a tab behind the curves)."""
    from mnistbench.gui.window.menus import in_front

    if not in_front(window.docks[name]):
        window.actions.view[name].trigger()
    assert in_front(window.docks[name]), name
