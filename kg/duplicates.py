"""Near-duplicate documents: the same dispatch on two sites, lightly edited.

Each article body (furniture blanked) becomes a set of word shingles; MinHash signatures banded
for locality-sensitive hashing propose candidate pairs in linear time, and a pair is kept when the
exact Jaccard similarity of the shingle sets reaches ``THRESHOLD``. Exact copies never get here:
ingest skips them.

The MinHash and its bands are a few lines of numpy here rather than datasketch's: importing
datasketch pulls in scipy (1.5 s on every build) and hashes each shingle in Python; these
signatures take about a tenth of the time, and are the same in every process (CRC-32 shingle
hashes, fixed permutations).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import zlib

import numpy as np

from kg.extract.noise import blank_furniture
from kg.model import Document

SHINGLE_WORDS = 3
THRESHOLD = 0.5
# 42 bands of 3 rows: a pair at Jaccard 0.5 shares a band with probability 0.996, a pair at
# 0.1 with 0.04 (candidates are checked exactly, so only recall matters).
_BANDS, _ROWS = 42, 3
# A candidate whose signatures agree on fewer than THRESHOLD - _MARGIN of the rows is not
# checked exactly: the estimate's standard deviation is at most 0.045 with 126 rows, so a pair
# at the threshold falls that low with a probability of a few in a million.
_MARGIN = 0.2
_PRIME = (1 << 61) - 1
_RANDOM = np.random.default_rng(1)
_A = _RANDOM.integers(1, _PRIME, size=_BANDS * _ROWS, dtype=np.uint64)
_B = _RANDOM.integers(0, _PRIME, size=_BANDS * _ROWS, dtype=np.uint64)
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


def signature(grams: set[str]) -> np.ndarray:
    """The MinHash signature of a set of shingles: for each of the fixed permutations
    ``(a·h + b) mod p`` of their CRC-32 hashes, the smallest value.

    Its rows agree about as often as the sets' Jaccard similarity:

    >>> a = shingles(" ".join(map(str, range(400))))
    >>> b = shingles(" ".join(map(str, range(200, 600))))
    >>> round(jaccard(a, b), 2), round(float((signature(a) == signature(b)).mean()), 1)
    (0.33, 0.3)
    """
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), np.uint64, len(grams))
    # As datasketch does: a, b < p are 61-bit, so a·h + b wraps modulo 2**64 before the
    # modulo p; the wrap is what shuffles the order (with a·h + b < p, every permutation would
    # keep the hashes' own order and every row would hold the same minimum).
    values = (np.outer(hashes, _A) + _B) % np.uint64(_PRIME)
    return values.min(axis=0)


def jaccard(a: set[str], b: set[str]) -> float:
    """The Jaccard similarity of two sets (0 when both are empty).

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    return len(a & b) / len(a | b) if a or b else 0.0


def _compute(key: str, compute: Callable[[], float]) -> float:
    """The memo of an index without one: everything is computed."""
    return compute()


class NearDuplicateIndex:
    """Documents added one at a time; each is compared with the earlier ones as it comes.

    Only the MinHash sketches stay in memory (in the LSH index); the shingles of a candidate are
    made again from its body, which ``body_of(doc_id)`` gives back. ``memo(key, compute)``, when
    given, keeps the similarity of each pair compared (a rebuild then reads no candidate's body):
    the key names both documents by their ids, which their texts determine.
    """

    def __init__(
        self,
        body_of: Callable[[str], str],
        *,
        threshold: float = THRESHOLD,
        memo: Callable[[str, Callable[[], float]], float] | None = None,
    ) -> None:
        self.bands: list[dict[bytes, list[str]]] = [{} for _ in range(_BANDS)]
        self.sketches: dict[str, np.ndarray] = {}
        self.body_of = body_of
        self.memo = memo or _compute
        self.threshold = threshold
        self.sources: dict[str, str] = {}
        self.found: set[NearDuplicate] = set()

    @staticmethod
    def sketch(document: Document) -> np.ndarray | None:
        """The MinHash signature of a document's body (None when it has no shingle)."""
        grams = shingles(blank_furniture(document.body))
        return signature(grams) if grams else None

    def add(self, document: Document, sketch: np.ndarray | None = None) -> None:
        """Index a document and record its near-duplicates among the documents added before.

        ``sketch`` is its signature when already known (see :meth:`sketch`).
        """
        grams = None
        if sketch is None:
            grams = shingles(blank_furniture(document.body))
            if not grams:
                return
            sketch = signature(grams)
        if document.id in self.sources:
            return

        def similarity(other: str) -> float:
            nonlocal grams  # the document's shingles, made at most once
            grams = grams or shingles(blank_furniture(document.body))
            return jaccard(grams, shingles(blank_furniture(self.body_of(other))))

        keys = [row.tobytes() for row in sketch.reshape(_BANDS, _ROWS)]
        pairs = zip(self.bands, keys, strict=True)
        candidates = {other for band, key in pairs for other in band.get(key, ())}
        for other in sorted(candidates):
            if np.count_nonzero(sketch == self.sketches[other]) < (self.threshold - _MARGIN) * len(
                sketch
            ):
                continue
            score = self.memo(
                f"jaccard {min(document.id, other)} {max(document.id, other)}",
                lambda other=other: similarity(other),  # type: ignore[misc]
            )
            if score >= self.threshold:
                pair = sorted(((document.id, document.source), (other, self.sources[other])))
                (first, first_source), (second, second_source) = pair
                self.found.add(
                    NearDuplicate(first, second, round(score, 3), first_source, second_source)
                )
        for band, key in zip(self.bands, keys, strict=True):
            band.setdefault(key, []).append(document.id)
        self.sketches[document.id] = sketch
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
