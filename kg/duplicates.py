"""Near-duplicate documents: the same dispatch on two sites, lightly edited.

Each article body (furniture blanked) becomes a set of word shingles; MinHash LSH (datasketch)
proposes candidate pairs in linear time, and a pair is kept when the exact Jaccard similarity of
the shingle sets reaches ``THRESHOLD``. Exact copies never get here: ingest skips them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from kg.extract.noise import blank_furniture
from kg.model import Document

SHINGLE_WORDS = 3
THRESHOLD = 0.5
# The LSH bands are tuned below the threshold so that pairs near it are not missed.
_LSH_THRESHOLD = 0.35
_PERMUTATIONS = 128
_SEED = 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True, order=True)
class NearDuplicate:
    """Two documents (ids in order, with their sources) whose bodies share most of their
    shingles."""

    first: str
    second: str
    similarity: float
    first_source: str = ""
    second_source: str = ""


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The word ``size``-grams of ``text``, lower-cased (no shingle for shorter texts).

    >>> sorted(shingles("La Russie a voté", 3))
    ['la russie a', 'russie a voté']
    """
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """The Jaccard similarity of two sets (0 when both are empty).

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    return len(a & b) / len(a | b) if a or b else 0.0


class NearDuplicateIndex:
    """Documents added one at a time; each is compared with the earlier ones as it comes.

    Only the MinHash sketches stay in memory (in the LSH index); the shingles of a candidate are
    made again from its body, which ``body_of(doc_id)`` gives back.
    """

    def __init__(self, body_of: Callable[[str], str], *, threshold: float = THRESHOLD) -> None:
        self.lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=_PERMUTATIONS)
        self.body_of = body_of
        self.threshold = threshold
        self.sources: dict[str, str] = {}
        self.found: set[NearDuplicate] = set()

    def add(self, document: Document) -> None:
        """Index a document and record its near-duplicates among the documents added before."""
        grams = shingles(blank_furniture(document.body))
        if not grams or document.id in self.sources:
            return
        sketch = MinHash(num_perm=_PERMUTATIONS, seed=_SEED)
        sketch.update_batch([gram.encode("utf-8") for gram in sorted(grams)])
        for other in sorted(self.lsh.query(sketch)):
            score = jaccard(grams, shingles(blank_furniture(self.body_of(other))))
            if score >= self.threshold:
                pair = sorted(((document.id, document.source), (other, self.sources[other])))
                (first, first_source), (second, second_source) = pair
                self.found.add(
                    NearDuplicate(first, second, round(score, 3), first_source, second_source)
                )
        self.lsh.insert(document.id, sketch)
        self.sources[document.id] = document.source

    def pairs(self) -> list[NearDuplicate]:
        """The near-duplicate pairs found so far, in id order."""
        return sorted(self.found)


def near_duplicates(
    documents: Sequence[Document], *, threshold: float = THRESHOLD
) -> list[NearDuplicate]:
    """Pairs of documents whose article bodies are near-duplicates, in id order."""
    bodies = {d.id: d.body for d in documents}
    index = NearDuplicateIndex(bodies.__getitem__, threshold=threshold)
    for document in documents:
        index.add(document)
    return index.pairs()


def clusters(pairs: Iterable[NearDuplicate]) -> dict[str, str]:
    """Each document of a near-duplicate pair mapped to its group's smallest id (union-find).

    >>> clusters([NearDuplicate("b", "c", 0.9), NearDuplicate("a", "b", 0.8)])
    {'b': 'a', 'c': 'a', 'a': 'a'}
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        a, b = root(pair.first), root(pair.second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in parent}
