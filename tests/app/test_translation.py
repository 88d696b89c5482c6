"""A translation catalog changes the app's words, plurals included: the sentences are really
looked up through gettext (a catalog is written here in GNU .mo format, as msgfmt writes it)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A minimal GNU .mo file (no hash table); plural entries are "one\\0many" keys."""
    keys = sorted(messages)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(messages[k].encode() + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    id_table, offset = [], start
    for key in keys:
        id_table += [len(key.encode()), offset]
        offset += len(key.encode()) + 1
    str_table = []
    for key in keys:
        str_table += [len(messages[key].encode()), offset]
        offset += len(messages[key].encode()) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    path.parent.mkdir(parents=True)
    path.write_bytes(header + struct.pack(f"<{len(id_table)}I", *id_table)
                     + struct.pack(f"<{len(str_table)}I", *str_table) + ids + strs)


def test_a_catalog_translates_sentences_and_plurals(tmp_path):
    write_mo(tmp_path / "eo" / "LC_MESSAGES" / "accessshare.mo", {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
        "{count} photo\0{count} photos": "{count} foto\0{count} fotoj",
        "Not yet decided.": "Ankoraŭ ne decidita.",
        "Saved for {photos}.": "Konservita por {photos}.",
    })
    code = ("from accessshare.sentences import en\n"
            "print(en.saved_photos(1)); print(en.saved_photos(3)); print(en.NOT_DECIDED)\n"
            "print(en.NO_PHOTO_SELECTED)")
    env = {**os.environ, "LANGUAGE": "eo", "ACCESSSHARE_LOCALE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env=env)
    assert result.stdout.splitlines() == ["Konservita por 1 foto.", "Konservita por 3 fotoj.",
                                          "Ankoraŭ ne decidita.", "No photo is selected."], result.stderr
