"""Every focusable widget of the main window, the settings dialog, the help screen and the
recent-datasets list has an accessible name and a role, read through Qt's accessibility
interfaces as a screen reader bridge reads them."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from accessshare.config import Settings
from accessshare.ui.help_dialog import HelpDialog
from accessshare.ui.main_window import RecentDialog
from accessshare.ui.settings_dialog import SettingsDialog


def focusable_widgets(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(root)
            and w.focusProxy() is None]


def name_and_role(widget: QWidget) -> tuple[str, QAccessible.Role]:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid(), widget
    return interface.text(QAccessible.Text.Name), interface.role()


def labelled_by(widget: QWidget) -> str:
    """The text of the visible label a screen reader reads with the widget (its buddy)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    labels = [other.text(QAccessible.Text.Name) for other, relation in interface.relations()
              if relation & QAccessible.RelationFlag.Label]
    return " ".join(labels).replace("&", "").rstrip(":")


def assert_all_named(root: QWidget, expected: dict[str, object]) -> None:
    """``expected`` maps a name to a role or a set of roles. A combo box's accessible name is
    its current choice, so combo boxes are found by their visible label instead."""
    found = {}
    for widget in focusable_widgets(root):
        name, role = name_and_role(widget)
        assert name.strip(), f"{type(widget).__name__} {widget.objectName()!r} has no accessible name"
        assert role not in (QAccessible.Role.NoRole, QAccessible.Role.Client), (name, role)
        if role == QAccessible.Role.ComboBox:
            name = labelled_by(widget)
            assert name, f"combo box {widget.objectName()!r} has no visible label"
        found[name] = role
    for name, roles in expected.items():
        roles = roles if isinstance(roles, set) else {roles}
        assert found.get(name) in roles, (name, found)


def test_main_window_widgets(make_window, dataset, qapp):
    QAccessible.setActive(True)
    window = make_window(dataset, describe=False)
    assert_all_named(window, {"Show": QAccessible.Role.ComboBox, "Photos": QAccessible.Role.List,
                              "Details": QAccessible.Role.List,
                              "Photo view": {QAccessible.Role.Graphic, QAccessible.Role.StaticText}})
    photos = QAccessible.queryAccessibleInterface(window.photo_list)
    first_item = photos.child(0)
    assert first_item.role() == QAccessible.Role.ListItem
    assert first_item.text(QAccessible.Text.Name).startswith("Photo 1 of ")


def test_settings_help_and_recent_dialogs(qtbot, tmp_path):
    QAccessible.setActive(True)
    settings = SettingsDialog(Settings())
    qtbot.addWidget(settings)
    settings.show()
    assert_all_named(settings, {
        "Descriptions": QAccessible.Role.ComboBox, "Own voice speaks": QAccessible.Role.ComboBox,
        "Speech rate, words per minute": QAccessible.Role.SpinBox,
        "Sounds for flags, saving and errors": QAccessible.Role.CheckBox,
        "High contrast": QAccessible.Role.CheckBox,
        "Font size in points, 0 follows the system": QAccessible.Role.SpinBox,
        "Save": QAccessible.Role.Button, "Cancel": QAccessible.Role.Button})
    help_dialog = HelpDialog()
    qtbot.addWidget(help_dialog)
    help_dialog.show()
    assert_all_named(help_dialog, {"Keys": QAccessible.Role.List,
                                   "Close": QAccessible.Role.Button})
    recent = RecentDialog([str(tmp_path)])
    qtbot.addWidget(recent)
    recent.show()
    assert_all_named(recent, {"Recent datasets": QAccessible.Role.List,
                              "Open": QAccessible.Role.Button})


def test_an_alerts_texts_are_read_with_it_not_focusable_objects(qtbot, qapp):
    """Qt lets the mouse select a message box's text, which made each text a focusable object
    that the keyboard can never reach; a screen reader reads an alert's texts with it."""
    from PySide6.QtWidgets import QLabel

    from accessshare.ui.consent_delete_dialog import delete_confirmation

    QAccessible.setActive(True)
    box = delete_confirmation(None, "letter.jpg", 0)
    qtbot.addWidget(box)
    texts = [label for label in box.findChildren(QLabel) if label.text()]
    assert any("letter.jpg for good?" in label.text() for label in texts)
    for label in texts:
        state = QAccessible.queryAccessibleInterface(label).state()
        assert not state.focusable, label.text()
    focusable = {name_and_role(w)[0] for w in focusable_widgets(box)}
    assert focusable == {"Delete", "Cancel"}, focusable
