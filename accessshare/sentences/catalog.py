"""Translation lookup for the app's own sentences (GNU gettext, so ``xgettext`` extracts them).

Every sentence is written once, in ``sentences.en``, inside ``_("...")`` or ``plural(...)``
with literal text, and a ``# Translators:`` comment where its context is not obvious. Extract:

    xgettext -L Python --from-code=UTF-8 --add-comments=Translators \
        --keyword=_ --keyword=plural:2,3 -o accessshare.pot accessshare/sentences/en.py

A catalog ``<locale dir>/<language>/LC_MESSAGES/accessshare.mo`` is used when it exists
(the language from ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, as gettext chooses;
the locale dir is ``sentences/locale``, or ``ACCESSSHARE_LOCALE_DIR``); without one the
English words are said. The language is chosen once, when the app starts.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "accessshare"
LOCALE_DIR = Path(os.environ.get("ACCESSSHARE_LOCALE_DIR")
                  or Path(__file__).resolve().parent / "locale")

_translation: gettext.NullTranslations = gettext.translation(DOMAIN, LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """The message in the user's language (English when there is no catalog)."""
    return _translation.gettext(message)


def plural(count: int, one: str, many: str) -> str:
    """The one plural helper: ``plural(3, "{count} photo", "{count} photos")`` -> "3 photos".

    ``one`` and ``many`` are literal msgids with a ``{count}`` field; the catalog chooses the
    form the language needs for ``count``."""
    return _translation.ngettext(one, many, count).format(count=count)
