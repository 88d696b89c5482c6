"""The real consent form, walked by keyboard only through the controller (Ctrl+I), with a
wrong answer explained and completion recorded in the store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton

from accessshare.consent.form import load_form
from accessshare.consent.walk import walk_completed
from accessshare.ui.consent_controller import ConsentController


def test_consent_walk_by_keyboard_with_a_wrong_answer(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    form = load_form()
    controller = ConsentController(window)
    controller.consent_walk()
    dialog = active_modal(besides=window)
    first = form.sections[0]
    assert QApplication.focusWidget() is dialog.reading
    assert dialog.reading.accessibleName() == first.title
    assert window.announcer.log[-1] == f"{first.title}. {first.text}"

    # Enter through the first section to its first question; answer it wrongly first.
    press(Qt.Key.Key_Return)
    second = form.sections[1]
    assert dialog.reading.accessibleName() == second.title
    press(Qt.Key.Key_Return)
    question = second.questions[0]
    choice = QApplication.focusWidget()
    assert isinstance(choice, QRadioButton) and dialog.question.accessibleName() == question.text
    assert window.announcer.log[-1].startswith(f"Question. {question.text}")
    wrong = next(i for i in range(len(question.choices)) if i != question.answer)
    for _ in range(wrong):
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Return)
    explanation = f"Not quite. {question.explanation}"
    assert window.announcer.log[-1] == explanation
    assert dialog.feedback.text() == explanation
    assert QApplication.focusWidget().accessibleDescription() == explanation
    assert dialog.question.accessibleName() == question.text  # still on the question

    # Then every question rightly, by arrow keys alone (they check what they reach, and Enter
    # on an unchecked first choice means that choice), every section with Enter, to the end.
    # A right answer is confirmed on its own focused page ("Correct."), then Enter goes on.
    answered, sections_seen, judged = 0, [], []
    while dialog.isVisible():
        if dialog.question.isVisible() and dialog.question.isEnabled():
            target = next(q for s in form.sections for q in s.questions
                          if q.text == dialog.question.accessibleName())
            focused = QApplication.focusWidget()
            assert dialog.question.accessibleName() == target.text  # nothing else in its name
            start = target.choices.index(focused.text())
            key = Qt.Key.Key_Down if target.answer > start else Qt.Key.Key_Up
            for _ in range(abs(target.answer - start)):
                press(key)
            assert QApplication.focusWidget().text() == target.choices[target.answer]
            answered += 1
            press(Qt.Key.Key_Return)
            assert QApplication.focusWidget() is dialog.reading
            judged.append((dialog.reading.accessibleName(), dialog.reading.accessibleDescription(),
                           window.announcer.log[-1]))
            assert judged[-1] == ("Correct.", f"{target.explanation} Enter goes on.",
                                  f"Correct. {target.explanation}")
        else:
            sections_seen.append(dialog.reading.accessibleName())
        press(Qt.Key.Key_Return)
    assert answered == len(form.questions) == len(judged)
    # The last part (after the last question) is shown before the walk finishes.
    assert sections_seen[-1] == form.sections[-1].title
    assert "finished learning about consent" in window.announcer.log[-1]
    assert walk_completed(window.store, form)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list)  # focus back on the list
