"""The spaCy pipeline: built once per run, explicitly, in ``load_pipeline``."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "fr_core_news_md"


_NO_START_PUNCT = frozenset(",;:)]}»”.!?…")
_FINAL = frozenset(".!?…")


@Language.component("kg_sentence_hints")
def sentence_hints(doc: Doc) -> Doc:
    """Constrain sentence boundaries before the parser: a line break starts a sentence (headlines
    and list items carry no full stop); inside a line a sentence starts only after final
    punctuation (possibly followed by a closing quote), never on closing punctuation."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if token.is_space:
            token.is_sent_start = False
        elif "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif token.text in _NO_START_PUNCT or not (
            previous.text in _FINAL
            or (previous.text in '»”"' and token.i > 1 and doc[token.i - 2].text in _FINAL)
        ):
            token.is_sent_start = False
    return doc


@cache
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load the French model with the project's own annotation components.

    The parser respects the sentence boundaries constrained by ``kg_sentence_hints``.
    """
    nlp = spacy.load(model)
    nlp.add_pipe("kg_sentence_hints", before="parser")
    return nlp
