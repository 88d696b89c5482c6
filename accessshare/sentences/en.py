"""The app's own words in English: status, consent, deletion, exports and errors.

One function per sentence (or family of sentences), used by the command line and the window
alike, so the same event is said the same way everywhere. Photo descriptions have their own
module (``describe.phrasing.en``). Every text is a literal inside ``_()`` or ``plural()`` for
gettext extraction (``sentences.catalog``); fields are filled with ``str.format``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from accessshare.sentences.catalog import _, plural
from accessshare.vocabulary import ConsentStatus, Decision, PhotoFilter

# Counting ---------------------------------------------------------------------------------------


def photos(count: int) -> str:
    """"1 photo", "3 photos"."""
    return plural(count, "{count} photo", "{count} photos")


def events(count: int) -> str:
    # Translators: entries of the consent and deletion log.
    return plural(count, "{count} event", "{count} events")


def files(count: int) -> str:
    return plural(count, "{count} file", "{count} files")


def flagged(count: int) -> str:
    # Translators: photos with a privacy or quality flag, as in "9 flagged".
    return _("{count} flagged").format(count=count)


def join_words(words: Sequence[str], last: str | None = None) -> str:
    """"a", "a and b", "a, b and c" ("or" when asked)."""
    last = last if last is not None else _("and")
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def either(words: Sequence[str]) -> str:
    # Translators: joins the last two of a list, as in "public release or commercial use".
    return join_words(words, _("or"))


def as_sentence(text: str) -> str:
    """Capitalised, with one full stop (or the stop it has)."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def as_sentences(parts: Sequence[str]) -> str:
    """Parts joined as sentences, each ending in one full stop (a part may end in its own)."""
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}."
                    for p in (p.strip() for p in parts) if p)


# Consent states ---------------------------------------------------------------------------------

NOT_DECIDED = _("Not yet decided.")
NOT_VERIFIED = _("Not shared: the consent log is damaged.")

# Translators: a purpose's state, shown beside its tick box ("Now shared.").
STATE_WORDS = {
    ConsentStatus.GIVEN: _("shared"),
    ConsentStatus.REFUSED: _("not shared"),
    ConsentStatus.WITHDRAWN: _("withdrawn"),
    ConsentStatus.PENDING: _("not yet decided"),
    ConsentStatus.DELETED: _("deleted earlier; not shared"),
    ConsentStatus.UNVERIFIED: _("not shared: the consent log is damaged"),
}


# Conditions on sharing (consent.conditions): what is removed before a photo leaves ----------------

# Translators: what a redacted copy has removed, as in "faces and text removed".
REMOVABLE_WORDS = {"faces": _("faces"), "text": _("text"), "location": _("location"),
                   "camera": _("camera details")}
SAY_WHAT_TO_REMOVE = _("Say what to remove: faces, text, location or all.")
CONDITION_ONLY_WHEN_SHARED = _("Removing faces, text or location is a condition on sharing; it "
                               "goes only with the state given.")


def cannot_remove(word: str) -> str:
    return _("'{word}' is not something that can be removed; choose faces, text, location or "
             "all.").format(word=word)


def condition_words(kinds: Iterable[str]) -> str:
    """"faces and text removed", "faces, text, location and camera details removed"."""
    kinds = set(kinds)
    names = [REMOVABLE_WORDS[kind] for kind in ("faces", "text") if kind in kinds]
    if "location" in kinds:
        names += [REMOVABLE_WORDS["location"], REMOVABLE_WORDS["camera"]]
    return _("{things} removed").format(things=join_words(names))


def shared_on_condition(purposes: Sequence[str], kinds: Iterable[str]) -> str:
    """One condition for every shared purpose: "research, faces removed"."""
    return _("{purposes}, {removed}").format(purposes=join_words(purposes),
                                              removed=condition_words(kinds))


def shared_with_condition(purposes: Sequence[str], kinds: Iterable[str]) -> str:
    """Purposes among others: "research with faces removed" (no condition: "teaching")."""
    if not kinds:
        return join_words(purposes)
    return _("{purposes} with {removed}").format(purposes=join_words(purposes),
                                                 removed=condition_words(kinds))


def with_condition(kinds: Iterable[str]) -> str:
    """In a history step: "with faces removed"."""
    return _("with {removed}").format(removed=condition_words(kinds))


def nothing_saved(problem: str) -> str:
    return _("Nothing was saved: {problem}").format(problem=problem)


REDACT_ONLY_WITH_GIVEN = _("Nothing was saved: --redact is a condition on sharing, so it goes "
                           "only with --state given.")


def state_words(status: str | None) -> str:
    return STATE_WORDS.get(ConsentStatus(status) if status in STATE_WORDS else
                           ConsentStatus.PENDING, STATE_WORDS[ConsentStatus.PENDING])


def consent_summary(shared: list[str], refused: list[str], withdrawn: list[str],
                    pending: list[str], deleted: list[str]) -> str:
    """One sentence for a photo's states, from each state's purposes (in words):
    "Shared for research, not for commercial use." """
    if deleted:
        return _after_deletion(shared, refused, withdrawn, pending)
    if not shared and not refused and not withdrawn:
        return NOT_DECIDED
    if not shared and not pending:
        if not withdrawn:
            return _("Not shared for any purpose.")
        if not refused:
            return _("Withdrawn from every purpose.")
    sentence = ", ".join(_decided_parts(shared, refused, withdrawn))
    if pending:
        sentence += _("; other purposes not yet decided")
    return as_sentence(sentence)


def _decided_parts(shared: list[str], refused: list[str], withdrawn: list[str]) -> list[str]:
    """"shared for research", "not for commercial use", "withdrawn from public release"."""
    parts = []
    if shared:
        parts.append(_("shared for {purposes}").format(purposes=join_words(shared)))
    if refused and shared:
        parts.append(_("not for {purposes}").format(purposes=either(refused)))
    elif refused:
        parts.append(_("not shared for {purposes}").format(purposes=either(refused)))
    if withdrawn:
        parts.append(_("withdrawn from {purposes}").format(purposes=join_words(withdrawn)))
    return parts


def _after_deletion(shared: list[str], refused: list[str], withdrawn: list[str],
                    pending: list[str]) -> str:
    """Words for a photo whose content was deleted, decided again for some purposes or none."""
    parts = _decided_parts(shared, refused, withdrawn)
    if pending:
        parts.append(_("not yet decided for {purposes}").format(purposes=join_words(pending)))
    if not parts:
        return _("Deleted earlier; not shared.")
    return as_sentence(", ".join(parts)
                       + _("; deleted earlier, so not shared for the other purposes"))


def purpose_phrase(purpose_words: Sequence[str]) -> str:
    """"research only", "research and training AI models"."""
    if len(purpose_words) == 1:
        # Translators: the one purpose a photo is shared for, as in "Share for research only".
        return _("{purpose} only").format(purpose=purpose_words[0])
    return join_words(purpose_words)


# Decisions --------------------------------------------------------------------------------------

def saved_photo(state: str, reminder: str = "") -> str:
    """After one photo's decision: "Saved. Shared for research." """
    return _("Saved. {state} {reminder}").format(state=state, reminder=reminder).strip()


def saved_photo_named(name: str, state: str) -> str:
    """One photo's decision on the command line, which names it."""
    return _("{name}: {state}").format(name=name, state=state)


def name_not_utf8(name: str) -> str:
    """A file whose name has bytes that are not UTF-8: no database can keep such a path."""
    return _("{name} has a name that is not valid text (UTF-8), so AccessShare cannot keep a "
             "record of it; rename it to decide about it.").format(name=name)


def saved_photos(count: int) -> str:
    return _("Saved for {photos}.").format(photos=photos(count))


def not_saved(problem: object) -> str:
    return _("Not saved: {problem}").format(problem=problem)


def folder_default(name: str, summary: str) -> str:
    """What a folder's default is, said the same after a decision and when asked."""
    # Translators: {name} is a folder; {summary} a sentence such as "Shared for research."
    return _("Folder {name}, for photos with no decision of their own: {summary}").format(
        name=name, summary=summary)


def saved_folder_default(name: str, summary: str) -> str:
    return _("Saved. {folder}").format(folder=folder_default(name, summary))


def keeping_own_decision(names: Sequence[str], more: int, status: str) -> str:
    """When a folder stops sharing, the photos still shared by a decision of their own."""
    named = ", ".join(names)
    if more:
        named = _("{names} and {count} more").format(names=named, count=more)
    verb = {ConsentStatus.WITHDRAWN: _("withdraw"), ConsentStatus.REFUSED: _("stop sharing"),
            ConsentStatus.PENDING: _("set back to not yet decided")}[ConsentStatus(status)]
    if len(names) + more == 1:
        return _("1 photo you decided one by one keeps its own decision and is still shared: "
                 "{named}. To {verb} it too, give its path.").format(named=named, verb=verb)
    return _("{count} photos you decided one by one keep their own decision and are still "
             "shared: {named}. To {verb} them too, give their paths.").format(
        count=len(names) + more, named=named, verb=verb)


def log_failed(problem: str) -> str:
    # The meaning first, the check's technical finding last: a listener may stop there.
    return _("The consent log is damaged, so no photo counts as shared until it is repaired. "
             "The check found: {problem}.").format(problem=_lower_first(problem.rstrip(".")))


def _lower_first(text: str) -> str:
    """A finding put mid-sentence: "Chain broken" becomes "chain broken", "SQLite" stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# Translators: a photo's consent state in the list while the app checks the consent log at start.
CHECKING_LOG = _("Consent being checked.")
STILL_CHECKING_LOG = _("One moment: the consent log is still being checked.")


def log_failed_in_app(problem: str) -> str:
    """Said once when the window finds the log broken: what it means, what still works, and
    last (a listener may stop there) what the check found."""
    return _("The consent log is damaged, so no photo counts as shared and none can be shared "
             "until it is repaired. You can still withdraw, refuse and delete, review and hear "
             "photos, and export or verify the log with Control+E. The check found: "
             "{problem}.").format(problem=_lower_first(problem.rstrip(".")))


# A damaged consent log (its chain fails verification), the window and the command line alike:
# a decision that shares nothing is saved and said with the damage; a decision to share is not.
def device_key_changed(day: str, earlier: str, current: str) -> str:
    """Said at start and by each command that signs while the device key was made anew and no
    log was exported with it yet (``records.key_history``)."""
    return _("This device's signing key was made anew on {day}: the key that signed your "
             "earlier consent records ({earlier}) is missing, so stewards who hold your earlier "
             "logs will refuse your new ones until you give them the new key's fingerprint "
             "({current}). Checking the next log you export reads it out: Verify in the export "
             "dialog (Control+E), or 'accessshare log verify FILE' in full."
             ).format(day=day, earlier=earlier, current=current)


def export_signed(signed_by: str, short_key: str) -> str:
    """After an exported log verified: whose it is and the key to compare by ear."""
    return _("Signed by {signed_by} with the device key {key}.").format(signed_by=signed_by,
                                                                       key=short_key)


LOG_DAMAGED = _("The consent log is damaged, so nothing is shared until it is repaired.")
NOT_SHARED_LOG_DAMAGED = _("Not saved: the consent log is damaged, so nothing can be shared "
                           "until it is repaired; you can still withdraw, refuse or delete.")
NOT_UNDONE_LOG_DAMAGED = _("Nothing was undone: the consent log is damaged, so its last "
                           "decision cannot be trusted; you can still withdraw, refuse or delete.")


def saved_on_damaged_log(status: str, count: int | None = None,
                         folder: str | None = None) -> str:
    """"Withdrawn and saved. The consent log is damaged, so nothing is shared until it is
    repaired." (for one photo; ``count`` photos; or ``folder``'s default)."""
    done = {ConsentStatus.WITHDRAWN: _("Withdrawn and saved"),
            ConsentStatus.REFUSED: _("Refused and saved"),
            ConsentStatus.PENDING: _("Set back to not yet decided and saved")}[ConsentStatus(status)]
    if folder is not None:
        done = _("{done} for folder {name}").format(done=done, name=folder)
    elif count is not None:
        done = _("{done} for {photos}").format(done=done, photos=photos(count))
    return _("{done}. {damaged}").format(done=done, damaged=LOG_DAMAGED)


def with_log_damaged(sentence: str) -> str:
    """A deletion done on a damaged log: its report, then the damage."""
    return _("{sentence} {damaged}").format(sentence=sentence, damaged=LOG_DAMAGED)


def decision_choice(decision: Decision, purposes: str, *, folder: bool = False) -> str:
    """The choices of the bulk and folder dialogs."""
    if decision is Decision.SHARE:
        return _("Share for {purposes}").format(purposes=purposes)
    if decision is Decision.DONT_SHARE:
        return _("Don't share for any purpose")
    return _("No default: not yet decided") if folder else _("Set back to not yet decided")


def decide_for_shown(count: int) -> str:
    return _("Decide for all {photos} shown.").format(photos=photos(count))


def bulk_question(decision: Decision, count: int, purposes: str) -> str:
    if decision is Decision.SHARE:
        return _("Share {photos} for {purposes}?").format(photos=photos(count), purposes=purposes)
    if decision is Decision.DONT_SHARE:
        return _("Refuse {photos} for every purpose?").format(photos=photos(count))
    return _("Set {photos} back to not yet decided?").format(photos=photos(count))


BULK_TITLE = _("Confirm decision for all photos shown")
FOLDER_TITLE = _("Confirm the folder's default")
CAN_UNDO = _("You can undo this with Control+Z.")


def with_undo(effect: str) -> str:
    return f"{effect} {CAN_UNDO}".strip()


def bulk_effect(turned: int, withdrawn_elsewhere: int, withdrawn: int, cleared: int) -> str:
    """What a decision for many photos changes in decisions already made ("" if nothing)."""
    changes = []
    if turned:
        changes.append(_("{photos} you had not shared will be shared").format(photos=photos(turned)))
    if withdrawn_elsewhere:
        changes.append(_("{photos} shared for other uses will be withdrawn from them").format(
            photos=photos(withdrawn_elsewhere)))
    if withdrawn:
        changes.append(_("{photos} you had shared will be withdrawn").format(photos=photos(withdrawn)))
    if cleared:
        changes.append(_("your decisions for {photos} will be cleared").format(photos=photos(cleared)))
    return as_sentence("; ".join(changes))


def bulk_saved(decision: Decision, count: int, purposes: str, reminder: str) -> str:
    done = {Decision.SHARE: _("shared for {purposes}").format(purposes=purposes),
            Decision.DONT_SHARE: _("not shared for any purpose"),
            Decision.UNDECIDED: _("not yet decided")}[decision]
    return _("Saved. {photos} {done}. {reminder}").format(
        photos=photos(count), done=done, reminder=reminder).strip()


def privacy_reminder_for_many(total: int, flagged_count: int) -> str:
    if not flagged_count:
        return ""
    if total == 1:
        return _("It has privacy findings, such as faces, text or a location; the privacy "
                 "filter lists them.")
    which = plural(flagged_count, "{count} of them has", "{count} of them have")
    return _("{which} privacy findings, such as faces, text or a location; the privacy filter "
             "lists them.").format(which=which)


NO_PHOTOS_SHOWN = _("No photos are shown, so there is nothing to decide.")
NO_PHOTO_SELECTED = _("No photo is selected.")
OPEN_FOLDER_FIRST = _("Open a folder of photos first, with Control+O.")


def folder_dialog_title(name: str) -> str:
    return _("Default for the folder {name}").format(name=name)


def folder_dialog_group(name: str) -> str:
    return _("Default for photos in {name} with no decision of their own").format(name=name)


def folder_dialog_opened(name: str, now: str) -> str:
    return _("Default for the folder {name}. Now: {now}").format(name=name, now=now)


def folder_question(decision: Decision, name: str, purposes: str) -> str:
    if decision is Decision.SHARE:
        return _("Share the folder {name} for {purposes} by default?").format(
            name=name, purposes=purposes)
    if decision is Decision.DONT_SHARE:
        return _("Make not sharing the default for the folder {name}?").format(name=name)
    return _("Remove the default of the folder {name}?").format(name=name)


def folder_followers(count: int) -> str:
    return with_undo(_("{photos} with no decision of their own will follow it; photos you "
                       "decided one by one keep their decision.").format(photos=photos(count)))


def consent_unavailable(problem: object) -> str:
    return _("Consent decisions are not available. {problem}").format(problem=problem)


NOTHING_DECIDED = _("Nothing was decided. Press Y, N or U again when you are ready.")

# The offer of the consent walk before the first decision.
WALK_OFFER_TITLE = _("Learn about consent first?")
WALK_OFFER_QUESTION = _("Before your first decision, go through what sharing means?")
WALK_OFFER_DETAILS = _(
    "It takes a few minutes: who sees your photos, each purpose, how to withdraw and what "
    "deletion removes. Alt+L, Learn first, starts it, and your decision is saved when you "
    "finish it. Alt+D, Decide now, saves your decision without it. Escape, Cancel, decides "
    "nothing. You can do it later with Control+I.")
# Translators: buttons; "&" marks the Alt+letter, which the details above name (Alt+L, Alt+D).
LEARN_FIRST = _("&Learn first")
DECIDE_NOW = _("&Decide now")
CANCEL = _("Cancel")
LEARN_FIRST_DOES = _("Start the consent walk. Your decision is saved when you finish it.")
DECIDE_NOW_DOES = _("Save the decision without the walk.")
CANCEL_DOES = _("Decide nothing now.")

# Undo and history ----------------------------------------------------------------------------------

NOTHING_TO_UNDO = _("There is no decision to undo.")


def undone_one(summary: str, name: str | None = None) -> str:
    if name:
        return _("Undone for {name}. {summary}").format(name=name, summary=summary)
    return _("Undone. {summary}").format(summary=summary)


def undone_many(count: int) -> str:
    return _("Undone for {photos}.").format(photos=photos(count))


UNDONE_FOLDER = _("Undone for the whole folder.")


def nothing_undone(problem: object) -> str:
    return _("Nothing was undone: {problem}").format(problem=problem)


NO_HISTORY = _("Nothing has been decided for this photo yet.")

# Translators: the history's steps; {it} is "this" (the photo, or "the whole folder") in the
# first step of a sentence and "it" after: "You shared this for research on 3 March and
# withdrew it on 5 March."
HISTORY_VERBS = {
    ConsentStatus.GIVEN: _("shared {it}"),
    ConsentStatus.REFUSED: _("refused {it}"),
    ConsentStatus.WITHDRAWN: _("withdrew {it}"),
    ConsentStatus.PENDING: _("set {it} back to undecided"),
}
# Translators: a step that repeats the one before ("shared it again at 10:05").
HISTORY_AGAIN = _("{step} again")
HISTORY_UNDONE = _("undid that")
HISTORY_GIVEN_BACK = _("gave {it} back to the folder's decision")
HISTORY_YOU = _("You")
HISTORY_THIS = _("this")
HISTORY_FOLDER = _("the whole folder")
HISTORY_DELETED = _("You deleted this photo earlier; decisions made before that no longer "
                    "count.")


def history_opened(name: str, sentences: Sequence[str]) -> str:
    spoken = " ".join(sentences) or NO_HISTORY
    return _("History of {name}. {spoken}").format(name=name, spoken=spoken)


# Deletion --------------------------------------------------------------------------------------------

DELETE_REASON = _("The contributor deleted it in AccessShare.")


def copies(count: int, kind: str) -> str:
    if kind == "other":
        return plural(count, "{count} other copy", "{count} other copies")
    return plural(count, "{count} exported copy", "{count} exported copies")


def deleted(name: str, other_copies: int, exported_copies: int, remaining: Sequence[str],
            resumed: bool = False) -> str:
    """The report of one deletion, said by the app and printed by the command line."""
    if resumed:
        said = _("Finished deleting a photo whose deletion was interrupted ({name})").format(
            name=name)
    else:
        found = []
        if other_copies:
            found.append(_("{copies} in your folders").format(copies=copies(other_copies, "other")))
        if exported_copies:
            found.append(copies(exported_copies, "exported"))
        said = _("Deleted {name}").format(name=name)
        if len(found) == 2:
            said += _(", {first} and {second}").format(first=found[0], second=found[1])
        elif found:
            said += _(" and {copies}").format(copies=found[0])
    if not remaining:
        return _("{said}. No copy remains.").format(said=said)
    remain = plural(len(remaining), "{count} copy remains", "{count} copies remain")
    return _("{said}, but {remain}: {found}.").format(said=said, remain=remain,
                                                      found="; ".join(remaining))


def not_deleted(name: str, problem: object) -> str:
    return _("{name} was not deleted: {problem}").format(name=name, problem=problem)


def delete_needs_yes(count: int) -> str:
    return _("Nothing was deleted. Deleting {photos} is permanent and cannot be undone; add "
             "--yes to confirm.").format(photos=photos(count))


# Exports ------------------------------------------------------------------------------------------

EXPORT_OPENED = _("Export and verify consent records.")


def log_exported(count: int, path: object) -> str:
    """The consent log was written, as JSON or CSV."""
    return _("Saved the consent log with {events} to {path}.").format(events=events(count),
                                                                      path=path)


def photos_exported(count: int, purpose: str, folder: object, left_out: dict[str, int], *,
                    redacted: int = 0, not_verified: int = 0) -> str:
    sentence = _("Copied {photos} shared for {purpose} to {folder}, with manifest.csv.").format(
        photos=photos(count), purpose=purpose, folder=folder)
    if redacted:
        sentence += " " + plural(
            redacted, "{count} is a redacted copy, each described again to check that what was "
            "to be removed is gone.", "{count} are redacted copies, each described again to check "
            "that what was to be removed is gone.")
    # Translators: why photos were left out of an export, as in "Left out: 2 withdrawn".
    words = {ConsentStatus.REFUSED: _("not shared"), ConsentStatus.WITHDRAWN: _("withdrawn"),
             ConsentStatus.PENDING: _("not yet decided"), ConsentStatus.DELETED: _("deleted")}
    parts = [f"{left_out[status]} {word}" for status, word in words.items() if left_out.get(status)]
    if not_verified:
        parts.append(_("{count} whose redacted copy could not be verified").format(
            count=not_verified))
    if parts:
        sentence += " " + _("Left out: {parts}.").format(parts=", ".join(parts))
    return sentence


# Exporting in the background (the window's Ctrl+E) ------------------------------------------------

EXPORT_STARTED = _("Exporting. Press Escape to stop it between two photos.")
EXPORT_RUNNING = _("An export is running; press Escape to stop it.")
EXPORT_STOPPING = _("Stopping after this photo.")
EXPORT_GOES_ON = _("The export goes on in the background; you will hear when it is done. To "
                   "stop it, press Control+E, then Escape.")


def export_progress(done: int, total: int) -> str:
    # Translators: progress of a photo export, as in "Exported 3 of 12."
    return _("Exported {done} of {total}.").format(done=done, total=total)


def photo_export_stopped(copied: int, total: int, folder: object) -> str:
    return _("Stopped. Exported {done} of {total} to {folder}, each complete and named in "
             "manifest.csv; nothing partial was left.").format(done=copied,
                                                              total=photos(total), folder=folder)


def export_failed(problem: object) -> str:
    return _("That did not work: {problem}").format(problem=problem)


def no_describer_to_check(name: str) -> str:
    return _("The copy of {name} could not be checked: no describer was given to check it, so "
             "it will not be shared.").format(name=name)


def cannot_write(path: object, reason: object) -> str:
    return _("{path} cannot be written ({reason}).").format(path=path, reason=reason)


# Hearing a photo as it would be shared (Shift+R) ------------------------------------------------

CANNOT_DESCRIBE_HERE = _("Photos cannot be described here.")


def removing_and_checking(name: str) -> str:
    return _("Removing and checking, for {name}…").format(name=name)


def copy_not_made(name: str, error: object) -> str:
    return _("The copy of {name} could not be made ({error}).").format(name=name, error=error)


# The dataset and its status ---------------------------------------------------------------------------

NO_DATASET = _("No dataset is open. Press Ctrl+O to open a folder of photos.")
STILL_OPENING = _("Still opening the dataset.")
NO_MATCH = _("No photos match this filter. Press Ctrl+F to choose another.")

FILTER_WORDS = {
    PhotoFilter.ALL: _("All photos"),
    PhotoFilter.UNDECIDED: _("Not yet decided"),
    PhotoFilter.PRIVACY: _("Photos with privacy flags"),
    PhotoFilter.QUALITY: _("Photos with quality flags"),
    PhotoFilter.SHARED: _("Shared"),
    PhotoFilter.NOT_SHARED: _("Not shared"),
}


def no_photos_in(folder: object) -> str:
    return _("There are no photos in {folder}.").format(folder=folder)


def not_a_folder(folder: object) -> str:
    return _("Cannot open {folder}: it is not a folder that exists.").format(folder=folder)


def opening(name: str) -> str:
    return _("Opening {name}…").format(name=name)


def opened(name: str, total: int, described: int, flagged_count: int,
           problems: Sequence[str]) -> str:
    words = [_("Opened {name}: {photos}").format(name=name, photos=photos(total))]
    if described:
        words.append(plural(flagged_count, "{count} flagged photo so far",
                            "{count} flagged photos so far"))
    if problems:
        words.append(_("{files} could not be opened; the first: {problem} Press S to hear "
                       "all").format(files=files(len(problems)), problem=problems[0]))
    return ". ".join(words) + "."


def described_progress(described: int, total: int, flagged_count: int) -> str:
    return _("Described {described} of {total} photos; {flagged}.").format(
        described=described, total=total, flagged=flagged(flagged_count))


def all_described(total: int, flagged_count: int) -> str:
    return _("All {photos} described: {flagged}.").format(photos=photos(total),
                                                          flagged=flagged(flagged_count))


def showing(filter_name: PhotoFilter, count: int) -> str:
    return _("Showing {filter}: {photos}.").format(filter=FILTER_WORDS[filter_name].lower(),
                                                   photos=photos(count))


def status_sentence(name: str, total: int, filter_name: PhotoFilter, shown: int, described: int,
                    flagged_count: int, decided: tuple[int, int, int], still_opening: bool,
                    note: str, problems: Sequence[str]) -> str:
    shared, not_shared, undecided = decided
    parts = [_("Dataset {name}: {photos}").format(name=name, photos=photos(total)),
             _("Showing {filter}: {count}").format(filter=FILTER_WORDS[filter_name].lower(),
                                                   count=shown),
             _("{described} described, {flagged} flagged").format(described=described,
                                                                  flagged=flagged_count),
             _("{shared} shared, {not_shared} not shared, {undecided} not yet decided").format(
                 shared=shared, not_shared=not_shared, undecided=undecided)]
    if still_opening:
        parts.append(_("still opening"))
    if note:
        parts.append(note)
    if problems:
        parts.append(_("{files} could not be opened: {problems}").format(
            files=files(len(problems)), problems=" ".join(problems[:10])))
    return as_sentences(parts)


def status_line(total: int, described: int, flagged_count: int, filter_name: PhotoFilter,
                still_opening: bool) -> str:
    # Translators: the status bar; "Opening… " is put first while the folder is scanned.
    opening_now = _("Opening… ") if still_opening else ""
    return _("{opening}{photos}, {described} described, {flagged} flagged. Showing {filter}.").format(
        opening=opening_now, photos=photos(total), described=described, flagged=flagged_count,
        filter=FILTER_WORDS[filter_name].lower())


WRAPPED = _("Wrapped around.")
LAST_PHOTO = _("Last photo.")
FIRST_PHOTO = _("First photo.")


def no_flagged(all_known: bool) -> str:
    if all_known:
        return _("No flagged photos.")
    return _("No flagged photos yet; some photos are still being described.")


STILL_DESCRIBING = _("This photo is still being described.")
TEXT_UNREAD = _("No text could be read in this photo, though there seems to be writing.")
NO_TEXT = _("No text was recognised in this photo.")


def text_in_photo(lines: str) -> str:
    return _("Text in this photo: {lines}").format(lines=lines)


def zoom(percent: int) -> str:
    return _("Zoom {percent} percent.").format(percent=percent)


FITTED = _("Photo fitted to the window.")


def high_contrast(on: bool) -> str:
    return _("High contrast on.") if on else _("High contrast off.")


def verbosity(detailed: bool) -> str:
    return _("Detailed descriptions.") if detailed else _("Brief descriptions.")


def cannot_yet(store_open: bool) -> str:
    if store_open:
        return _("Cannot do that yet. Open a dataset first with Ctrl+O.")
    return _("Cannot do that yet. Consent records are not available, so decisions cannot be "
             "saved.")


NO_RECENT = _("No recent datasets yet.")
SETTINGS_UNCHANGED = _("Settings not changed.")
SETTINGS_SAVED = _("Settings saved.")


def settings_not_saved(problem: object) -> str:
    return _("Settings could not be saved: {problem}").format(problem=problem)


# The photo list -------------------------------------------------------------------------------------

def list_item(position: int, total: int, body: str, state: str) -> str:
    """A list item as a screen reader reads it, with its position (nvda#14236)."""
    return _("Photo {position} of {total}. {body} {state}").format(
        position=position, total=total, body=body, state=state)


def not_described(name: str, reason: str) -> str:
    reason = reason.strip()  # said as it is given ("the describer stopped"), with a full stop
    if not reason.endswith((".", "!", "?")):
        reason += "."
    if name in reason:  # "The photo a.jpg is damaged…" names it already: said once
        return _("Could not be described: {reason}").format(reason=reason)
    return _("{name} could not be described: {reason}").format(name=name, reason=reason)


def being_described(name: str, label: str | None) -> str:
    if label:
        # Translators: the contributor's own label for a photo, said until it is described.
        return _("Labelled {label}. Being described.").format(label=label)
    return _("{name}. Being described.").format(name=name)


# Co-design study sessions (the recorder, the Study menu and the facilitator's view) -------------

def study_intro(participant: str, pause_keys: str, record_speech: bool) -> str:
    """What the participant hears before agreeing to a session being recorded."""
    said = (_(" It also records everything the app says to you, including the descriptions of "
              "your photos, as you agreed for this study.") if record_speech else "")
    return _("This is study session {participant}. If you agree, AccessShare records what you "
             "do, not what your photos show: the number of the photo you are on, the keys you "
             "use, your decisions, and the time. It never records file names, descriptions, "
             "text in your photos, or the photos themselves.{speech} You can pause recording at "
             "any time with {keys}, or from the Study menu. Do you agree to recording?").format(
                 participant=participant, speech=said, keys=pause_keys)


STUDY_RECORDING_STARTED = _("Recording started.")
STUDY_DECLINED = _("Nothing is recorded. You can start recording from the Study menu.")
STUDY_PAUSED = _("Recording paused. Nothing is recorded until you resume it.")
STUDY_RESUMED = _("Recording resumed.")
STUDY_HAS_ENDED = _("The study session has ended.")
STUDY_ALREADY_ENDED = _("The study session has already ended.")
STUDY_NO_PROTOCOL = _("This session has no protocol, so there are no tasks.")
STUDY_TASKS_DONE = _("All tasks are done.")
STUDY_NOTE_EMPTY = _("The note is empty; nothing was added.")
STUDY_NOTE_ADDED = _("Note added.")


def study_task(number: int, total: int, task: str) -> str:
    """"Task 2 of 3: Delete a photo you would not share." (the protocol's own words)."""
    return _("Task {number} of {total}: {task}").format(number=number, total=total, task=task)


def study_first_task_not_started(title: str) -> str:
    return _("{title}. The first task has not started yet.").format(title=title)


def study_ended(participant: str) -> str:
    return _("Study session {participant} ended.").format(participant=participant)


def study_events_not_saved(problem: object) -> str:
    return _("Study events could not be saved: {problem}").format(problem=problem)


def study_end_not_saved(problem: object) -> str:
    return _("The end of the study session could not be saved: {problem}").format(
        problem=problem)


STUDY_NEEDS_STORE = _("A study session needs the records database, which is not available.")
STUDY_AGREE_TITLE = _("Study session: agree to recording?")
# Translators: "&" marks the Alt+letter that the question's details name (Alt+A).
STUDY_AGREE = _("&Agree")
STUDY_DO_NOT_RECORD = _("Do &not record")
STUDY_AGREE_KEYS = _("Alt+A, Agree, starts recording. Escape, Do not record, records nothing; "
                     "you can agree later from the Study menu.")
STUDY_AGREE_DOES = _("Start recording this session.")
STUDY_DO_NOT_RECORD_DOES = _("Record nothing.")
STUDY_START_TITLE = _("Start a study session")
STUDY_CODE_LABEL = _("Participant code (like P07):")
STUDY_NOT_STARTED = _("No study session was started.")
STUDY_NOTE_TITLE = _("Add a note")
STUDY_NOTE_LABEL = _("Note:")
STUDY_NO_NOTE = _("No note was added.")
STUDY_VIEW_HIDDEN = _("Facilitator's view hidden.")
STUDY_VIEW_SHOWN = _("Facilitator's view shown. It takes no keyboard focus.")
STUDY_VIEW_NAME = _("Facilitator's view")
STUDY_VIEW_SAID = _("The app said:")
STUDY_VIEW_DONE = _("Last actions:")


def study_already_recording(participant: str) -> str:
    return _("Study session {participant} is already recording.").format(participant=participant)


def study_not_running(start_keys: str) -> str:
    return _("No study session is running. Start one with {keys}.").format(keys=start_keys)


def study_view_title(participant: str) -> str:
    return _("AccessShare: facilitator's view, {participant}").format(participant=participant)


def study_status(participant: str, state: str, task: str = "") -> str:
    """The view's first line: "Participant P07: recording; Task 1 of 2: …"."""
    if task:
        return _("Participant {participant}: {state}; {task}").format(
            participant=participant, state=state, task=task)
    return _("Participant {participant}: {state}").format(participant=participant, state=state)


# What the facilitator's view lists as the participant's last actions.

def study_used_key(keys: str, does: str) -> str:
    # Translators: a key and what it does, as in "Y: Share".
    return _("{keys}: {does}").format(keys=keys, does=does)


def study_moved_to(position: int) -> str:
    return _("Moved to photo {position}").format(position=position)


def study_opened(count: int) -> str:
    return plural(count, "Opened a dataset of {count} photo", "Opened a dataset of {count} photos")


def study_decided(position: int | None, state: str) -> str:
    return _("Decided photo {position}: {state}").format(position=position, state=state)


def study_decided_many(count: int, state: str, folder: bool = False) -> str:
    if folder:
        what = plural(count, "Decided the folder's default for {count} photo shown",
                      "Decided the folder's default for {count} photos shown")
    else:
        what = plural(count, "Decided {count} photo at once", "Decided {count} photos at once")
    # Translators: {what} is one of the two above, {state} a consent state ("given").
    return _("{what}: {state}").format(what=what, state=state)


def study_note_shown(words: str) -> str:
    # Translators: a facilitator's note as the facilitator's view lists it.
    return _("Note: {words}").format(words=words)


# Participant and facilitator codes, and protocol files ------------------------------------------
# Translators: a code must never identify a person: "P07" for a participant, "F2" for a
# facilitator. {code} is the refused code, quoted.

def _code_words(facilitator: bool) -> tuple[str, str]:
    """(what the code is, its example)."""
    return (_("facilitator code"), "F2") if facilitator else (_("participant code"), "P07")


def study_code_empty(facilitator: bool = False) -> str:
    what, example = _code_words(facilitator)
    return _("The {what} is empty; use a pseudonymous code such as {example}.").format(
        what=what, example=example)


def study_code_like_an_email(code: str, facilitator: bool = False) -> str:
    what, example = _code_words(facilitator)
    return _("The {what} {code!r} looks like an e-mail address; use a pseudonymous code such "
             "as {example}, never anything that identifies a person.").format(
        what=what, code=code, example=example)


def study_code_like_a_name(code: str, facilitator: bool = False) -> str:
    what, example = _code_words(facilitator)
    return _("The {what} {code!r} looks like a name; use a pseudonymous code such as "
             "{example}: a few letters and a number, never anything that identifies a "
             "person.").format(what=what, code=code, example=example)


def study_code_not_a_code(code: str, longest: int, facilitator: bool = False) -> str:
    what, example = _code_words(facilitator)
    return _("The {what} {code!r} is not a code; use a pseudonymous code such as {example}: "
             "up to {longest} letters, digits, '-' or '_'.").format(
        what=what, code=code, example=example, longest=longest)


# Translators: the title of a study protocol that has none of its own.
STUDY_TASKS_TITLE = _("Study tasks")


def protocol_without_tasks(file_name: str | None = None) -> str:
    if file_name is None:
        return _("The protocol has no numbered tasks; write each task on a line such as "
                 "'1. Find a photo that shows a face'.")
    return _("The protocol file {name} has no numbered tasks; write each task on a line such "
             "as '1. Find a photo that shows a face'.").format(name=file_name)


def protocol_unreadable(file_name: str, problem: object) -> str:
    return _("The protocol file {name} cannot be read: {problem}.").format(
        name=file_name, problem=problem)


def protocol_too_large(file_name: str) -> str:
    return _("The protocol file {name} is too large for a list of tasks.").format(name=file_name)


def protocol_not_utf8(file_name: str) -> str:
    return _("The protocol file {name} is not UTF-8 text.").format(name=file_name)


# Study records on the command line (accessshare study …) ---------------------------------------

NO_STUDY_SESSIONS = _("No study sessions are recorded.")
STUDY_CONSENT_KEPT = _("Their own consent decisions are theirs and were not touched.")


def study_session_line(participant: str, session: int, facilitator: str, started: str,
                       length: str, event_count: int) -> str:
    """One session of ``study list``."""
    if facilitator:
        return _("{participant}: session {session}, facilitator {facilitator}, started "
                 "{started}, {length}, {events}.").format(
            participant=participant, session=session, facilitator=facilitator,
            started=started, length=length, events=events(event_count))
    return _("{participant}: session {session}, started {started}, {length}, {events}.").format(
        participant=participant, session=session, started=started, length=length,
        events=events(event_count))


STUDY_STILL_OPEN = _("still open")


def study_summary_session(participant: str, session: int, length: str, event_count: int) -> str:
    """The heading of one session in ``study summary``: "P09, session 1 (2 min 5 s, 1 event):"."""
    return _("{participant}, session {session} ({length}, {events}):").format(
        participant=participant, session=session, length=length, events=events(event_count))


# Translators: the part of a study session before its first task, in ``study summary``.
STUDY_BEFORE_ANY_TASK = _("Before any task")


def study_summary_part(task: int | None, summary: str) -> str:
    """One task's line of ``study summary``: "Task 2: 12.5 s; …"."""
    part = STUDY_BEFORE_ANY_TASK if task is None else _("Task {number}").format(number=task)
    return _("{part}: {summary}").format(part=part, summary=summary)


def study_summary(seconds: float, photos_reviewed: int, descriptions_heard: int,
                  decisions: Sequence[tuple[str, int]], right: int, wrong: int,
                  keys: Sequence[tuple[str, int]]) -> str:
    """What happened in one task: ``decisions`` as (state, count), ``keys`` as (action, count)."""
    # Translators: "3 given", one state of consent decided in a study task, and its count.
    decided = ", ".join(_("{count} {state}").format(count=n, state=s) for s, n in decisions)
    used = ", ".join(_("{action} ({count})").format(action=a, count=n) for a, n in keys)
    return _("{seconds:.1f} s; {photos} reviewed; {descriptions} heard; decisions: {decided}; "
             "walk answers {right} right, {wrong} wrong; keys used most: {used}.").format(
        seconds=seconds, photos=photos(photos_reviewed),
        descriptions=plural(descriptions_heard, "{count} description", "{count} descriptions"),
        decided=decided or STUDY_SUMMARY_NONE, right=right, wrong=wrong,
        used=used or STUDY_SUMMARY_NONE)


# Translators: no decisions, or no keys, in a study task's summary.
STUDY_SUMMARY_NONE = _("none")


def study_length(minutes: int, seconds: int) -> str:
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=seconds)


def study_withdrawn(participant: str, sessions: int, event_count: int) -> str:
    return _("Removed the study records of {participant}: {sessions} and {events}. "
             "{kept}").format(
        participant=participant, kept=STUDY_CONSENT_KEPT,
        sessions=plural(sessions, "{count} session", "{count} sessions"),
        events=events(event_count))


def study_nothing_to_withdraw(participant: str) -> str:
    return _("There are no study records of {participant}. {kept}").format(
        participant=participant, kept=STUDY_CONSENT_KEPT)


def study_withdraw_needs_yes(participant: str) -> str:
    return _("Nothing was removed. Add --yes to remove the study records of {participant}; "
             "their consent decisions are not touched.").format(participant=participant)


def study_note_added_to(participant: str, session: int) -> str:
    return _("Note added to {participant}'s session {session}.").format(
        participant=participant, session=session)


def study_no_open_session(participant: str | None) -> str:
    if participant:
        return _("No study session is running for {participant}; start one with 'accessshare "
                 "open DIR --study CODE'.").format(participant=participant)
    return _("No study session is running; start one with 'accessshare open DIR --study CODE'.")


def study_exported(count: int, target: object) -> str:
    return _("Exported {count} study events to {target}.").format(count=count, target=target)


def study_format_unknown(fmt: str) -> str:
    return _("The format {format!r} is not one of csv or json.").format(format=fmt)


def study_export_not_written(target: object, problem: object) -> str:
    return _("The export could not be written to {target}: {problem}.").format(
        target=target, problem=problem)
