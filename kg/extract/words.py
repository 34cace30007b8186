"""The token attributes of a parsed document, read once per document.

Every ``doc[i]`` or ``Token`` attribute read builds a Python object; the rules look words up
thousands of times per document, so they read them from these plain lists instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import DEP, HEAD, IDX, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.parts_of_speech import NAMES
from spacy.tokens import Doc, Span

_KEY = "kg.words"


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
        children: ``[c.i for c in Token.children]``.
        idx: ``Token.idx``, the character offset of each token.
        text: ``Doc.text``.
        sents: the sentences, in order.
        sent_of: the index in ``sents`` of each token's sentence.
    """

    texts: tuple[str, ...]
    lowers: tuple[str, ...]
    lemmas: tuple[str, ...]
    pos: tuple[str, ...]
    deps: tuple[str, ...]
    heads: tuple[int, ...]
    children: tuple[tuple[int, ...], ...]
    idx: tuple[int, ...]
    text: str
    sents: tuple[Span, ...]
    sent_of: tuple[int, ...]

    @classmethod
    def of(cls, doc: Doc) -> Words:
        """The words of ``doc``, read on the first call and kept in its ``user_data`` (so they
        live as long as the parse they come from)."""
        known = doc.user_data.get(_KEY)
        if isinstance(known, Words):
            return known
        strings = doc.vocab.strings
        columns = doc.to_array([ORTH, LOWER, LEMMA, DEP, POS, HEAD, IDX, SPACY]).T.tolist()
        orth, lower, lemma, dep, pos, head, idx, spacy = columns
        # HEAD is an offset stored unsigned: read it back as a signed 64-bit integer.
        heads = tuple(i + (h - (1 << 64) if h >= 1 << 63 else h) for i, h in enumerate(head))
        texts = tuple(strings[h] for h in orth)
        children: list[list[int]] = [[] for _ in heads]
        for i, h in enumerate(heads):
            if h != i:
                children[h].append(i)
        sents = tuple(doc.sents)
        sent_of: list[int] = []
        for number, sent in enumerate(sents):
            sent_of += [number] * (sent.end - sent.start)
        words = cls(
            texts,
            tuple(strings[h] for h in lower),
            tuple(strings[h] for h in lemma),
            tuple(NAMES[p] for p in pos),
            tuple(strings[h] for h in dep),
            heads,
            tuple(map(tuple, children)),
            tuple(idx),
            "".join(t + " " if s else t for t, s in zip(texts, spacy, strict=True)),
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

    def sent(self, i: int) -> Span:
        """The sentence of token ``i``, as ``doc[i].sent``."""
        return self.sents[self.sent_of[i]]
