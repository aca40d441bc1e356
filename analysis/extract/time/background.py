"""Which dated references in an article are background, and so may never date the article itself.

An article is dated only by what dates the reporting ("officials said on November 24", "On Thursday,
August 21, the envoys met"). Background references are history the story recalls, and they are older than
the story: "since February 2022", "the 2014 annexation", "Crimea, which Russia seized in 2014", "a decree
signed on Sept. 30, 2022", "the invasion, launched in February 2022", the anniversary of something, or the
start date of a known long-running event (`data/anchors.yaml`: "the war began on February 24, 2022").
"""

from __future__ import annotations

import re

from analysis.extract.nlp import doc_text, span_text

# A period counted from a start ("since February 2022") or a date named as a past anniversary.
_SINCE = re.compile(r"\b(?:since|ever\s+since|dating\s+back\s+to|as\s+far\s+back\s+as)\s*$", re.I)
_ANNIVERSARY = re.compile(r"\banniversar(?:y|ies)\b", re.I)


def background_reason(doc, found, anchors) -> str | None:
    """Why the expression `found` (an `analysis.extract.time.events.Found`) is background, or None
    when it is not.

    Args:
        doc: the article's Doc (the parse is used when it has one).
        found: the expression, with document offsets.
        anchors: known start dates (`analysis.extract.time.dating.load_anchors()`).
    """
    text = doc_text(doc)
    before = text[max(0, found.start - 24) : found.start]
    if _SINCE.search(before):
        return "a period counted from it ('since ...')"
    sentence = list(doc.sents)[found.sentence_id]
    if _ANNIVERSARY.search(span_text(sentence)):
        return "an anniversary"
    known = _known_start(found.timex.parts, anchors)
    if known:
        return f"the start of {known}"
    return _grammatical(doc, found)


def _known_start(parts: dict, anchors) -> str | None:
    year, month, day = parts.get("year"), parts.get("month"), parts.get("day")
    if not (year and month):
        return None
    for anchor in anchors:
        start = anchor["date"]
        if start.year == year and start.month == month and day in (None, start.day):
            return f"{anchor['label']} ({start.isoformat()})"
    return None


def _grammatical(doc, found) -> str | None:
    """'the 2022 invasion' (a year modifying a noun), 'which Russia seized in 2014' (a relative clause),
    'a decree signed on Sept. 30, 2022' (a participle modifying a noun)."""
    if not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(found.start, found.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    noun_modifier = root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ in ("NOUN", "PROPN")
    if noun_modifier or (root.dep_ == "nummod" and root.head.pos_ == "NOUN"):
        return "it modifies a noun ('the 2022 invasion')"
    if any(t.dep_ in ("relcl", "acl") for t in [root, *root.ancestors][:4]):
        return "it dates a clause about a noun ('which ... in 2014', 'a decree signed on ...')"
    return None


def is_background(doc, found, anchors) -> bool:
    return background_reason(doc, found, anchors) is not None
