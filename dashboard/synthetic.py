"""Invented, schema-conformant tables for the dashboard's tests and benchmark (no NLP needed).

The sentences are made up from templates; nothing here is tuned to any corpus. `make_tables(2000)`
gives a corpus the size the dashboard must stay fast on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import pandas as pd

from analysis.store import schema

ACTORS = (
    ("Aldora", "state", "Aldora"),
    ("Belmark", "state", "Belmark"),
    ("Corvia", "state", "Corvia"),
    ("Dana Holt", "person", "Aldora"),
    ("Emil Varga", "person", "Belmark"),
    ("Farah Nasser", "person", "Corvia"),
    ("Northern Alliance", "organisation", "Northern Alliance"),
    ("Grace Ito", "person", "Northern Alliance"),
)
TOPICS = ("ceasefire", "sanctions", "territory", "negotiations_summits", "weapons_aid")
SOURCES = ("Daily Ledger", "Harbor Times", "Metro Wire", "Valley Post", "Global Dispatch")
STANCES = ("support", "oppose", "neutral")
CUES = {"support": "backed", "oppose": "rejected", "neutral": ""}


def _id(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _article(i: int, rng: random.Random, start: dt.date) -> tuple[dict, list[dict]]:
    """One article row and its invented sentences (each sentence: actor, topic, stance, text)."""
    day = start + dt.timedelta(days=rng.randrange(60))
    n = rng.randint(4, 9)
    sents = []
    for j in range(n):
        actor = rng.choice(ACTORS)
        topic = rng.choice(TOPICS)
        stance = rng.choices(STANCES, weights=(3, 2, 2))[0]
        verb = {"support": "backed", "oppose": "rejected", "neutral": "discussed"}[stance]
        text = (
            f"{actor[0]} {verb} the {topic.replace('_', ' ')} proposal on Monday, officials said ({i}.{j})."
        )
        sents.append({"actor": actor, "topic": topic, "stance": stance, "text": text})
    body = " ".join(s["text"] for s in sents)
    art = {
        "article_id": _id("a", i),
        "file": f"synthetic_{i:05d}.txt",
        "title": f"Talks update number {i}",
        "source": rng.choice(SOURCES),
        "url": f"https://example.org/news/{i}",
        "published": day.isoformat(),
        "published_from": "metadata",
        "published_reason": "synthetic",
        "byline": "",
        "n_words": len(body.split()),
        "text": body,
        "meta": "{}",
    }
    return art, sents


def _rows(art: dict, sents: list[dict], day: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {
        k: [] for k in ("sentences", "mentions", "topics", "statements", "events", "time_expressions")
    }
    pos = 0
    aid = art["article_id"]
    for j, s in enumerate(sents):
        (name, kind, aff), text = s["actor"], s["text"]
        key = dict(article_id=aid, sentence_id=j)
        out["sentences"].append({**key, "start_char": pos, "end_char": pos + len(text), "text": text})
        out["mentions"].append(
            {
                **key,
                "actor": name,
                "actor_type": kind,
                "affiliation": aff,
                "surface": name,
                "start_char": pos,
                "end_char": pos + len(name),
                "linked": True,
            }
        )
        out["topics"].append({**key, "topic": s["topic"], "terms": s["topic"].replace("_", " ")})
        out["statements"].append(
            {
                **key,
                "statement_id": _id(aid, j, name, s["topic"]),
                "actor": name,
                "topic": s["topic"],
                "stance": s["stance"],
                "confidence": 0.8,
                "cue": CUES[s["stance"]],
                "rule": "verb/subject" if s["stance"] != "neutral" else "",
                "evidence": text,
                "origin": "auto",
                "note": "",
            }
        )
        m = text.index("Monday")
        out["time_expressions"].append(
            {
                **key,
                "expression": "Monday",
                "start_char": pos + m,
                "end_char": pos + m + 6,
                "kind": "weekday",
                "date": day,
                "date_precision": "day",
                "anchor": "published",
            }
        )
        out["events"].append(
            {
                **key,
                "event_id": _id("e", aid, j),
                "date": day,
                "date_precision": "day",
                "time_expression": "Monday",
                "actors": name,
                "topics": s["topic"],
                "evidence": text,
                "background": j == 0 and len(sents) > 6,
            }
        )
        pos += len(text) + 1
    return out


def make_tables(n_articles: int = 20, *, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Invented tables for `n_articles` articles over 60 days, conformed to `analysis.store.schema`."""
    rng = random.Random(seed)
    start = dt.date(2025, 3, 1)
    rows: dict[str, list[dict]] = {name: [] for name in schema.TABLES}
    for i in range(n_articles):
        art, sents = _article(i, rng, start)
        rows["articles"].append(art)
        for name, part in _rows(art, sents, art["published"]).items():
            rows[name].extend(part)
    rows["problems"].append({"file": "broken.html", "severity": "error", "message": "no text could be read"})
    return {name: schema.conform(rows[name], name) for name in schema.TABLES}
