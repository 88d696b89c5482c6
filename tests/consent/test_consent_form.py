"""The consent form: the bundled one is complete, broken ones are refused with file:line."""

from __future__ import annotations

import hashlib

import pytest

from accessshare.consent import ConsentWalk, FormError, load_form, walk_completed
from accessshare.consent.form import default_form_path

GOOD = """---
title: Test form
version: 2.1
---
## Welcome
Hello.

## Purpose: Research {#research}
Researchers study the photos.

### Question: Who sees the photos?
- Everyone.
- The research team.
Answer: 2
Explanation: Only the research team.
"""


def refused(tmp_path, text: str) -> list[str]:
    path = tmp_path / "steward.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert str(caught.value).startswith("The consent form steward.md has")
    return caught.value.errors


def test_bundled_form_covers_the_purposes_and_the_four_topics():
    form = load_form()
    assert form.version == "1.0"
    assert form.sha256 == hashlib.sha256(default_form_path().read_bytes()).hexdigest()
    assert form.purpose_ids == ("research", "train_ai", "public_release", "commercial")
    assert form.purpose("train_ai").words == "training AI models"
    questions = " ".join(q.text.lower() for q in form.questions)
    for topic in ("who will see", "commercial use", "withdraw", "delete"):
        assert topic in questions
    text = " ".join(s.text.lower() for s in form.sections)
    for worry in ("location", "model of the phone", "serial number"):
        assert worry in text
    for visual in ("see below", "click", "look at", "shown above"):
        assert visual not in text


def test_a_good_steward_form_is_read(tmp_path):
    path = tmp_path / "form.md"
    path.write_text(GOOD, encoding="utf-8")
    form = load_form(path)
    assert (form.title, form.version) == ("Test form", "2.1")
    assert [s.title for s in form.sections] == ["Welcome", "Research"]
    question = form.questions[0]
    assert question.choices == ("Everyone.", "The research team.")
    assert question.answer == 1 and question.line == 11


@pytest.mark.parametrize("broken, expected", [
    (GOOD.replace("version: 2.1\n", ""), "steward.md:1: missing version"),
    (GOOD.replace("Answer: 2\n", ""), "steward.md:11: question 'Who sees the photos?' has no correct answer"),
    (GOOD.replace("Answer: 2", "Answer: 3"), "steward.md:14: answer '3' of question 'Who sees the photos?' is not among its 2 choices"),
    (GOOD.replace("Answer: 2", "Answer: Nobody."), "steward.md:14: answer 'Nobody.' "),
    (GOOD.replace("## Welcome\nHello.\n", "## Welcome\n"), "steward.md:5: section 'Welcome' is empty"),
    (GOOD + "\n## Purpose: Again {#research}\nMore.\n", "steward.md:17: duplicate purpose id 'research' (first at line 8)"),
    (GOOD.replace("Explanation: Only the research team.\n", ""), "steward.md:11: question 'Who sees the photos?' has no 'Explanation:'"),
    (GOOD.replace("- Everyone.\n", ""), "steward.md:11: question 'Who sees the photos?' needs at least two choices"),
    (GOOD.replace("{#research}", ""), "steward.md:8: a purpose heading needs an id"),
    (GOOD.replace("{#research}", "{#Research Use}"), "steward.md:8: purpose id 'Research Use' must be lowercase"),
    (GOOD.replace("## Purpose: Research {#research}", "## Research"), "steward.md:1: the form names no purposes"),
    ("## Welcome\nHello.\n", "steward.md:1: missing front matter"),
])
def test_a_broken_form_is_refused_with_the_line(tmp_path, broken, expected):
    errors = refused(tmp_path, broken)
    assert any(error.startswith(expected) for error in errors), errors


def test_every_mistake_is_listed_at_once(tmp_path):
    broken = GOOD.replace("version: 2.1\n", "").replace("Answer: 2", "Answer: 9")
    errors = refused(tmp_path, broken)
    assert [e.split(":")[1] for e in errors] == ["1", "13"]


def test_unreadable_and_non_utf8_forms_get_one_sentence(tmp_path):
    missing = tmp_path / "nowhere.md"
    with pytest.raises(FormError, match=r"nowhere.md:0: cannot be read"):
        load_form(missing)
    latin = tmp_path / "latin.md"
    latin.write_bytes(GOOD.encode() + "caf\xe9\n".encode("latin-1"))
    with pytest.raises(FormError, match=r"latin.md:16: is not UTF-8 text"):
        load_form(latin)


def test_the_walk_reads_sections_asks_questions_and_explains(store, form):
    walk = ConsentWalk(form, store)
    first = walk.page()
    assert (first.number, first.title, first.is_question) == (1, "Welcome", False)
    assert not walk.can_go_back()
    walk.forward()
    walk.forward()
    question = walk.page()
    assert question.is_question and question.title.startswith("Besides the picture")
    assert walk.spoken().startswith("Question. Besides the picture") and "2: Where and when" in walk.spoken()
    with pytest.raises(ValueError):
        walk.forward()  # a question is left only by answering it
    correct, explanation = walk.answer(0)
    assert not correct and "location" in explanation
    assert walk.page().number == question.number and walk.page().chosen == 0
    assert walk.answer(1)[0] and walk.page().number == question.number + 1
    walk.back()
    assert walk.page().chosen == 1
    assert walk.complete().startswith("The consent walk is not finished")
    assert not walk_completed(store, form)


def test_finishing_the_walk_is_recorded_pseudonymously(store, form):
    walk = ConsentWalk(form, store)
    while not walk.is_finished():
        page = walk.page()
        if page.is_question:
            walk.answer(next(q.answer for q in form.questions if q.text == page.title))
        else:
            walk.forward()
    assert walk.complete().startswith("Thank you.")
    assert walk_completed(store, form)
    from accessshare.records.models import StudyEvent, StudySession
    with store.session() as session:
        (participant,) = session.query(StudySession.participant).all()[0:1] or [("",)]
        details = [e.detail for e in session.query(StudyEvent)]
    assert participant[0].startswith("contributor-")
    assert details == [{"form_version": "1.0", "form_hash": form.sha256,
                        "questions": len(form.questions), "wrong_answers": 0}]


def test_the_walk_never_says_a_doubled_full_stop():
    walk = ConsentWalk(load_form())
    spoken = []
    while True:
        spoken.append(walk.spoken())
        step = walk.page()
        if step.is_question:
            right = next(i for i in range(len(step.choices)) if walk.answer(i)[0])
            assert right is not None
        elif step.is_last:
            break
        else:
            walk.forward()
    assert any("Question." in text for text in spoken)
    assert not [text for text in spoken if ".." in text]
