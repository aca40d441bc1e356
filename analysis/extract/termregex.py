"""Topic terms as regular expressions on normalised text (lowercase, punctuation as single spaces).

`compile_terms` turns a taxonomy's term list ("cease fire", "negotiat*", "re:...") into one regex; the
topic tagger (`analysis.extract.topics`) and the taxonomy suggester use it.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lowercase, punctuation to single spaces, padded: "U.S.-led cease-fire" -> " u s led cease fire "."""
    return " " + _NON_WORD.sub(" ", text.lower()).strip() + " "


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern | None:
    """The regex finding a matched (normalised) term in a sentence's own text: any run of non-word
    characters may stand for a space ("cease fire" finds "cease-fire", "ukraine s" "Ukraine's"); None for a
    blank term."""
    words = [re.escape(w) for w in term.split()]
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"[\W_]*".join(words) + r"(?!\w)", flags=re.IGNORECASE)


def compile_terms(terms) -> re.Pattern | None:
    """One regex for a list of terms; a trailing * on a word matches any ending, "re:..." is a regex."""
    parts = []
    for term in terms or ():
        if str(term).startswith("re:"):
            parts.append(str(term)[3:])  # a regular expression on the normalised text
            continue
        words = []
        for word in str(term).split():
            star = word.endswith("*")
            core = normalise(word.rstrip("*")).strip()
            if core:
                words.append(re.escape(core).replace(r"\ ", " ") + (r"\w*" if star else ""))
        if words:
            parts.append(" ".join(words))
    if not parts:
        return None
    parts.sort(key=len, reverse=True)  # longest first, so "security guarantees" wins over "security"
    return re.compile(word_start_alternation(parts) + r"(?!\w)")


def word_start_alternation(parts: list[str]) -> str:
    r"""`(?<!\w)(?:a|b|...)`: the first of `parts` that matches where no word character precedes.

    Written with the look-behind after each part's first literal character ("c(?<!\w[\w\W])ease fire": the
    `c` is not preceded by a word character), so the pattern opens with a set of literal characters that
    Python's regex engine scans for instead of trying every position: the same matches, found faster.
    Parts without a literal first character (or with a `|`) keep the plain form.
    """
    heads = [_literal_head(p) for p in parts]
    if any(h is None for h in heads) or any("|" in p for p in parts):
        return r"(?<!\w)(?:" + "|".join(parts) + ")"
    groups: dict[str, list[str]] = {}  # parts with different first characters never match at one place
    for atom, rest in heads:
        groups.setdefault(atom, []).append(rest)
    branches = [rf"{atom}(?<!\w[\w\W])(?:{'|'.join(rests)})" for atom, rests in groups.items()]
    return "(?:" + "|".join(branches) + ")"


def _literal_head(part: str) -> tuple[str, str] | None:
    """(first character, rest) when `part` opens with an unquantified literal character (plain or escaped)."""
    if part[:1] == "\\":
        atom = part[:2] if len(part) > 1 and not part[1].isalnum() else ""  # \w, \d, \1 are not literals
    else:
        atom = part[:1] if part[:1] not in ".^$*+?{}[]|()" else ""
    rest = part[len(atom) :]
    return (atom, rest) if atom and rest[:1] not in ("*", "+", "?", "{") else None
