"""What a facilitator gets out of the store: the list of sessions, exports (CSV and JSON, the
same columns), a summary per session and task, notes from another terminal, and withdrawal.

Rows carry only what the recorder kept (codes, positions, purposes, states, action ids,
numbers); the facilitator's notes and, with --record-speech, what the app said are the only
free text.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accessshare.consent.export import spreadsheet_cell
from accessshare.library.files import write_atomically
from accessshare.records.chain import parse_timestamp, utc_timestamp
from accessshare.sentences import en
from accessshare.study.codes import StudyProblem, check_code

COLUMNS = ("participant", "session", "time", "elapsed_ms", "task", "event", "photo_position",
           "purpose", "state", "detail")
SPLIT_OUT = {"position": "photo_position", "purpose": "purpose", "state": "state"}


@dataclass(frozen=True)
class SessionLine:
    participant: str
    facilitator: str
    session: int
    started: str
    length: str
    events: int

    def sentence(self) -> str:
        return en.study_session_line(self.participant, self.session, self.facilitator,
                                     self.started, self.length, self.events)


def session_lines(store) -> list[SessionLine]:
    counts = store.study_event_counts()
    return [SessionLine(s.participant, s.facilitator or "", s.id, s.started,
                        _length(s.started, s.ended), counts.get(s.id, 0))
            for s in store.study_sessions()]


def event_rows(store, participant: str | None = None) -> list[dict[str, Any]]:
    """One dict per event, with ``COLUMNS`` as keys (``detail`` as a dict)."""
    rows = []
    for session in store.study_sessions(participant):
        for event in store.study_events(session.id):
            detail = dict(event.detail or {})
            row = {"participant": session.participant, "session": session.id,
                   "time": event.time, "elapsed_ms": event.elapsed_ms, "task": event.task,
                   "event": event.kind, "photo_position": None, "purpose": None, "state": None}
            for key, column in SPLIT_OUT.items():
                row[column] = detail.pop(key, None)
            row["detail"] = detail
            rows.append(row)
    return rows


def export(store, target: str | Path, fmt: str, participant: str | None = None) -> int:
    """Write the export; returns how many events it holds."""
    if fmt not in ("csv", "json"):
        raise StudyProblem(en.study_format_unknown(fmt))
    rows = event_rows(store, participant)
    text = _as_csv(rows) if fmt == "csv" else _as_json(store, rows, participant)
    try:
        write_atomically(target, text)
    except OSError as error:
        raise StudyProblem(en.study_export_not_written(target, error.strerror or error)) from None
    return len(rows)


def _as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        detail = json.dumps(row["detail"], sort_keys=True) if row["detail"] else ""
        writer.writerow([spreadsheet_cell(row[c]) for c in COLUMNS[:-1]] + [spreadsheet_cell(detail)])
    return out.getvalue()


def _as_json(store, rows: list[dict[str, Any]], participant: str | None) -> str:
    by_session: dict[int, list] = {}
    for row in rows:
        by_session.setdefault(row["session"], []).append(
            {k: row[k] for k in COLUMNS if k not in ("participant", "session")})
    sessions = [{"participant": s.participant, "facilitator": s.facilitator, "session": s.id,
                 "started": s.started, "ended": s.ended, "protocol": s.protocol,
                 "record_speech": bool(s.record_speech), "events": by_session.get(s.id, [])}
                for s in store.study_sessions(participant)]
    return json.dumps({"format": "accessshare-study/1", "sessions": sessions}, indent=2) + "\n"


def summary_lines(store, participant: str | None = None) -> list[str]:
    """Per session and task: time, photos reviewed, descriptions heard, decisions by state,
    walk answers right and wrong, the keys used most."""
    lines = []
    rows = event_rows(store, participant)
    for session in store.study_sessions(participant):
        mine = [r for r in rows if r["session"] == session.id]
        lines.append(en.study_summary_session(session.participant, session.id,
                                              _length(session.started, session.ended),
                                              len(mine)))
        for task in sorted({r["task"] for r in mine}, key=lambda t: (t is not None, t or 0)):
            part = [r for r in mine if r["task"] == task]
            lines.append("  " + en.study_summary_part(task, _summary_of(part)))
    return lines or [en.NO_STUDY_SESSIONS]


def _summary_of(rows: list[dict[str, Any]]) -> str:
    kinds = Counter(r["event"] for r in rows)
    elapsed = [r["elapsed_ms"] for r in rows if r["elapsed_ms"] is not None]
    seconds = (max(elapsed) - min(elapsed)) / 1000 if elapsed else 0
    photos = {r["photo_position"] for r in rows if r["event"] == "photo_moved"}
    states: Counter[str] = Counter()
    for row in rows:  # a decision over many photos counts once for each of them
        if row["event"] == "decision":
            states[row["state"]] += int(row["detail"].get("photos", 1))
    answers = Counter(bool(r["detail"].get("correct")) for r in rows if r["event"] == "walk_answer")
    keys = Counter(r["detail"].get("action") for r in rows if r["event"] == "action")
    return en.study_summary(seconds, len(photos), kinds["description_heard"],
                            sorted(states.items()), answers[True], answers[False],
                            keys.most_common(3))


def withdraw(store, participant: str) -> str:
    participant = check_code(participant)
    sessions, events = store.forget_study_participant(participant)
    if not sessions:
        return en.study_nothing_to_withdraw(participant)
    return en.study_withdrawn(participant, sessions, events)


def add_note(store, text: str, participant: str | None = None) -> str:
    """A note from another terminal, added to the newest session still open (of
    ``participant``, if given), with its time since that session started."""
    text = " ".join(text.split())
    if not text:
        raise StudyProblem(en.STUDY_NOTE_EMPTY)
    open_sessions = [s for s in store.study_sessions(participant) if s.ended is None]
    if not open_sessions:
        raise StudyProblem(en.study_no_open_session(participant))
    session = open_sessions[-1]
    now = utc_timestamp()
    elapsed = int((parse_timestamp(now) - parse_timestamp(session.started)).total_seconds() * 1000)
    store.record_study_events(session.id, [{"kind": "note", "time": now, "elapsed_ms": elapsed,
                                            "task": _task_under_way(store, session.id),
                                            "detail": {"note": text[:2000]}}])
    return en.study_note_added_to(session.participant, session.id)


def _task_under_way(store, session_id: int) -> int | None:
    task = None
    for event in store.study_events(session_id):
        if event.kind == "task_started":
            task = (event.detail or {}).get("number")
        elif event.kind == "task_ended":
            task = None
    return task


def _length(started: str, ended: str | None) -> str:
    if ended is None:
        return en.STUDY_STILL_OPEN
    seconds = int((parse_timestamp(ended) - parse_timestamp(started)).total_seconds())
    return en.study_length(seconds // 60, seconds % 60)
