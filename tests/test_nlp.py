"""The spaCy pipeline: the real model with the actor ruler, and the blank fallback with its notice."""

from __future__ import annotations

import pytest

from analysis.extract.kb import load_kb
from analysis.extract.nlp import RULER_NAME, load_nlp


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.fixture(scope="module")
def model(kb):
    return load_nlp(kb=kb)


@pytest.fixture(scope="module")
def blank(kb):
    return load_nlp("parley_no_such_model", kb)


def test_model_loads_with_ruler_after_ner(model):
    nlp, notice = model
    assert notice is None
    names = nlp.pipe_names
    assert names.index(RULER_NAME) == names.index("ner") + 2  # after the component keeping model entities
    # the stance rules need these
    assert {"parser", "lemmatizer", "tagger"} <= set(names)


def test_ruler_overrides_model_label(model):
    nlp, _ = model
    doc = nlp("Zelenskyy met Trump in the Oval Office.")
    ents = {e.text: (e.label_, e.ent_id_) for e in doc.ents}
    assert ents["Zelenskyy"] == ("PERSON", "surname:Volodymyr Zelenskyy")
    assert ents["Trump"][0] == "PERSON"


def test_ruler_is_case_sensitive(model):
    nlp, _ = model
    doc = nlp("Let us see whether fear will trump hope.")
    assert [e.ent_id_ for e in doc.ents if e.ent_id_] == []


def test_fallback_notice_and_pipeline(blank):
    nlp, notice = blank
    assert "parley_no_such_model" in notice and "spacy.blank('en')" in notice and "pip install" in notice
    assert nlp.pipe_names == ["sentencizer", RULER_NAME]


def test_fallback_still_splits_sentences_and_links(blank):
    nlp, _ = blank
    doc = nlp("The Kremlin said no. Sergey Lavrov agreed.")
    assert len(list(doc.sents)) == 2
    assert {e.ent_id_ for e in doc.ents} == {"Russia", "Sergei Lavrov"}


def test_pipe_batches_give_same_entities_as_single_calls(model):
    nlp, _ = model
    texts = ["Putin spoke to Macron.", "NATO allies met in Brussels."]
    piped = [[e.text for e in d.ents] for d in nlp.pipe(texts, batch_size=2)]
    single = [[e.text for e in nlp(t).ents] for t in texts]
    assert piped == single


@pytest.mark.parametrize("text", ["Zelenskyy met Trump.\n\nKyiv  said  no.  ", "", "One.\nTwo words here "])
def test_doc_text_and_span_text_equal_spacy_text(blank, text):
    from analysis.extract.nlp import doc_text, span_text

    doc = blank[0](text)
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)  # joined once, then reused
    for span in [*doc.sents, doc[:0], doc[1:3], *(doc[i : i + 1] for i in range(len(doc)))]:
        assert span_text(span) == span.text
