"""Extraction split between worker processes and the building process, fed while it reads.

The workers load the whole model and run spaCy's components, the costly part, on each batch
of texts; they send back each annotated ``Doc`` as bytes. The building process, which reads,
caches and writes, also runs the extraction rules on them, with the model's tokenizer and
vocabulary alone (``annotate.load_vocabulary``): on two cores with one worker, its share then
runs beside the worker's instead of after it. The rules give the same results on the bytes as
on the ``Doc`` (a test compares them). With as many workers as cores, no core is left for that:
the workers run the rules too and send back the results. The first batch is extracted whole by
a worker while the building process loads the vocabulary; a build with less than a batch to
extract (a rebuild after a few documents changed) never loads it.

This module imports spaCy only once a worker is started. Workers are started with ``spawn``,
as in :mod:`kg.parallel`.
"""

from __future__ import annotations

import gc
import importlib.util
import math
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.extract.noise import blank_furniture
from kg.ingest import Skipped
from kg.model import DocResult, Document

BATCH_SIZE = 32
"""Documents per task (and per ``nlp.pipe`` batch in the worker)."""

Outcome = DocResult | Skipped


class WorkerError(KgError):
    """A worker process stopped before returning its documents."""


def exit_with_parent() -> None:
    """In a spawned worker process: exit as soon as the process that started it is gone.

    A worker waits for work on a queue whose writing end it holds itself, so a building process
    killed outright (SIGKILL, SIGTERM, the kernel's out-of-memory killer) would otherwise leave
    it waiting forever, its model in memory. A thread of the worker waits on the parent's
    sentinel, which the operating system closes when the parent exits.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


def _load(model: str, compiled: Path | None) -> None:
    """A worker's initializer: the pipeline (its large patterns' compiled code kept under
    ``compiled``), loaded before its first batch. The model's objects live as long as the
    process: they are set apart from the garbage collector's walks (``gc.freeze``), which took
    0.15 s per 400 documents, 0.03 s so."""
    exit_with_parent()
    from kg.annotate import load_pipeline

    load_pipeline(model, cache=compiled)
    gc.freeze()


def _annotate(documents: list[Document], model: str) -> list[bytes]:
    """A worker's task when the caller runs the rules: spaCy's annotations of one batch."""
    from kg.parallel import annotate_batch

    return annotate_batch([blank_furniture(d.body) for d in documents], model)


def _extract(documents: list[Document], model: str) -> list[Outcome]:
    """A worker's task when it runs the rules too: the results of one batch."""
    from kg.parallel import extract_batch

    return extract_batch(documents, model)


def _check_model(model: str) -> None:
    """Fail here, before any worker starts, when the model can be neither imported nor read
    from a folder (spaCy's two ways of loading it)."""
    if not Path(model).is_dir() and importlib.util.find_spec(model) is None:
        raise WorkerError(f"spaCy model {model!r}: not installed, and no such model folder")


def _ready() -> None:
    """A task that does nothing: submitted once per worker, it starts them all at once."""


class WorkerPool:
    """Documents extracted as they come, results in order: annotated in ``workers`` spawned
    processes, the rules run in this one while it has a core of its own (fewer workers than
    cores), else in the workers too.

    The processes start (and load the model) at the first :meth:`submit`, while the caller goes
    on reading documents. Documents go out in batches of ``BATCH_SIZE``; at most two batches a
    process wait, so the caller's memory holds a bounded number of documents and results. A
    pool serves one round of :meth:`submit` and :meth:`finish` after another, its model loaded,
    until :meth:`close` (``kg watch`` keeps one for all its builds).
    """

    def __init__(self, model: str, workers: int, *, compiled: Path | None = None) -> None:
        self.model, self.workers = model, max(1, workers)
        self.compiled = compiled
        self.rules_here = self.workers < (os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None
        self._started: list[Future[None]] = []
        self._vocabulary = False  # whether this process has loaded what the rules use
        self._batch: list[tuple[int, Document]] = []
        self._pending: deque[tuple[list[tuple[int, Document]], bool, Future[list[Any]]]] = deque()

    def start(self, *, wait: bool = False) -> None:
        """Start the processes now (they load the model in the background); :meth:`submit`
        starts them otherwise. Nothing happens when they run already. With ``wait``, return
        once a process has loaded the model and taken work."""
        if self._executor is None:
            _check_model(self.model)
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_load,
                initargs=(self.model, self.compiled),
            )
            self._started = [self._executor.submit(_ready) for _ in range(self.workers)]
        if wait:
            for future in self._started:
                future.result()

    def submit(self, key: int, document: Document) -> list[tuple[int, Outcome]]:
        """Queue one document under ``key`` (its batch goes out once full); returns the
        ``(key, outcome)`` pairs ready now."""
        self.start()
        self._batch.append((key, document))
        if len(self._batch) >= BATCH_SIZE:
            self._send(self._batch)
            self._batch = []
            if self.rules_here and not self._vocabulary:
                # While the workers load the pipeline and extract the first batch whole: what
                # the rules of the next batches use.
                from kg.annotate import load_vocabulary
                from kg.gazetteer import load_gazetteer

                load_vocabulary(self.model, cache=self.compiled)
                load_gazetteer()
                self._vocabulary = True
        ready: list[tuple[int, Outcome]] = []
        while self._pending and (
            self._pending[0][2].done() or len(self._pending) > 2 * self.workers
        ):
            ready += self._take()
        return ready

    def finish(self) -> Iterator[tuple[int, Outcome]]:
        """The outcomes of every document still out, in order (the last batch is shared out
        among the processes)."""
        if self._batch:
            size = math.ceil(len(self._batch) / self.workers)
            for start in range(0, len(self._batch), size):
                self._send(self._batch[start : start + size])
            self._batch = []
        while self._pending:
            yield from self._take()

    def drop(self) -> None:
        """Forget the documents queued and the work not taken (a build that stopped half-way);
        the processes stay, their model loaded, for the next documents. A batch being
        extracted runs to its end, its results unread."""
        for _, _, future in self._pending:
            future.cancel()
        self._pending.clear()
        self._batch = []

    def close(self) -> None:
        """Stop the processes (work not taken is dropped). They exit on their own, freeing
        the model (about 0.7 s), while this process goes on."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self.drop()

    def _send(self, batch: list[tuple[int, Document]]) -> None:
        assert self._executor is not None
        rules_here = self.rules_here and self._vocabulary
        task = _annotate if rules_here else _extract
        try:
            future = self._executor.submit(task, [d for _, d in batch], self.model)
        except BrokenProcessPool as err:
            raise _stopped() from err
        self._pending.append((batch, rules_here, future))

    def _take(self) -> Iterator[tuple[int, Outcome]]:
        batch, rules_here, future = self._pending.popleft()
        try:
            done = future.result()
        except BrokenProcessPool as err:
            raise _stopped() from err
        if not rules_here:  # results: this process need not import spaCy
            yield from zip((key for key, _ in batch), done, strict=True)
            return
        from kg.parallel import extract_annotated

        for (key, document), item in zip(batch, done, strict=True):
            yield key, extract_annotated(document, item, self.model, self.compiled)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stopped() -> WorkerError:
    return WorkerError(
        "an extraction worker process stopped before returning its documents "
        "(killed, or out of memory: try fewer --workers)"
    )
