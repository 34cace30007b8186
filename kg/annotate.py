"""The spaCy pipeline: built once per run, explicitly, in ``load_pipeline``."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "fr_core_news_md"


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines and list items carry no full stop."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if token.is_space:
            token.is_sent_start = False
        elif "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif previous.is_space:
            token.is_sent_start = False
    return doc


@cache
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load the French model with the project's own annotation components.

    The parser respects the sentence starts set by ``kg_line_breaks``.
    """
    nlp = spacy.load(model)
    nlp.add_pipe("kg_line_breaks", before="parser")
    return nlp
