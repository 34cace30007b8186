"""``kg watch``: build the graph, then build it again each time the inputs change, with the model
kept loaded from one build to the next.

A ``kg build`` run after one document of 2,000 changed spends about 2 s of its 4.5 s starting a
worker process and loading the model into it. Here the worker processes (a ``WorkerPool``)
start once, when the watch starts, and serve every build; each build is otherwise a plain
``kg build`` (the cache, the store's document-by-document update, the same outputs).

Changes are the operating system's file events (``watchfiles``), gathered until the inputs
have been quiet for ``debounce`` seconds (or for ``LONGEST_WAIT`` while they keep changing), so
that copying a folder of articles makes one build, not one per file. Events that arrive during
a build make the next one. Only files a build
reads count (the supported suffixes or ``--glob``, no hidden entries, nothing under the output
folder). A file deleted takes its documents out of the store, as ``kg remove`` would: the graph
follows the folder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, watch as file_events

from kg.build import Progress, Summary, build
from kg.compiled import machine_folder
from kg.errors import KgError
from kg.ingest import STDIN, ReadOptions, is_hidden, is_input
from kg.model import DEFAULT_MODEL
from kg.pool import WorkerError, WorkerPool
from kg.store import read_from, remove_documents

POLL_MS = 200
"""How long the watch waits for a first change before it looks again (milliseconds)."""
LONGEST_WAIT = 10.0
"""Seconds after a first change by which a build starts, even while the inputs keep changing."""


class WatchError(KgError):
    """The inputs cannot be watched."""


@dataclass(frozen=True, slots=True)
class Round:
    """One build of a watch: what set it off and how it went."""

    number: int
    """1 for the build at the start, then 2, 3…"""
    changed: tuple[str, ...]
    """The input files added, changed or deleted since the previous build (none for the first)."""
    removed: tuple[str, ...]
    """Documents taken out of the store because their file was deleted (source paths)."""
    summary: Summary | None
    """What the build did; None when it failed."""
    error: KgError | None
    """Why the build failed; the watch goes on, and the previous outputs stay whole."""
    seconds: float


class _Inputs:
    """Which file events concern the build (a ``watch_filter`` for watchfiles): files a build
    of ``targets`` reads, outside ``out``."""

    def __init__(self, targets: Sequence[Path], out: Path, glob: str | None) -> None:
        self.folders = [t for t in targets if t.is_dir()]
        self.files = {t for t in targets if not t.is_dir()}
        self.out, self.glob = out, glob

    def __call__(self, change: Change, path: str) -> bool:
        file = Path(path)
        if file in self.files:
            return True
        if file.is_relative_to(self.out):
            return False
        # A folder added counts: the files copied into it before the watcher watches it give
        # no event of their own, and the build it sets off reads them all the same.
        added_folder = change == Change.added and file.is_dir()
        return any(
            file.is_relative_to(folder)
            and file != folder
            and (
                is_input(file, folder, self.glob) or (added_folder and not is_hidden(file, folder))
            )
            for folder in self.folders
        )


def _targets(paths: Sequence[Path]) -> list[Path]:
    """The inputs as absolute paths, each one there to be watched."""
    found = []
    for path in paths:
        if path == STDIN:
            raise WatchError("-: standard input cannot be watched (name files or folders)")
        if not path.exists():
            raise WatchError(f"{path}: no such file or folder to watch")
        found.append(path.resolve())
    return found


def watch(
    paths: Sequence[Path],
    *,
    out: Path,
    model: str = DEFAULT_MODEL,
    html: bool = True,
    options: ReadOptions | None = None,
    workers: int = 1,
    debounce: float = 0.5,
    report: Callable[[Round], None] = lambda _: None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Build ``paths`` into ``out``, then again after each change of the inputs, until ``stop``
    is set (or the user presses Ctrl-C: ``KeyboardInterrupt``). Returns the number of builds.

    ``report`` is called after each build. ``workers`` processes (started at once) keep the
    model loaded for every build; with 0, the model loads in this process at the first
    document to extract and stays. A build that fails is reported and the watch goes on
    (worker processes that died are started again).

    Raises:
        WatchError: an input is standard input or does not exist.
    """
    targets = _targets(paths)
    options = options or ReadOptions()
    accept = _Inputs(targets, out.resolve(), options.glob)
    pool = WorkerPool(model, workers, compiled=machine_folder()) if workers > 0 else None
    rounds = 0
    try:
        if pool is not None:
            pool.start()
        # The first batch of events comes after POLL_MS: from then on, the watcher records
        # every change, those made during the first build included.
        for changes in file_events(
            *targets,
            watch_filter=accept,
            # watchfiles yields once no change came for ``step`` ms, or ``debounce`` ms after the
            # first change at the latest.
            step=max(1, round(debounce * 1000)),
            debounce=round(max(debounce, LONGEST_WAIT) * 1000),
            rust_timeout=POLL_MS,
            yield_on_timeout=True,
            stop_event=stop,
        ):
            if rounds and not changes:
                continue
            rounds += 1
            started = time.perf_counter()
            changed = tuple(sorted({path for _, path in changes}))
            removed: tuple[str, ...] = ()
            summary: Summary | None = None
            error: KgError | None = None
            try:
                removed = _remove_deleted(out / "store", changes)
                summary = build(
                    paths, out=out, model=model, html=html, options=options,
                    progress=progress, workers=workers, pool=pool,
                )  # fmt: skip
            except WorkerError as err:
                error = err
                if pool is not None:  # the next build starts new processes
                    pool.close()
                    pool.start()
            except KgError as err:
                error = err
            report(Round(rounds, changed, removed, summary, error, time.perf_counter() - started))
    finally:
        if pool is not None:
            pool.close()
    return rounds


def _remove_deleted(store: Path, changes: set[tuple[Change, str]]) -> tuple[str, ...]:
    """Take the documents of the files deleted (and still gone) out of the store."""
    gone = [path for kind, path in changes if kind == Change.deleted and not Path(path).exists()]
    if not gone or not store.is_dir():
        return ()
    names = read_from(store, gone)
    if names:
        remove_documents(store, names)
    return tuple(names)
