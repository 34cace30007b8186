"""Near-duplicate documents: the same dispatch on two sites, lightly edited.

Each article body (furniture blanked) becomes a set of word shingles; MinHash LSH (datasketch)
proposes candidate pairs in linear time, and a pair is kept when the exact Jaccard similarity of
the shingle sets reaches ``THRESHOLD``. Exact copies never get here: ingest skips them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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


def near_duplicates(
    documents: Sequence[Document], *, threshold: float = THRESHOLD
) -> list[NearDuplicate]:
    """Pairs of documents whose article bodies are near-duplicates, in id order."""
    lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=_PERMUTATIONS)
    sets: dict[str, set[str]] = {}
    sources: dict[str, Document] = {}
    found: set[NearDuplicate] = set()
    for document in documents:
        grams = shingles(blank_furniture(document.body))
        if not grams or document.id in sets:
            continue
        sketch = MinHash(num_perm=_PERMUTATIONS, seed=_SEED)
        sketch.update_batch([gram.encode("utf-8") for gram in sorted(grams)])
        for other in sorted(lsh.query(sketch)):
            score = jaccard(grams, sets[other])
            if score >= threshold:
                first, second = sorted((document, sources[other]), key=lambda d: d.id)
                found.add(
                    NearDuplicate(first.id, second.id, round(score, 3), first.source, second.source)
                )
        lsh.insert(document.id, sketch)
        sets[document.id] = grams
        sources[document.id] = document
    return sorted(found)


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
