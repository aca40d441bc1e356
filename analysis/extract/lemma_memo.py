"""The model's lemmatizer, asked once per word, part of speech and morphology: the same lemmas, faster.

spaCy's rule lemmatizer walks every token in Python and works its lemma out from the token's text, part
of speech and morphology (`rule_lemmatize`, `is_base_form`; the lookup mode reads the text alone). The
`parley_lemma_memo` component runs just before it and gives every token still without a lemma the one
the lemmatizer returned for the same (text, part of speech, morphology), asking the lemmatizer only for a
triple it has not seen; the lemmatizer then finds every lemma set and keeps it (it does not overwrite).
"""

from __future__ import annotations

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language

LEMMA_MEMO = "parley_lemma_memo"
LEMMATIZER = "lemmatizer"


class LemmaMemo:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.memo: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma id

    def __call__(self, doc):
        lemmatizer = self.nlp.get_pipe(LEMMATIZER)
        strings = doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma == 0:
                key = (orth, pos, morph)
                if key not in self.memo:
                    self.memo[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
                doc[i].lemma = self.memo[key]
        return doc


@Language.factory(LEMMA_MEMO)
def make_lemma_memo(nlp: Language, name: str) -> LemmaMemo:
    return LemmaMemo(nlp)


def use_lemma_memo(nlp: Language) -> None:
    """Put the memo before the pipeline's lemmatizer when it is one that does not overwrite, in the rule or
    lookup mode (whose lemmas depend on nothing else)."""
    lemmatizer = nlp.get_pipe(LEMMATIZER) if LEMMATIZER in nlp.pipe_names else None
    mode, overwrite = getattr(lemmatizer, "mode", None), getattr(lemmatizer, "overwrite", True)
    if mode in ("rule", "lookup") and not overwrite and LEMMA_MEMO not in nlp.pipe_names:
        nlp.add_pipe(LEMMA_MEMO, before=LEMMATIZER)
