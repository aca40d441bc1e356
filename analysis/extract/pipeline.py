"""One article's analysis: a spaCy Doc and its article row in, rows for every per-sentence table out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import settings
from analysis.store.schema import statement_id


@dataclass
class Resources:
    """Everything loaded once per process: the spaCy pipeline and the knowledge files."""

    nlp: Any
    kb: Any
    taxonomy: Any
    lexicon: Any
    notice: str | None = None

    @classmethod
    def load(
        cls,
        *,
        model: str | None = None,
        kb_path: Path | None = None,
        taxonomy_path: Path | None = None,
        lexicon_path: Path | None = None,
    ) -> Resources:
        from analysis.extract import actors, nlp, stance, topics

        kb = actors.load_kb(kb_path or settings.get_path("kb_path"))
        # the knowledge files first: a taxonomy that does not validate stops before the model loads
        taxonomy = topics.load_taxonomy(taxonomy_path or settings.get_path("taxonomy_path"))
        lexicon = stance.load_lexicon(lexicon_path or settings.get_path("lexicon_path"), taxonomy)
        pipeline, notice = nlp.load_nlp(model or settings.get("model"), kb)
        return cls(nlp=pipeline, kb=kb, taxonomy=taxonomy, lexicon=lexicon, notice=notice)


def short_hash(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def sentence_rows(doc) -> list[dict]:
    from analysis.extract.nlp import span_text

    return [
        {"sentence_id": i, "start_char": s.start_char, "end_char": s.end_char, "text": span_text(s)}
        for i, s in enumerate(doc.sents)
    ]


def analyse_article(doc, article: dict, res: Resources) -> dict[str, list[dict]]:
    """Rows of `sentences`, `mentions`, `topics`, `statements`, `time_expressions`, `events` for one article,
    plus the settled publication date under the key `published` (a one-row list)."""
    from analysis.extract import actors, stance, topics
    from analysis.extract.time import events as timeline

    mentions = actors.find_mentions(doc, res.kb)
    topic_rows = topics.tag_topics(doc, res.taxonomy)
    statements = stance.find_statements(doc, mentions, topic_rows, res.lexicon, res.kb)
    published, published_from, reason = timeline.infer_published(
        doc, article.get("published") or None, article.get("published_from") or "none"
    )
    timexes = timeline.find_time_expressions(doc, published)
    events = timeline.find_events(doc, timexes, mentions, topic_rows, published=published)
    aid = article["article_id"]
    for row in statements:
        row.setdefault("statement_id", statement_id(aid, row["sentence_id"], row["actor"], row["topic"]))
        row.setdefault("origin", "auto")
    for row in events:
        row.setdefault("event_id", short_hash(aid, row["sentence_id"], row["date"], row["time_expression"]))
    tables = {
        "sentences": sentence_rows(doc),
        "mentions": mentions,
        "topics": topic_rows,
        "statements": statements,
        "time_expressions": timexes,
        "events": events,
    }
    for rows in tables.values():
        for row in rows:
            row["article_id"] = aid
    tables["published"] = [
        {
            "published": published or "",
            "published_from": published_from,
            "published_reason": reason or article.get("published_reason", ""),
        }
    ]
    return tables
