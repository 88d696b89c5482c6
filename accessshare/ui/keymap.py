"""The keyboard map: the one source of truth for every shortcut and every menu item.

The main window's menu bar is built from it (``ui.menus``: one menu item per binding, each
naming its shortcut), the keys are those menu items' shortcuts (so none is bound twice), the
help screen (F1) is generated from it, and a test keeps the README's table equal to
``markdown_table()``. Qt-free, so the README test and the command line can read it without a
display. A new action, or a new menu such as "Study", is one entry here (and a name in MENUS).

Scopes:
- "window": works wherever focus is in the main window.
- "review": works while focus is in the photo list, the details pane or the photo view, so that
  letters and Space keep their usual meaning in the filter box and in dialogs.

No key uses Insert or CapsLock (screen reader modifiers), and none needs a mouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SCREEN_READER_MODIFIERS = ("Insert", "CapsLock", "Caps Lock")

# The menu bar, left to right; each title's first letter is its Alt+letter.
MENUS = ("File", "Photo", "Consent", "View", "Study", "Help")
IN_THE_LIST = ""  # the photo list's own keys: listed in help, in no menu


class Action(StrEnum):
    """Every action of the window, named once (as Picard names its actions): the value is the
    main window's (or the consent controller's, or the study controller's) method that does it."""

    OPEN_FOLDER = "open_folder"
    OPEN_RECENT = "open_recent"
    EXPORT = "export"
    OPEN_SETTINGS = "open_settings"
    QUIT = "quit"
    REPEAT_DESCRIPTION = "repeat_description"
    READ_DETAILS = "read_details"
    READ_TEXT = "read_text"
    NEXT_FLAGGED = "next_flagged"
    PREVIOUS_FLAGGED = "previous_flagged"
    HEAR_AFTER_REMOVAL = "hear_after_removal"
    DELETE = "delete"
    CONSENT_WALK = "consent_walk"
    SHARE = "share"
    SHARE_REDACTED = "share_redacted"
    DONT_SHARE = "dont_share"
    UNDECIDED = "undecided"
    CHOOSE_PURPOSES = "choose_purposes"
    HISTORY = "history"
    UNDO = "undo"
    BULK_DECIDE = "bulk_decide"
    FOLDER_DEFAULT = "folder_default"
    FOCUS_FILTER = "focus_filter"
    CYCLE_PANES = "cycle_panes"
    CYCLE_PANES_BACK = "cycle_panes_back"
    SAY_STATUS = "say_status"
    TOGGLE_VERBOSITY = "toggle_verbosity"
    STOP_SPEECH = "stop_speech"
    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    ZOOM_FIT = "zoom_fit"
    TOGGLE_HIGH_CONTRAST = "toggle_high_contrast"
    STUDY_START = "study_start"
    STUDY_PAUSE = "study_pause"
    STUDY_NOTE = "study_note"
    STUDY_TASK = "study_task"
    STUDY_NEXT_TASK = "study_next_task"
    STUDY_VIEW = "study_view"
    STUDY_END = "study_end"
    SHOW_HELP = "show_help"
    OPEN_MENU_BAR = "open_menu_bar"


NATIVE = ""  # a move the photo list makes itself: no action of ours


@dataclass(frozen=True)
class KeyBinding:
    action: Action | str  # the action it calls (NATIVE for the list's own moves)
    keys: tuple[str, ...]  # QKeySequence portable strings; the first is the one shown first
    description: str
    menu: str  # one of MENUS, or IN_THE_LIST
    label: str = ""  # the menu item's text; & marks its Alt+letter within the menu
    scope: str = "window"  # "window" or "review"
    consent: bool = False  # handled by the consent controller

    @property
    def menu_text(self) -> str:
        """The menu item as people read it: "Consent: Share"."""
        return f"{self.menu}: {self.label.replace('&', '')}" if self.menu else "none (in the photo list)"


def _bind(action, keys, description, menu, label="", scope="window", consent=False) -> KeyBinding:
    return KeyBinding(action, tuple(keys), description, menu, label, scope, consent)


# Arrows, Home, End, Page Up and Page Down belong to the photo list itself (Qt's list view moves
# the current photo); they are listed so that help and README show them.
NATIVE_MOVES = (
    _bind(NATIVE, ["Down", "Up"], "Next or previous photo", IN_THE_LIST, scope="review"),
    _bind(NATIVE, ["Home", "End"], "First or last photo", IN_THE_LIST, scope="review"),
    _bind(NATIVE, ["PgDown", "PgUp"], "Ten photos forward or back", IN_THE_LIST, scope="review"),
)

BINDINGS: tuple[KeyBinding, ...] = NATIVE_MOVES + (
    # File
    _bind(Action.OPEN_FOLDER, ["Ctrl+O"], "Open a folder of photos", "File", "&Open folder…"),
    _bind(Action.OPEN_RECENT, ["Ctrl+Shift+O"], "Open a recent dataset", "File", "Open &recent…"),
    _bind(Action.EXPORT, ["Ctrl+E"], "Export and verify the consent records", "File",
          "&Export and verify records…", consent=True),
    _bind(Action.OPEN_SETTINGS, ["Ctrl+,"], "Settings: verbosity, voice, speech rate, contrast, "
          "font size", "File", "&Settings…"),
    _bind(Action.QUIT, ["Ctrl+Q"], "Quit", "File", "&Quit"),
    # Photo
    _bind(Action.REPEAT_DESCRIPTION, ["Space"], "Say the photo's description again", "Photo",
          "&Say description", "review"),
    _bind(Action.READ_DETAILS, ["Return", "Enter"], "Read every finding about the photo", "Photo",
          "Read every &finding", "review"),
    _bind(Action.READ_TEXT, ["T"], "Read the text recognised in the photo", "Photo", "Read &text",
          "review"),
    _bind(Action.NEXT_FLAGGED, ["F"], "Next photo with a privacy or quality flag", "Photo",
          "&Next flagged photo", "review"),
    _bind(Action.PREVIOUS_FLAGGED, ["Shift+F"], "Previous flagged photo", "Photo",
          "&Previous flagged photo", "review"),
    _bind(Action.HEAR_AFTER_REMOVAL, ["Shift+R"], "Hear and see this photo as it would be "
          "shared with faces, text and location removed (nothing is saved)", "Photo",
          "Hear it after &removal", "review"),
    _bind(Action.DELETE, ["Delete"], "Delete this photo, after saying what will be removed", "Photo",
          "&Delete photo…", "review", consent=True),
    # Consent
    _bind(Action.CONSENT_WALK, ["Ctrl+I"], "Go through the consent form, part by part", "Consent",
          "&Learn about consent…", consent=True),
    _bind(Action.SHARE, ["Y"], "Share this photo (for the purposes chosen with P)", "Consent",
          "&Share", "review", consent=True),
    _bind(Action.SHARE_REDACTED, ["R"], "Share this photo with faces, text and location removed "
          "(for the purposes chosen with P)", "Consent", "Share with faces, text and location "
          "&removed", "review", consent=True),
    _bind(Action.DONT_SHARE, ["N"], "Do not share this photo", "Consent", "&Don't share", "review",
          consent=True),
    _bind(Action.UNDECIDED, ["U"], "Set this photo back to not yet decided", "Consent",
          "&Not yet decided", "review", consent=True),
    _bind(Action.CHOOSE_PURPOSES, ["P"], "Choose the purposes to share this photo for", "Consent",
          "Choose &purposes…", "review", consent=True),
    _bind(Action.HISTORY, ["H"], "Hear this photo's decision history", "Consent", "&History…",
          "review", consent=True),
    _bind(Action.UNDO, ["Ctrl+Z"], "Undo the last decision", "Consent", "&Undo last decision",
          consent=True),
    _bind(Action.BULK_DECIDE, ["Ctrl+B"], "Decide for every photo in the current filter", "Consent",
          "Decide for &all shown…", consent=True),
    _bind(Action.FOLDER_DEFAULT, ["Ctrl+D"], "Set the folder's default, for photos with no decision "
          "of their own", "Consent", "&Folder default…", consent=True),
    # View
    _bind(Action.FOCUS_FILTER, ["Ctrl+F"], "Filter the photos: all, undecided, flagged, shared, "
          "not shared", "View", "&Filter…"),
    _bind(Action.CYCLE_PANES, ["F6"], "Next pane: photo list, details, photo view", "View",
          "&Next pane"),
    _bind(Action.CYCLE_PANES_BACK, ["Shift+F6"], "Previous pane", "View", "&Previous pane"),
    _bind(Action.SAY_STATUS, ["S"], "Say where you are: dataset, filter, progress", "View",
          "Say &where you are", "review"),
    _bind(Action.TOGGLE_VERBOSITY, ["V"], "Switch between brief and detailed descriptions", "View",
          "&Brief or detailed", "review"),
    _bind(Action.STOP_SPEECH, ["Escape"], "Stop speaking", "View", "S&top speaking"),
    _bind(Action.ZOOM_IN, ["Ctrl+=", "Ctrl++"], "Zoom the photo in", "View", "Zoom &in"),
    _bind(Action.ZOOM_OUT, ["Ctrl+-"], "Zoom the photo out", "View", "Zoom &out"),
    _bind(Action.ZOOM_FIT, ["Ctrl+0"], "Fit the photo to the window", "View", "Fit to win&dow"),
    _bind(Action.TOGGLE_HIGH_CONTRAST, ["Ctrl+Shift+H"], "High contrast on or off", "View",
          "&High contrast"),
    # Study (co-design sessions; ui.study_controller, recorded by accessshare.study)
    _bind(Action.STUDY_START, ["Ctrl+Shift+S"], "Start a study session, or ask the participant "
          "again to agree to recording", "Study", "&Start session…"),
    _bind(Action.STUDY_PAUSE, ["Ctrl+Shift+P"], "Pause or resume recording the study session",
          "Study", "&Pause or resume recording"),
    _bind(Action.STUDY_NOTE, ["Ctrl+Shift+N"], "Add a facilitator's note to the study session",
          "Study", "Add a &note…"),
    _bind(Action.STUDY_TASK, ["Ctrl+Shift+T"], "Hear the study task again", "Study",
          "Hear the &task again"),
    _bind(Action.STUDY_NEXT_TASK, ["Ctrl+Shift+X"], "End this study task and start the next",
          "Study", "Ne&xt task"),
    _bind(Action.STUDY_VIEW, ["Ctrl+Shift+V"], "Show or hide the facilitator's view", "Study",
          "&Facilitator's view"),
    _bind(Action.STUDY_END, ["Ctrl+Shift+E"], "End the study session", "Study", "&End session"),
    # Help
    _bind(Action.SHOW_HELP, ["F1"], "This list of keys", "Help", "&Keyboard help"),
    _bind(Action.OPEN_MENU_BAR, ["F10"], "Open the menu bar", "Help",
          "&Menu bar"),
)

# How keys are spoken and shown to people (QKeySequence names are for Qt).
_KEY_WORDS = {"PgDown": "Page Down", "PgUp": "Page Up", "Return": "Enter", "Ctrl+=": "Ctrl+Plus",
              "Ctrl++": "", "Ctrl+-": "Ctrl+Minus", "Ctrl+,": "Ctrl+Comma", "Enter": ""}


def bound_actions() -> tuple[KeyBinding, ...]:
    """The bindings the window must connect itself (not the list's own moves)."""
    return tuple(b for b in BINDINGS if b.action)


def shown_keys(binding: KeyBinding) -> str:
    words = [_KEY_WORDS.get(key, key) for key in binding.keys]
    return " or ".join(w for w in words if w)


def menu_bindings(menu: str) -> tuple[KeyBinding, ...]:
    return tuple(b for b in BINDINGS if b.menu == menu)


def help_lines() -> list[str]:
    """One line per binding, under a heading per menu, for the help screen:
    "Consent menu (Alt+C):", then "Y: Share this photo ...". Each line is one list item."""
    lines = ["In the photo list:"]
    lines += [f"{shown_keys(b)}: {b.description}." for b in menu_bindings(IN_THE_LIST)]
    for menu in MENUS:
        lines.append(f"{menu} menu (Alt+{menu[0]}):")
        lines += [f"{shown_keys(b)}: {b.description}." for b in menu_bindings(menu)]
    return lines


def markdown_table() -> str:
    rows = ["| Keys | What it does | Menu |", "|---|---|---|"]
    rows += [f"| {shown_keys(b)} | {b.description} | {b.menu_text} |" for b in BINDINGS]
    return "\n".join(rows)
