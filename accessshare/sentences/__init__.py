"""The app's own sentences, one module per language (``en`` is the source text; other languages
come from gettext catalogs, see ``catalog``). Use ``from accessshare.sentences import en as words``
or the names re-exported here; never write a sentence for the user anywhere else."""

from accessshare.sentences import en
from accessshare.sentences.catalog import plural

__all__ = ["en", "plural"]
