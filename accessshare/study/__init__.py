"""Co-design study sessions (Qt-free): pseudonymous codes, the protocol's tasks, the recorder
that writes what happened off the UI thread, and the reports a facilitator exports.

What a session records is listed in ``events.EVENT_KINDS``; it is never image content (no
file names, paths, labels, descriptions, recognised text, hashes or pixels). The UI calls the
recorder where actions are dispatched; nothing here imports Qt.
"""

from accessshare.study.codes import StudyProblem, check_code
from accessshare.study.protocol import Protocol, load_protocol
from accessshare.study.recorder import StudyRecorder, start_session

__all__ = ["Protocol", "StudyProblem", "StudyRecorder", "check_code", "load_protocol",
           "start_session"]
