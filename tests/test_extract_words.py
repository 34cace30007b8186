"""The per-document word lists the rules read instead of ``Token`` attributes."""

from __future__ import annotations

import gc

import pytest
from spacy.tokens import Doc

from kg.annotate import load_pipeline
from kg.extract.words import Words


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Le Conseil de sécurité a adopté mercredi une résolution russo-ukrainienne.",
        "  \nTitre sans point\n\n« Nous ne l'accepterons pas », a déclaré M. Lavrov ; puis rien.  ",
    ],
)
def test_extract_words_read_what_the_tokens_say(text: str) -> None:
    doc = load_pipeline()(text)
    words = Words.of(doc)
    assert words.texts == tuple(t.text for t in doc)
    assert words.lowers == tuple(t.lower_ for t in doc)
    assert words.lemmas == tuple(t.lemma_ for t in doc)
    assert words.pos == tuple(t.pos_ for t in doc)
    assert words.deps == tuple(t.dep_ for t in doc)
    assert words.heads == tuple(t.head.i for t in doc)
    assert words.idx == tuple(t.idx for t in doc)
    assert words.text == doc.text
    assert words.cases == tuple(
        frozenset(c.lower_.replace("’", "'") for c in t.children if c.dep_ in ("case", "fixed"))
        for t in doc
    )
    for token in doc:
        assert words.sent(token.i) == (token.sent.start, token.sent.end)
    for start in range(len(doc)):
        for end in range(start, len(doc) + 1):
            assert words.span_text(start, end) == doc[start:end].text
    assert Words.of(doc) is words  # read once per document


def test_extract_words_do_not_keep_the_doc_alive() -> None:
    doc = load_pipeline()("La Russie a opposé son veto.")
    Words.of(doc)
    gc.collect()
    gc.disable()
    try:
        del doc
        assert not any(
            isinstance(o, Doc) and o.text.startswith("La Russie a") for o in gc.get_objects()
        )
    finally:
        gc.enable()
