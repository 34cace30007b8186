"""The token attributes of a parsed document, read once per document.

Every ``doc[i]`` or ``Token`` attribute read builds a Python object; the rules look words up
thousands of times per document, so they read them from these plain lists instead.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cache

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.parts_of_speech import NAMES
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.vocab import Vocab

_KEY = "kg.words"
_WHITESPACE = ("", " ")
_NONE: frozenset[str] = frozenset()


class _Strings(dict[int, str]):
    """The strings of a ``StringStore`` by hash, each looked up in the store once (a dict is
    several times faster to read than the store)."""

    def __init__(self, store: StringStore) -> None:
        super().__init__()
        self.store = store

    def __missing__(self, key: int) -> str:
        value = self[key] = self.store[key]
        return value


@cache
def _strings(vocab: Vocab) -> _Strings:
    """The string table of a vocabulary, one per pipeline and process."""
    return _Strings(vocab.strings)


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a document, indexed like its tokens.

    Attributes:
        texts: ``Token.text``.
        lowers: ``Token.lower_``.
        lemmas: ``Token.lemma_``.
        pos: ``Token.pos_``.
        deps: ``Token.dep_``.
        heads: ``Token.head.i``.
        cases: the lower-case forms of each token's ``case`` and ``fixed`` dependents (the
            prepositions introducing its phrase), with straight apostrophes.
        idx: ``Token.idx``, the character offset of each token.
        text: ``Doc.text``.
        sents: the token range (start, end) of each sentence, in order.
        sent_of: the index in ``sents`` of each token's sentence.

    Only plain values, no ``Span``: kept in the ``Doc``, a span would make a reference cycle
    and keep the ``Doc`` alive until the garbage collector runs.
    """

    texts: tuple[str, ...]
    lowers: tuple[str, ...]
    lemmas: tuple[str, ...]
    pos: tuple[str, ...]
    deps: tuple[str, ...]
    heads: tuple[int, ...]
    cases: tuple[frozenset[str], ...]
    idx: tuple[int, ...]
    text: str
    sents: tuple[tuple[int, int], ...]
    sent_of: tuple[int, ...]

    @classmethod
    def of(cls, doc: Doc) -> Words:
        """The words of ``doc``, read on the first call and kept in its ``user_data`` (so they
        live as long as the parse they come from)."""
        known = doc.user_data.get(_KEY)
        if isinstance(known, Words):
            return known
        string = _strings(doc.vocab).__getitem__
        array = doc.to_array([ORTH, LOWER, LEMMA, DEP, POS, IDX, SPACY, HEAD])
        orth, lower, lemma, dep, pos, idx, spacy, _ = array.T.tolist()
        # HEAD is an offset stored unsigned: read it as a signed integer, added to the position.
        offsets = array[:, -1].view(numpy.int64)
        heads = tuple((offsets + numpy.arange(len(offsets))).tolist())
        texts = tuple(map(string, orth))
        lowers, deps = tuple(map(string, lower)), tuple(map(string, dep))
        found: dict[int, set[str]] = {}
        for i, dep_ in enumerate(deps):
            if dep_ in ("case", "fixed") and heads[i] != i:
                found.setdefault(heads[i], set()).add(lowers[i].replace("’", "'"))
        cases = [_NONE] * len(heads)
        for head, words_ in found.items():
            cases[head] = frozenset(words_)
        sents = tuple((sent.start, sent.end) for sent in doc.sents)
        sent_of: list[int] = []
        for number, (start, end) in enumerate(sents):
            sent_of += [number] * (end - start)
        words = cls(
            texts,
            lowers,
            tuple(map(string, lemma)),
            tuple(map(NAMES.__getitem__, pos)),
            deps,
            heads,
            tuple(cases),
            tuple(idx),
            "".join(map(operator.add, texts, map(_WHITESPACE.__getitem__, spacy))),
            sents,
            tuple(sent_of),
        )
        doc.user_data[_KEY] = words
        return words

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens ``start``..``end`` (exclusive), as ``doc[start:end].text``."""
        if start >= end:
            return ""
        return self.text[self.idx[start] : self.idx[end - 1] + len(self.texts[end - 1])]

    def sent(self, i: int) -> tuple[int, int]:
        """The token range (start, end) of the sentence of token ``i``, as ``doc[i].sent``'s."""
        return self.sents[self.sent_of[i]]
