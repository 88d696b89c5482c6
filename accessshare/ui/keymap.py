"""The keyboard map: the one source of truth for every shortcut.

The main window binds exactly these keys, the help screen (F1) is generated from them, and a
test keeps the README's table equal to ``markdown_table()``. Qt-free, so the README test and the
command line can read it without a display.

Scopes:
- "window": works wherever focus is in the main window.
- "review": works while focus is in the photo list, the details pane or the photo view, so that
  letters and Space keep their usual meaning in the filter box and in dialogs.

No key uses Insert or CapsLock (screen reader modifiers), and none needs a mouse.
"""

from __future__ import annotations

from dataclasses import dataclass

SCREEN_READER_MODIFIERS = ("Insert", "CapsLock", "Caps Lock")


@dataclass(frozen=True)
class KeyBinding:
    action: str  # the main window method (or consent controller method) it calls
    keys: tuple[str, ...]  # QKeySequence portable strings; the first is the one shown first
    description: str
    group: str
    scope: str = "window"  # "window" or "review"
    consent: bool = False  # handled by the consent controller


def _bind(action, keys, description, group, scope="window", consent=False) -> KeyBinding:
    return KeyBinding(action, tuple(keys), description, group, scope, consent)


# Arrows, Home, End, Page Up and Page Down belong to the photo list itself (Qt's list view moves
# the current photo); they are listed so that help and README show them.
NATIVE_MOVES = (
    _bind("", ["Down", "Up"], "Next or previous photo", "Moving", "review"),
    _bind("", ["Home", "End"], "First or last photo", "Moving", "review"),
    _bind("", ["PgDown", "PgUp"], "Ten photos forward or back", "Moving", "review"),
)

BINDINGS: tuple[KeyBinding, ...] = NATIVE_MOVES + (
    _bind("next_flagged", ["F"], "Next photo with a privacy or quality flag", "Moving", "review"),
    _bind("previous_flagged", ["Shift+F"], "Previous flagged photo", "Moving", "review"),
    _bind("cycle_panes", ["F6"], "Next pane: photo list, details, photo view", "Moving"),
    _bind("cycle_panes_back", ["Shift+F6"], "Previous pane", "Moving"),
    _bind("focus_filter", ["Ctrl+F"], "Filter the photos: all, undecided, flagged, shared, "
          "not shared", "Moving"),
    _bind("repeat_description", ["Space"], "Say the photo's description again", "Listening",
          "review"),
    _bind("read_details", ["Return", "Enter"], "Read every finding about the photo", "Listening",
          "review"),
    _bind("read_text", ["T"], "Read the text recognised in the photo", "Listening", "review"),
    _bind("say_status", ["S"], "Say where you are: dataset, filter, progress", "Listening",
          "review"),
    _bind("toggle_verbosity", ["V"], "Switch between brief and detailed descriptions",
          "Listening", "review"),
    _bind("stop_speech", ["Escape"], "Stop speaking", "Listening"),
    _bind("zoom_in", ["Ctrl+=", "Ctrl++"], "Zoom the photo in", "Seeing"),
    _bind("zoom_out", ["Ctrl+-"], "Zoom the photo out", "Seeing"),
    _bind("zoom_fit", ["Ctrl+0"], "Fit the photo to the window", "Seeing"),
    _bind("toggle_high_contrast", ["Ctrl+Shift+H"], "High contrast on or off", "Seeing"),
    _bind("consent_walk", ["Ctrl+I"], "Go through the consent form, part by part", "Deciding",
          consent=True),
    _bind("share", ["Y"], "Share this photo (for the purposes chosen with P)", "Deciding",
          "review", consent=True),
    _bind("dont_share", ["N"], "Do not share this photo", "Deciding", "review", consent=True),
    _bind("undecided", ["U"], "Set this photo back to not yet decided", "Deciding", "review",
          consent=True),
    _bind("choose_purposes", ["P"], "Choose the purposes to share this photo for", "Deciding",
          "review", consent=True),
    _bind("bulk_decide", ["Ctrl+B"], "Decide for every photo in the current filter", "Deciding",
          consent=True),
    _bind("folder_default", ["Ctrl+D"], "Set the folder's default, for photos with no decision "
          "of their own", "Deciding", consent=True),
    _bind("undo", ["Ctrl+Z"], "Undo the last decision", "Deciding", consent=True),
    _bind("history", ["H"], "Hear this photo's decision history", "Deciding", "review",
          consent=True),
    _bind("delete", ["Delete"], "Delete this photo, after saying what will be removed",
          "Deciding", "review", consent=True),
    _bind("export", ["Ctrl+E"], "Export and verify the consent records", "Deciding",
          consent=True),
    _bind("open_folder", ["Ctrl+O"], "Open a folder of photos", "App"),
    _bind("open_recent", ["Ctrl+Shift+O"], "Open a recent dataset", "App"),
    _bind("open_settings", ["Ctrl+,"], "Settings: verbosity, voice, speech rate, contrast, "
          "font size", "App"),
    _bind("show_help", ["F1"], "This list of keys", "App"),
    _bind("quit", ["Ctrl+Q"], "Quit", "App"),
)

GROUPS = ("Moving", "Listening", "Seeing", "Deciding", "App")

# How keys are spoken and shown to people (QKeySequence names are for Qt).
_KEY_WORDS = {"PgDown": "Page Down", "PgUp": "Page Up", "Return": "Enter", "Ctrl+=": "Ctrl+Plus",
              "Ctrl++": "", "Ctrl+-": "Ctrl+Minus", "Ctrl+,": "Ctrl+Comma", "Enter": ""}


def bound_actions() -> tuple[KeyBinding, ...]:
    """The bindings the window must connect itself (not the list's own moves)."""
    return tuple(b for b in BINDINGS if b.action)


def shown_keys(binding: KeyBinding) -> str:
    words = [_KEY_WORDS.get(key, key) for key in binding.keys]
    return " or ".join(w for w in words if w)


def help_lines() -> list[str]:
    """One line per binding, grouped, for the help screen: "Y: Share this photo ..."."""
    lines: list[str] = []
    for group in GROUPS:
        lines.append(f"{group}:")
        lines += [f"{shown_keys(b)}: {b.description}." for b in BINDINGS if b.group == group]
    return lines


def markdown_table() -> str:
    rows = ["| Keys | What it does | Group |", "|---|---|---|"]
    rows += [f"| {shown_keys(b)} | {b.description} | {b.group} |" for b in BINDINGS]
    return "\n".join(rows)
