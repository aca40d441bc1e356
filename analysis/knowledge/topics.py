"""Helping the user write the taxonomy: candidate topics from a corpus's own text, and a preview of terms.

- `suggest_topics(texts, nlp)`: noun chunks of the sentences (spaCy's parser, no other model), their
  content lemmas counted by sentence and article, key words that are frequent but not everywhere, and
  key words that keep company (most of one's sentences hold the other) merged into one topic. Each
  topic has terms, the ambiguous ones flagged and kept as `weak` words, and example sentences.
- `preview(terms, sentences)`: which sentences a list of terms tags, and which terms are ambiguous (a
  term that tags a large share of the corpus, or a generic word such as a bare "proposal").
- `to_taxonomy(topics)`: the accepted topics in Parley's `topics.yaml` layout; `merge_topics`,
  `rename_topic` are the pure edits the Knowledge page offers.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from analysis.extract.topics import compile_terms, normalise

# words a topic term must not be on its own: they name a kind of text, not what it is about
GENERIC = frozenset(
    """
    proposal plan deal talk talks agreement issue matter process framework offer step move effort
    point part side way thing time year week day month people official statement report source
    question interview comment news country government leader president minister spokesman
    spokesperson state group member meeting term end start sign number call view position decision
    demand condition situation case right hand life place area world lot kind reporter chief envoy
    analyst aide negotiator diplomat journalist correspondent adviser advisor lawmaker senator
    delegation counterpart ally detail conversation seat briefing comment remark message letter word
    story article photo video line hour minute weekend morning evening night today tomorrow
    yesterday
    """.split()  # noqa: SIM905
)
_SKIP_ENTS = {"PERSON", "GPE", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
              "QUANTITY", "LOC", "FAC", "EVENT", "LANGUAGE", "WORK_OF_ART", "LAW", "PRODUCT"}  # fmt: skip
AMBIGUOUS_SHARE = 0.2  # a term tagging more than this share of all sentences is ambiguous


def chunk_phrases(doc) -> list[tuple[str, str, frozenset[str]]]:
    """(lemma phrase, surface phrase, noun lemmas) of each noun chunk's content words (no names, numbers,
    stopwords); only nouns can be a topic's key word, adjectives ride along in phrases."""
    out = []
    for chunk in doc.noun_chunks:
        words = [
            t
            for t in chunk
            if t.is_alpha
            and not t.is_stop
            and len(t) > 2
            and t.ent_type_ not in _SKIP_ENTS
            and t.pos_ != "PROPN"
        ]
        nouns = frozenset(t.lemma_.lower() for t in words if t.pos_ == "NOUN")
        if 0 < len(words) <= 3 and nouns:
            out.append((" ".join(t.lemma_.lower() for t in words), " ".join(t.lower_ for t in words), nouns))
    return out


def suggest_topics(
    sentences: list[tuple[str, str]], nlp, *, n_topics: int = 12, min_articles: int = 2, examples: int = 3
) -> list[dict]:
    """Candidate topics of a corpus.

    Args:
        sentences: (article_id, sentence text) pairs, e.g. the `sentences` table of a build.
        nlp: a spaCy pipeline with a parser (noun chunks).

    Returns:
        Dicts: id, label, terms, weak (ambiguous terms), flags (term -> why ambiguous), sentences,
        articles, examples.
    """
    n_articles = len({a for a, _ in sentences})
    min_articles = min(min_articles, max(n_articles, 1))
    word_sents: dict[str, set[int]] = defaultdict(set)
    word_arts: dict[str, set[str]] = defaultdict(set)
    phrases: dict[str, Counter] = defaultdict(Counter)  # key word -> surface phrases holding it
    for i, doc in enumerate(nlp.pipe((t for _, t in sentences), batch_size=64)):
        article = sentences[i][0]
        for _lemma, surface, nouns in chunk_phrases(doc):
            for word in nouns:
                if word in GENERIC:
                    continue
                word_sents[word].add(i)
                word_arts[word].add(article)
                phrases[word][surface] += 1
    total = max(len(sentences), 1)
    scores = {
        w: len(s) * math.log(1 + total / len(s))
        for w, s in word_sents.items()
        if len(word_arts[w]) >= min_articles and len(s) >= 2
    }
    topics: list[dict] = []
    for word in sorted(scores, key=lambda w: (-scores[w], w)):
        home = next((t for t in topics if _keeps_company(word_sents[word], t["_sents"])), None)
        if home is not None:
            home["_words"].append(word)
            home["_sents"] |= word_sents[word]
        elif len(topics) < n_topics:
            topics.append({"_words": [word], "_sents": set(word_sents[word])})
    texts = [t for _, t in sentences]
    out = [_topic(t, phrases, texts, sentences, examples) for t in topics]
    seen: Counter = Counter()
    for t in out:  # one id per topic
        seen[t["id"]] += 1
        if seen[t["id"]] > 1:
            t["id"] = f"{t['id']}_{seen[t['id']]}"
    return out


def _keeps_company(sents: set[int], topic_sents: set[int]) -> bool:
    """True when most sentences of a word already belong to the topic."""
    return len(sents) >= 3 and len(sents & topic_sents) / len(sents) >= 0.6


def _topic(raw: dict, phrases: dict, texts: list[str], sentences, n_examples: int) -> dict:
    words = raw["_words"]
    surfaces: Counter = Counter()
    for w in words:  # a word's own phrases; the seed's all, a companion's only when repeated
        surfaces.update({s: n for s, n in phrases[w].items() if w == words[0] or n >= 2})
    common = [s for s, n in surfaces.most_common(8) if n >= 2 or s in words]
    terms = list(dict.fromkeys([*common, *(_stem(w) for w in words[:4])]))
    found = preview(terms, texts)
    weak = [t for t in terms if t in found["flags"]]
    strong = [t for t in terms if t not in weak] or terms[:1]
    label = phrases[words[0]].most_common(1)[0][0] if phrases[words[0]] else words[0]
    tagged = sorted(raw["_sents"])
    return {
        "id": slug(label),
        "label": label[:1].upper() + label[1:],
        "terms": strong,
        "weak": [t for t in weak if t not in strong],
        "flags": found["flags"],
        "sentences": len(found["tagged"]),
        "articles": len({sentences[i][0] for i in found["tagged"]}),
        "examples": [texts[i] for i in tagged[:n_examples]],
    }


def _stem(word: str) -> str:
    """A lemma as a term: with a trailing * for longer words ("negotiat*" style endings)."""
    return word + "*" if len(word) >= 6 else word


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_") or "topic"


def preview(terms: list[str], texts: list[str]) -> dict:
    """Which of `texts` the terms tag (Parley's own term matching) and which terms are ambiguous.

    Returns:
        tagged: indices of tagged texts; by_term: term -> count of texts it tags; flags: term -> reason.
    """
    norm = [normalise(t) for t in texts]
    by_term: dict[str, list[int]] = {}
    for term in terms:
        rx = compile_terms([term])
        by_term[term] = [i for i, n in enumerate(norm) if rx is not None and rx.search(n)]
    total = max(len(texts), 1)
    flags = {}
    for term, hits in by_term.items():
        share = len(hits) / total
        if term.rstrip("*") in GENERIC:
            flags[term] = f"a generic word: it tags whatever mentions it ({share:.0%} of all sentences)"
        elif share > AMBIGUOUS_SHARE:
            flags[term] = f"tags {share:.0%} of all sentences"
    tagged = sorted({i for hits in by_term.values() for i in hits})
    return {"tagged": tagged, "by_term": {t: len(h) for t, h in by_term.items()}, "flags": flags}


def rename_topic(topics: list[dict], topic_id: str, label: str) -> list[dict]:
    """`topics` with one topic relabelled (its id follows the new label)."""
    return [{**t, "label": label, "id": slug(label)} if t["id"] == topic_id else t for t in topics]


def merge_topics(topics: list[dict], keep: str, other: str) -> list[dict]:
    """`topics` with topic `other` merged into `keep` (terms and weak words joined)."""
    source = next(t for t in topics if t["id"] == other)
    out = []
    for t in topics:
        if t["id"] == other:
            continue
        if t["id"] == keep:
            t = {
                **t,
                "terms": list(dict.fromkeys([*t["terms"], *source["terms"]])),
                "weak": list(dict.fromkeys([*t.get("weak", []), *source.get("weak", [])])),
                "examples": [*t.get("examples", []), *source.get("examples", [])][:3],
            }
        out.append(t)
    return out


def to_taxonomy(topics: list[dict]) -> dict:
    """Accepted topics in the layout of `topics.yaml` (docs/taxonomy.md); the flagged terms are left out.

    Each topic gets a proposition ("<label> goes ahead": stances from the domain-free cues; empty it for a
    tag-only topic) and empty `polarity` lists and no `deeds`, the places to say what a stance means.
    """
    out = []
    for t in topics:
        entry = {
            "id": t["id"],
            "label": t["label"],
            "description": t.get("description") or f"Suggested from the corpus: {', '.join(t['terms'][:4])}",
            "proposition": t["proposition"] if "proposition" in t else f"{t['label']} goes ahead",
            "polarity": {
                "+1": list(t.get("polarity", {}).get("+1", [])),
                "-1": list(t.get("polarity", {}).get("-1", [])),
            },
            "deeds": t.get("deeds", "none"),
            "terms": list(t["terms"]),
        }
        out.append(entry)  # flagged (weak) terms stay out: alone they would tag too much
    return {"topics": out}


TAXONOMY_HEADER = """\
# A Parley topic taxonomy (format: docs/taxonomy.md), suggested from the corpus; review it.
# proposition: what "support" means for the topic; empty it ("") for a topic that is a tag only.
# polarity: words that, toward the proposition, mean it happens ("+1") or is reversed ("-1").
# deeds: all, none or a list of polarity words that an actor doing takes that side ("X freed hostages").
"""


def taxonomy_yaml(topics: list[dict]) -> str:
    """The text of a taxonomy file for the accepted topics: `to_taxonomy` with a header on the format."""
    import yaml

    body = yaml.safe_dump(to_taxonomy(topics), allow_unicode=True, sort_keys=False, width=110)
    return TAXONOMY_HEADER + body
