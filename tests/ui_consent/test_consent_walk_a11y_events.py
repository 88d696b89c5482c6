"""What a screen reader is told during the consent walk, observed through Qt's accessibility
event hook (ACCESSIBILITY.md, recipe 1): each page is a focus event on an object named by the
section title or the question, and a wrong answer's explanation arrives on the focused choice."""

from __future__ import annotations

from PySide6.QtCore import Qt

from accessshare.consent.form import load_form
from accessshare.ui.consent_walk_dialog import ConsentWalkDialog
from accessshare.consent.walk import ConsentWalk


def test_pages_reach_assistive_technology_as_focus_with_names(qtbot, a11y_events, press, app_paths):
    form = load_form()
    dialog = ConsentWalkDialog(ConsentWalk(form), lambda _text: None)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    first, second = form.sections[0], form.sections[1]
    question = second.questions[0]
    a11y_events.focused.clear()
    press(Qt.Key.Key_Return)
    # Named by the title, the whole text in its description, "Part 2 of 16." its first line.
    last_line = second.text.splitlines()[-1].strip()
    assert any(name == second.title and last_line in description
               for name, description in a11y_events.focused), a11y_events.focused
    assert dialog.reading.toPlainText().startswith("Part 2 of ")
    press(Qt.Key.Key_Return)
    assert any(name == question.choices[0] for name, _d in a11y_events.focused)
    assert dialog.question.accessibleName() == question.text
    wrong = next(i for i in range(len(question.choices)) if i != question.answer)
    for _ in range(wrong):
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Return)
    explanation = f"Not quite. {question.explanation}"
    assert (question.choices[wrong], explanation) in a11y_events.focused
    press(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert a11y_events.focused[-1][0] == second.title
    assert first.title != second.title
