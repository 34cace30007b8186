"""Running the spaCy pipeline and the extraction rules over documents, in one or N processes.

Each process loads the pipeline once (``annotate.load_pipeline`` is cached per process) and
streams its documents through ``nlp.pipe`` in batches. Worker processes are started with
``spawn``: they import ``kg`` afresh, so the ``kg_sentence_hints`` component is registered in
them, and nothing of the parent (open stores, threads) is inherited by a fork.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.annotate import load_pipeline, load_vocabulary
from kg.extract import extract_document
from kg.extract.noise import blank_furniture
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.ingest import Skipped
from kg.model import Document
from kg.pool import BATCH_SIZE, Outcome, WorkerPool

log = logging.getLogger(__name__)

_KEPT_BY_WORKER = ["tensor", "user_data"]
"""What of an annotated ``Doc`` does not go from a worker back to the building process."""


def extract_stream(documents: Iterable[Document], *, model: str) -> Iterator[Outcome]:
    """The extraction result of each document, in order, in this process.

    A document whose extraction fails becomes a ``Skipped`` with the reason; the others go on.
    """
    nlp = load_pipeline(model)
    gaz = load_gazetteer()
    pending: deque[Document] = deque()

    def texts() -> Iterator[str]:
        for document in documents:
            pending.append(document)
            yield blank_furniture(document.body)

    for doc in nlp.pipe(texts(), batch_size=BATCH_SIZE):
        yield _rules(pending.popleft(), doc, nlp, gaz)


def _rules(document: Document, doc: Doc, nlp: Language, gaz: Gazetteer) -> Outcome:
    """The rules' result for one annotated document, or a ``Skipped`` when they fail on it."""
    try:
        return extract_document(document, doc, nlp, gaz)
    except Exception as err:  # noqa: BLE001 - one odd text must not cost the whole corpus
        log.warning(
            "%s: extraction failed, skipped (%s: %s)", document.source, type(err).__name__, err
        )
        log.debug("extraction failure", exc_info=True)
        return Skipped(document.source, f"extraction failed ({type(err).__name__})")


def annotate_batch(texts: Sequence[str], model: str) -> list[bytes]:
    """spaCy's annotations of a batch of texts, each as ``Doc.to_bytes`` (without the tensor
    the rules do not read): the unit of work of a ``kg.pool`` worker process."""
    nlp = load_pipeline(model)
    return [doc.to_bytes(exclude=_KEPT_BY_WORKER) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE)]


def extract_annotated(
    document: Document, data: bytes, model: str, cache: Path | None = None
) -> Outcome:
    """The rules run on a document annotated in another process (``annotate_batch``); the
    model's vocabulary is loaded once (see ``annotate.load_vocabulary``)."""
    nlp = load_vocabulary(model, cache=cache)
    return _rules(document, Doc(nlp.vocab).from_bytes(data), nlp, load_gazetteer())


def extract_batch(documents: Sequence[Document], model: str) -> list[Outcome]:
    """The results of a batch of documents (the unit of work of a worker process)."""
    return list(extract_stream(documents, model=model))


def batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Consecutive lists of ``size`` documents (the last may be shorter).

    >>> [len(b) for b in batches(range(5), 2)]
    [2, 2, 1]
    """
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_processes(
    documents: Sequence[Document], *, model: str, workers: int
) -> Iterator[Outcome]:
    """The results of ``documents`` in order, computed by ``workers`` spawned processes (a
    ``kg.pool.WorkerPool``); one process (or one document) runs here, without a pool."""
    workers = min(workers, len(documents))
    if workers <= 1:
        yield from extract_stream(documents, model=model)
        return
    with WorkerPool(model, workers) as pool:
        for key, document in enumerate(documents):
            yield from (outcome for _, outcome in pool.submit(key, document))
        yield from (outcome for _, outcome in pool.finish())
