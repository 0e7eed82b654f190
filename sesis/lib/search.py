"""Search keys for names: what a quick search compares, so that "o'brien", "OBrien"
and "Ó Brien" all find O'BRIEN, and a prefix search is an index range scan on every
database (no LIKE, no collation-dependent case folding)."""

from __future__ import annotations

import unicodedata

from django.db.models import Q

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def search_key(text: str) -> str:
    """Upper-case ASCII letters and digits only: accents folded, the rest dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.upper() if ch in _ALPHABET)


def _next_prefix(prefix: str) -> str | None:
    """The smallest key that sorts after every key starting with prefix, or None."""
    chars = list(prefix)
    while chars:
        position = _ALPHABET.index(chars[-1])
        if position + 1 < len(_ALPHABET):
            chars[-1] = _ALPHABET[position + 1]
            return "".join(chars)
        chars.pop()
    return None


def prefix_q(field: str, text: str) -> Q:
    """A filter for keys beginning with the search key of text, as a range that a
    plain B-tree index answers (keys hold only [0-9A-Z], which every collation orders
    the same way)."""
    key = search_key(text)
    if not key:
        return Q()
    upper = _next_prefix(key)
    condition = Q(**{f"{field}__gte": key})
    if upper is not None:
        condition &= Q(**{f"{field}__lt": upper})
    return condition
