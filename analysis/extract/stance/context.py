"""What every stance rule reads about one document: its actor mentions, and how a personal pronoun
finds the actor it refers to (the subject of a governing clause, else the nearest compatible actor before
it, preferring the subjects of the previous sentences)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.extract.nlp import doc_text
from analysis.extract.stance.lexicon import Lexicon

PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
GROUP_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
SPEAKER_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our"})

_LOOKBACK = 2  # sentences searched back for a pronoun's antecedent


@dataclass(frozen=True)
class Holder:
    """The actor holding a position, with how it was found and how far that lowers confidence."""

    actor: str
    factor: float
    how: str
    also: tuple[str, ...] = ()  # actors coordinated with it ("Starmer and Macron pledged")


@dataclass
class Context:
    """Per-document lookups shared by every sentence."""

    doc: object
    sents: list
    mentions: list[dict]
    actor_at: dict[int, dict]
    lexicon: Lexicon
    gender: dict[str, str]
    affiliation: dict[str, str]

    @classmethod
    def build(cls, doc, mentions: list[dict], lexicon: Lexicon, kb=None) -> Context:
        ordered = sorted(mentions, key=lambda m: (int(m["start_char"]), -int(m["end_char"])))
        actor_at: dict[int, dict] = {}
        for m in ordered:
            span = doc.char_span(int(m["start_char"]), int(m["end_char"]), alignment_mode="expand")
            for tok in span or ():
                actor_at.setdefault(tok.i, m)
        gender = {}
        for name in {str(m["actor"]) for m in ordered if is_person(m)}:
            entry = kb.get(name) if kb is not None and hasattr(kb, "get") else None
            gender[name] = str(getattr(entry, "gender", "") or "")
        affiliation = {str(m["actor"]): str(m.get("affiliation") or "") for m in ordered}
        return cls(doc, list(doc.sents), ordered, actor_at, lexicon, gender, affiliation)


def mention_holder(m: dict, factor: float = 1.0, how: str = "subject") -> Holder:
    return Holder(str(m["actor"]), factor, how)


def is_person(m: dict) -> bool:
    return str(m.get("actor_type") or "") == "person"


def _subject_mention(m: dict, ctx: Context) -> bool:
    span = ctx.doc.char_span(int(m["start_char"]), int(m["end_char"]), alignment_mode="expand")
    return bool(span) and span.root.dep_ in ("nsubj", "nsubjpass")


def _compatible(m: dict, word: str, ctx: Context) -> bool:
    if word in PERSON_PRONOUNS:
        want = "f" if word in ("she", "her", "hers") else "m"
        return is_person(m) and ctx.gender.get(str(m["actor"]), "") in ("", want)
    return not is_person(m)


_UNKNOWN = Holder("", 0.0, "unknown")


def _governing_subject(tok, ctx: Context) -> Holder | None:
    """`Trump told Macron that he believed ...`: a pronoun in a reported clause is first the reporter. When
    the reporter is a noun naming no actor ("The President has said he is ready ..."), the pronoun is that
    unnamed one: `_UNKNOWN`, not a guess from elsewhere."""
    for head in tok.ancestors:
        for child in head.children:
            if child.dep_ != "nsubj" or child.i >= tok.i:
                continue
            if child.i in ctx.actor_at:
                m = ctx.actor_at[child.i]
                if _compatible(m, tok.lower_, ctx):
                    return mention_holder(m, ctx.lexicon.conf("pronoun"), "pronoun")
            elif _reporter(head, ctx) and child.pos_ in ("NOUN", "PROPN") and tok.lower_ in PERSON_PRONOUNS:
                return _UNKNOWN
    return None


def _reporter(head, ctx: Context) -> bool:
    return head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in ctx.lexicon.attribution_words


def resolve_pronoun(tok, ctx: Context) -> Holder | None:
    """The actor a personal pronoun refers to (person for he/she, matching gender when known; else a
    state or organisation): the subject of a governing clause, else the nearest preceding actor in the
    sentence, else the last subject (or last actor) of the previous sentences."""
    word = tok.lower_
    if word not in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return None
    found = _governing_subject(tok, ctx)
    if found is _UNKNOWN:
        return None
    if found:
        return found
    sid = tok.sent.start
    first = ctx.sents[max(0, _sent_index(tok, ctx) - _LOOKBACK)].start
    fits = [
        m
        for m in ctx.mentions
        if _compatible(m, word, ctx) and int(m["end_char"]) <= tok.idx and _char_token(m, ctx) >= first
    ]
    if not fits:
        return None
    fits = [m for m in fits if not _in_adjunct(ctx.doc[_char_token(m, ctx)], tok)]
    if not fits:
        return None
    same = [m for m in fits if _char_token(m, ctx) >= sid]
    if same:
        return mention_holder(same[-1], ctx.lexicon.conf("pronoun"), "pronoun")
    subjects = [m for m in fits if _subject_mention(m, ctx)]
    if subjects:
        return mention_holder(subjects[-1], ctx.lexicon.conf("pronoun"), "pronoun")
    # no subject to go by: the first actor of the latest sentence naming one (a sentence's topic comes first)
    last = max(_sent_index(ctx.doc[_char_token(m, ctx)], ctx) for m in fits)
    best = next(m for m in fits if _sent_index(ctx.doc[_char_token(m, ctx)], ctx) == last)
    return mention_holder(best, ctx.lexicon.conf("pronoun"), "pronoun")


def recent_state(tok, ctx: Context) -> Holder | None:
    """`..., and the country has refused to join sanctions`: "the country" is the latest state named as a
    subject before it (in its sentence or the previous ones), else the latest state named."""
    first = ctx.sents[max(0, _sent_index(tok, ctx) - _LOOKBACK)].start
    states = [
        m
        for m in ctx.mentions
        if m.get("actor_type") == "state" and int(m["end_char"]) <= tok.idx and _char_token(m, ctx) >= first
    ]
    subjects = [m for m in states if _subject_mention(m, ctx)]  # the state the text is about, first
    best = subjects[-1] if subjects else states[-1] if states else None
    return mention_holder(best, ctx.lexicon.conf("pronoun"), "definite") if best else None


def _in_adjunct(mention_tok, pronoun) -> bool:
    """`Asked whether Putin would meet Zelenskyy, he said ...`, `After a lunch with Zelensky, he said ...`:
    a name inside a subjectless clause or a phrase opening the pronoun's own clause is not its antecedent
    (the pronoun is that clause's subject)."""
    governors = {t.i for t in pronoun.ancestors}
    for anc in mention_tok.ancestors:
        if anc.i >= pronoun.i or pronoun.i in {t.i for t in anc.subtree}:
            continue
        subjectless = anc.dep_ == "advcl" and not any(c.dep_.startswith("nsubj") for c in anc.children)
        fronted = anc.dep_ == "prep" and anc.head.i in governors and pronoun.dep_ == "nsubj"
        if subjectless or fronted:
            return True
    return False


def same_line(a, b) -> bool:
    """True when two tokens sit on the same line: a headline glued to a paragraph is not one clause."""
    lo, hi = sorted((a.idx, b.idx))
    return "\n" not in doc_text(a.doc)[lo:hi]


def _char_token(m: dict, ctx: Context) -> int:
    span = ctx.doc.char_span(int(m["start_char"]), int(m["end_char"]), alignment_mode="expand")
    return span.start if span else 0


def _sent_index(tok, ctx: Context) -> int:
    return next(i for i, s in enumerate(ctx.sents) if s.start <= tok.i < s.end)
