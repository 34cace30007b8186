"""The spaCy pipeline: built once per run, explicitly, in ``load_pipeline``."""

from __future__ import annotations

from pathlib import Path

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.compiled import reuse_compiled
from kg.model import DEFAULT_MODEL


_NO_START_PUNCT = frozenset(",;:)]}»”.!?…")
_FINAL = frozenset(".!?…")
# Values of the SENT_START attribute.
_START, _NOT_START = 1, -1


@Language.component("kg_sentence_hints")
def sentence_hints(doc: Doc) -> Doc:
    """Constrain sentence boundaries before the parser: a line break starts a sentence (headlines
    and list items carry no full stop); inside a line a sentence starts only after final
    punctuation (possibly followed by a closing quote), never on closing punctuation.

    The boundaries are written in one ``Doc.from_array`` call: setting ``Token.is_sent_start``
    token by token re-checks the whole document each time (quadratic in its length).
    """
    if len(doc) < 2:
        return doc
    texts = [t.text for t in doc]
    breaks = ["\n" in t.text or "\n" in t.whitespace_ for t in doc]
    starts = doc.to_array([SENT_START]).view(numpy.int64)
    for i in range(1, len(texts)):
        text, previous = texts[i], texts[i - 1]
        if text.isspace():
            starts[i] = _NOT_START
        elif breaks[i - 1]:
            starts[i] = _START
        elif text in _NO_START_PUNCT or not (
            previous in _FINAL or (previous in '»”"' and i > 1 and texts[i - 2] in _FINAL)
        ):
            starts[i] = _NOT_START
    doc.from_array([SENT_START], starts.view(numpy.uint64))
    return doc


LOADED: dict[str, Language] = {}
"""The models this process has loaded, by name (``load_pipeline`` keeps them)."""


def load_pipeline(model: str = DEFAULT_MODEL, *, cache: Path | None = None) -> Language:
    """Load the French model with the project's own annotation components, once per process.

    The parser respects the sentence boundaries constrained by ``kg_sentence_hints``. With
    ``cache`` (a folder), the compiled form of the tokenizer's largest patterns is kept there
    and reused by the next process that loads the model (see :mod:`kg.compiled`).
    """
    if model not in LOADED:
        with reuse_compiled(cache):
            nlp = spacy.load(model)
        nlp.add_pipe("kg_sentence_hints", before="parser")
        LOADED[model] = nlp
    return LOADED[model]


VOCABULARIES: dict[str, Language] = {}
"""The models whose tokenizer and vocabulary alone this process has loaded, by name."""


def load_vocabulary(model: str = DEFAULT_MODEL, *, cache: Path | None = None) -> Language:
    """The model's tokenizer and vocabulary without its components, once per process.

    This is what the extraction rules use of the pipeline besides an annotated ``Doc``: a
    process that receives documents annotated by another one (``Doc.to_bytes``) reads them
    into this vocabulary and runs the rules, without the weights of the neural components.
    """
    if model not in VOCABULARIES:
        folder = Path(model) if Path(model).is_dir() else spacy.util.get_package_path(model)
        components = spacy.util.get_model_meta(folder).get("components", [])
        with reuse_compiled(cache):
            nlp = spacy.load(model, exclude=components)
        nlp.vocab.reset_vectors(width=0)  # no rule reads word vectors: about 60 MiB saved
        VOCABULARIES[model] = nlp
    return VOCABULARIES[model]
