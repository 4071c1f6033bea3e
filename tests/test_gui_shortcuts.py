"""Every shortcut in the window means one thing: two actions on one key make Qt ignore both."""

import pytest

pytestmark = pytest.mark.gui


def test_no_two_actions_share_a_shortcut(make_window):
    from PySide6.QtGui import QAction, QKeySequence

    window = make_window(start=False)
    owners = {}
    for action in window.findChildren(QAction):
        for shortcut in action.shortcuts():
            key = shortcut.toString(QKeySequence.PortableText)
            if key:
                owners.setdefault(key, set()).add(action.text() or action.objectName())
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared, f"shortcuts bound to several actions: {shared}"
