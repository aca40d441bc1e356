"""Dates in an article: its time expressions, its publication date when none is stated, and dated events.

Works on any spaCy `Doc`; with a parser the tense of the clause around an expression decides whether a
bare weekday looks back ("met on Thursday") or forward ("will meet on Thursday"); on a blank pipeline
(sentencizer only) a few future-tense words in the sentence stand in for the parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.extract.nlp import doc_text, span_text
from analysis.extract.time.dating import infer_from_text
from analysis.extract.time.expressions import UNRESOLVED, Anchor, Resolution, find_timexes, resolve
from analysis.extract.time.stated import (
    date_line_parts,
    dateline_date,
    find_dateline,
    header_date,
    stated_published,
    undated_reason,
)
from analysis.extract.time.years import (
    ANCHOR_ARTICLE,
    PENDING,
    article_year,
    resolve_in_year,
    year_less_parts,
)

# "would" is future-in-the-past in reported speech ("said he would meet Putin on Friday").
FUTURE_AUX = {"will", "'ll", "shall", "wo", "’ll", "would", "'d", "’d"}
# Words that put an infinitive or a noun in the future: "is due to arrive on Monday", "scheduled for".
FUTURE_LEMMAS = {"plan", "schedule", "expect", "due", "intend", "prepare", "slate", "poise", "set"}
# "the next day" may count from a day the narration reached this many paragraphs earlier (news paragraphs
# are short: "On Wednesday, ..." / a quote / "The day before, ...").
CARRY_PARAGRAPHS = 3
PAST_AUX = {"had", "has", "have", "did", "was", "were"}
# Present-tense reporting verbs narrate the past in news ("Putin says ..."): no timetable reading.
SPEECH_LEMMAS = {"say", "tell", "announce", "claim", "report", "write", "add", "note", "insist", "warn"}
MODALS = {"could", "might", "may", "should", "must", "can", "ca"}
PROGRESSIVE_AUX = {"is", "are", "am", "'s", "'re", "’s", "’re"}
_FUTURE_WORDS = re.compile(
    r"\b(?:will|shall|won't|won’t)\b|['’]ll\b|\b(?:due|expected|scheduled|set|going|plans?|planning)\s+to\b",
    re.I,
)


def infer_published(doc, published: str | None, published_from: str) -> tuple[str | None, str, str]:
    """The article's publication date, where it came from and why.

    A date the ingest found (`published_from` "metadata" or "text") is kept. Otherwise, in this order: a
    line that only states a date near the top or bottom ("Published date: 8 October 2025 13:10 BST"); the
    dateline ("GENEVA, Nov 23 (Reuters) -", its year read from the text when it gives none); the evidence
    of the content (see `analysis.extract.time.dating`). Without any of them no date is filled.

    Returns:
        (ISO date or None, "metadata" | "text" | "inferred" | "none", reason in words)
    """
    if published and published_from in ("metadata", "text"):
        return published, published_from, f"kept: stated in the article's {published_from}"
    if published and published_from == "stated":  # a date line the ingest could not parse on its own
        iso = stated_published(published)
        if iso:
            return iso, "text", f"stated in the article: {published!r}"
    stated = header_date(doc_text(doc))
    if stated:
        return stated[0], "text", stated[1]
    found_timexes = scan(doc)
    dateline = dateline_date(doc, found_timexes)
    if dateline:
        return dateline
    found = infer_from_text(doc, found_timexes)
    if found is None:
        return None, "none", undated_reason(doc, found_timexes)
    return found[0], "inferred", found[1]


@dataclass(frozen=True)
class Found:
    """A time expression with its place in the document and the tense of its clause."""

    sentence_id: int
    start: int
    end: int
    paragraph: int
    tense: str | None
    timex: object  # analysis.extract.time.expressions.Timex


def scan(doc) -> list[Found]:
    """Every time expression of `doc`, with document offsets, paragraph number and clause tense."""
    breaks = [m.end() for m in re.finditer(r"\n+", doc_text(doc))]
    found = []
    for sid, sent in enumerate(doc.sents):
        for tx in find_timexes(span_text(sent)):
            start, end = sent.start_char + tx.start, sent.start_char + tx.end
            paragraph = sum(1 for b in breaks if b <= start)
            found.append(Found(sid, start, end, paragraph, clause_tense(doc, start, end), tx))
    return found


def find_time_expressions(doc, published: str | None) -> list[dict]:
    """Rows of the `time_expressions` table (without `article_id`) for one article.

    Relative expressions resolve against `published` (any ISO precision), or after a line that only
    states a day (a live page's entry: "Monday 24 November 2025") against that day; "the next day" and
    "two days later" resolve against the latest day-precise date established earlier in the paragraph, else
    against the last day the narration reached in the previous few paragraphs.
    In an article without a publication date, a year-less date ("on October 17", "in October") takes the
    year of the article's own explicit dates (`anchor`
    "article", see `analysis.extract.time.years`). Unresolvable ones are kept with `date` None and `anchor`
    "none" (the build may still place a year-less one in the corpus's year: `analysis.store.corpus_dates`).
    """
    anchor = Anchor.parse(published)
    found = scan(doc)
    own = article_year(doc, found) if anchor is None else None
    rows, paragraph_date, current, carried, narrated = [], None, -1, None, None
    for item in found:
        if item.paragraph != current:
            carried = (narrated, current) if narrated else carried
            paragraph_date, current, narrated = None, item.paragraph, None
        if carried and item.paragraph - carried[1] > CARRY_PARAGRAPHS:
            carried = None
        base = paragraph_date or (carried[0] if carried else None)
        res, why = resolve(item.timex, published=anchor, paragraph=base, tense=item.tense), ""
        if anchor is None and year_less_parts(item.timex.text):
            # not from the paragraph, whose date may be history ("contested since March 2014. ... October 17")
            placed = resolve_in_year(item, own[0], item.tense) if own else None
            res, why = (Resolution(placed.date, placed.precision, ANCHOR_ARTICLE), own[1]) if placed else (
                UNRESOLVED, "")  # fmt: skip
        # The paragraph's date is its latest, most precise one: "in 2022" does not undo "on Monday".
        if res.date and (
            paragraph_date is None
            or not paragraph_date.at_least(res.precision)
            or res.precision == paragraph_date.precision
        ):
            paragraph_date = Anchor.parse(res.date)
        if res.precision == "day" and _narrates(doc_text(doc), item):
            narrated = Anchor.parse(res.date)
        if res.precision == "day" and _on_date_line(doc_text(doc), item.start):
            anchor = Anchor.parse(res.date)  # a live page's entry date: what follows is told from that day
        rows.append(
            {
                "sentence_id": item.sentence_id,
                "expression": item.timex.text,
                "start_char": item.start,
                "end_char": item.end,
                "kind": item.timex.kind,
                "date": res.date,
                "date_precision": res.precision,
                "anchor": res.anchor,
                "anchor_reason": why,
                "value": res.value,
                "type": res.type,
            }
        )
    return rows


def _narrates(text: str, item: Found) -> bool:
    """True when the expression dates something told as having happened, not a plan or a deadline
    ('until Nov. 21', 'by Friday'): only those days carry over to the next paragraphs."""
    before = text[max(0, item.start - 12) : item.start].split()
    deadline = item.timex.parts.get("modifier") in ("by", "until", "next") or (
        before and before[-1].lower() in ("until", "by", "before", "till"))  # fmt: skip
    return item.tense != "future" and not deadline


def clause_tense(doc, start: int, end: int) -> str | None:
    """ "past", "future" or None for the clause around the characters start..end of `doc`."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    if not doc.has_annotation("DEP"):
        return "future" if _FUTURE_WORDS.search(span_text(span.sent)) else None
    before = _verb_just_before(span)
    if before:
        return before
    token = span.root
    for _ in range(8):
        if _looks_ahead(token):
            return "future"
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            tense = verb_tense(token)
            if tense:
                return tense
        if token.head is token:
            break
        token = token.head
    return None


def _verb_just_before(span) -> str | None:
    """'said on Tuesday he would ...': a past-tense verb right before the expression (at most two words
    between) is the one it dates, whatever the parser attached it to."""
    doc = span.doc
    for token in reversed(doc[max(span.sent.start, span.start - 3) : span.start]):
        if token.is_punct or token.dep_ in ("mark", "cc") or token.lower_ == "that":
            return None
        if token.pos_ in ("VERB", "AUX"):
            return "past" if token.tag_ == "VBD" else None
    return None


def _looks_ahead(token) -> bool:
    """'due to', 'expected to', 'set to', 'scheduled for': a plan, whatever the tense of its verb."""
    if token.lemma_.lower() not in FUTURE_LEMMAS:
        return False
    if token.lemma_.lower() in ("due", "schedule", "slate"):
        return True
    return any(c.dep_ == "xcomp" for c in token.children)


def verb_tense(verb) -> str | None:
    """Tense of one verb from its tag and auxiliaries; None when it says nothing (an infinitive)."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & FUTURE_AUX or (auxes & MODALS and not auxes & {"have", "'ve", "’ve"}):
        return "future"  # "could meet on Friday"; but "could have met on Friday" is past
    if verb.lower_ in ("going",) and any(c.dep_ == "xcomp" for c in verb.children):
        return "future"
    if verb.tag_ == "VBD" or auxes & PAST_AUX or (verb.tag_ == "VBN" and not auxes):
        return "past"
    if verb.tag_ == "VBG" and auxes & PROGRESSIVE_AUX:
        return "future"  # "Trump is meeting Putin on Friday"
    # A timetable reading needs a verb the parser placed in a clause ("envoys" misread as a verb hangs
    # off the sentence as parataxis or dep).
    if (
        verb.tag_ in ("VBZ", "VBP")
        and not auxes
        and verb.lemma_ not in SPEECH_LEMMAS
        and verb.dep_ not in ("parataxis", "dep")
    ):
        return "future"  # a timetable: "talks resume on Monday", "the vote is on Friday"
    return None


def find_events(
    doc, timexes: list[dict], mentions: list[dict], topics: list[dict], *, published=None
) -> list[dict]:
    """Rows of the `events` table (without `article_id` and `event_id`): dated sentences that report
    something happening.

    One event per distinct resolved date in a sentence (a less precise date that contains a more precise
    one, "August" beside "August 21", is dropped). `background` marks history: a bare year before the
    publication year, a month or day before the previous year (the reference is the year of `published`,
    or when it is not given the latest year the article's dates reach), or a year or month inside a
    relative clause or modifying a noun ("which Russia seized in 2014", "the 2022 invasion").

    Not events: a line that only states a date ("Updated: Nov. 26, 2025"), the dateline's date when the
    lead gives its own ("GENEVA, Nov 23 (Reuters) - ... said on Saturday"), a condition ("if he gets
    Kramatorsk today") and a period a year names ("needs for 2026"). The evidence is the sentence cut at
    line breaks (the segmenter may run one across paragraphs) and carried on past a closing colon.

    In an article without a publication date, a sentence whose only date is year-less and unplaced ("on
    October 17") gives an event with `date` None and `anchor` "pending": the build places it in the
    corpus's year or drops it (`analysis.store.corpus_dates`).
    """
    sents = list(doc.sents)
    reference = _reference_year(timexes, published)
    groups = _dated_by_sentence(_event_timexes(doc, timexes))
    if not published:
        for tx in timexes:
            parts = None if tx.get("date") else year_less_parts(tx["expression"])
            if parts and int(tx["sentence_id"]) not in groups:
                precision = "day" if parts.get("day") else "month"
                pending_tx = {**tx, "anchor": PENDING, "date_precision": precision}
                groups.setdefault(int(tx["sentence_id"]), []).append(pending_tx)
    rows = []
    for sid, group in sorted(groups.items()):
        actors = _joined(m["actor"] for m in mentions if m.get("sentence_id") == sid)
        topic_ids = _joined(t["topic"] for t in topics if t.get("sentence_id") == sid)
        pending = [tx for tx in group if tx["anchor"] == PENDING][:1]
        for tx in pending or _distinct_dates(group):
            evidence = _evidence(doc, sents, sid, int(tx["start_char"]))
            if evidence is None or not _reports_happening(evidence) or _not_an_event(doc, tx):
                continue
            start, end = int(tx["start_char"]), int(tx["end_char"])
            rows.append(
                {
                    "sentence_id": sid,
                    "date": tx["date"],
                    "date_precision": tx["date_precision"],
                    "time_expression": tx["expression"],
                    "actors": actors,
                    "topics": topic_ids,
                    "evidence": evidence.text.strip(),
                    "background": not pending and _is_background(doc, tx, reference),
                    "anchor": tx.get("anchor") or "none",
                    "anchor_reason": tx.get("anchor_reason") or "",
                    "tense": clause_tense(doc, start, end) or "",
                }
            )
    return rows


def _joined(values) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def _event_timexes(doc, timexes: list[dict]) -> list[dict]:
    """Time expressions that can date an event: not a date line ('Updated: Nov. 26, 2025'), and not the
    dateline's date when the sentence gives the event its own date ('GENEVA, Nov 23 (Reuters) - ... said
    on Saturday')."""
    text = doc_text(doc)
    dateline = find_dateline(text)
    dated = [tx for tx in timexes if tx.get("date") and not _on_date_line(text, int(tx["start_char"]))]
    if dateline is None:
        return dated
    start, end = dateline.span("date")
    in_dateline = [tx for tx in dated if start <= int(tx["start_char"]) < end]
    own = {tx["sentence_id"] for tx in dated if tx not in in_dateline}
    return [tx for tx in dated if tx not in in_dateline or tx["sentence_id"] not in own]


def _on_date_line(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    return date_line_parts(text[line_start : line_end if line_end >= 0 else len(text)]) is not None


def _dated_by_sentence(timexes: list[dict]) -> dict[int, list[dict]]:
    groups: dict[int, list[dict]] = {}
    for tx in timexes:
        if tx.get("date"):
            groups.setdefault(int(tx["sentence_id"]), []).append(tx)
    return groups


def _distinct_dates(group: list[dict]) -> list[dict]:
    order = {"day": 0, "month": 1, "year": 2}
    kept: list[dict] = []
    for tx in sorted(group, key=lambda t: (order.get(t["date_precision"], 3), t["start_char"])):
        if not any(k["date"].startswith(tx["date"]) for k in kept):
            kept.append(tx)
    return sorted(kept, key=lambda t: t["start_char"])


def _evidence(doc, sents: list, sid: int, offset: int):
    """The sentence around `offset`, cut at line breaks (a sentence the segmenter ran across paragraphs,
    "7 p.m.\n\nHave a news tip?", keeps only its own line) and carried on past a colon within the line."""
    text, sent = doc_text(doc), sents[sid]
    start = max(sent.start_char, text.rfind("\n", 0, offset) + 1)
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    end, nxt = min(sent.end_char, line_end), sid + 1
    while text[start:end].rstrip().endswith(":") and nxt < len(sents) and sents[nxt].start_char < line_end:
        end, nxt = min(sents[nxt].end_char, line_end), nxt + 1
    return doc.char_span(start, end, alignment_mode="expand")


def _reports_happening(sent) -> bool:
    """A statement with a verb (questions and verbless headlines are not events)."""
    if span_text(sent).strip().endswith("?"):
        return False
    if not sent.doc.has_annotation("POS"):
        return True
    return any(t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ == "ROOT") for t in sent)


def _not_an_event(doc, tx: dict) -> bool:
    """A condition ('if he gets Kramatorsk today, tomorrow he comes for Kharkiv', both clauses), a
    counterfactual ('should have acted a year ago') or a period a year names ('needs for 2026 and 2027') is
    not something that happened or is scheduled."""
    if not doc.has_annotation("DEP"):
        return False
    span = doc.char_span(int(tx["start_char"]), int(tx["end_char"]), alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    if tx["date_precision"] == "year" and root.dep_ == "pobj" and root.head.lower_ == "for":
        return True
    verb = next((t for t in [root, *root.ancestors] if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & {"should", "would", "'d", "’d"} and auxes & {"have", "'ve", "’ve"}:
        return True  # "should have done three years ago": what did not happen
    clauses = [verb, *(c for c in verb.children if c.dep_ == "advcl")]
    return any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for cl in clauses for c in cl.children)


def _reference_year(timexes: list[dict], published) -> int | None:
    anchor = Anchor.parse(published)
    if anchor:
        return anchor.day.year
    years = [int(tx["date"][:4]) for tx in timexes if tx.get("date")]
    return max(years, default=None)


def _is_background(doc, tx: dict, reference: int | None) -> bool:
    year, precision = int(tx["date"][:4]), tx["date_precision"]
    # A bare year before the reference year is history; a month or day must be older than last year.
    if reference is not None and year < reference - (0 if precision == "year" else 1):
        return True
    if precision == "day" or not doc.has_annotation("DEP"):
        return False
    span = doc.char_span(int(tx["start_char"]), int(tx["end_char"]), alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    # "the 2022 invasion": the year modifies a noun; "which Russia seized in 2014": a relative clause.
    if root.dep_ in ("compound", "nummod", "amod", "nmod") and root.head.pos_ in ("NOUN", "PROPN"):
        return True
    return any(t.dep_ in ("relcl", "acl") for t in [root, *root.ancestors][:4])
