"""Running SPARQL for the endpoint: time and size limits, a process per read-only query."""

from __future__ import annotations

import io
import logging
import multiprocessing
import multiprocessing.context
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http import HTTPStatus
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.serve.errors import HttpError
from kg.serve.negotiate import negotiate_graph, negotiate_results
from kg.store import open_store, open_writable

log = logging.getLogger(__name__)
_WORKERS = 4


@dataclass(frozen=True, slots=True)
class Settings:
    """How the endpoint runs."""

    store: Path
    allow_update: bool = False
    timeout: float = 30.0
    """Seconds a query may run before the answer is a 503."""
    limit: int = 10_000
    """Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in an answer."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer body with its media type."""

    body: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class Request:
    """A query and how its answer is wanted."""

    text: str
    accept: str = "*/*"
    fmt: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


class _Worker:
    """A process answering queries one at a time from the store opened read-only."""

    def __init__(self, context: multiprocessing.context.BaseContext, path: Path, limit: int):
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_answer_queries, args=(str(path), limit, child_end), daemon=True
        )
        self.process.start()
        child_end.close()

    def ask(self, request: Request, timeout: float) -> tuple[int, bytes, str]:
        """Send a query and wait for (status, body, media type).

        Raises:
            TimeoutError: no answer within ``timeout`` seconds.
            EOFError: the process died.
        """
        self.connection.send(request)
        if not self.connection.poll(timeout):
            raise TimeoutError
        answer: tuple[int, bytes, str] = self.connection.recv()
        return answer

    def stop(self) -> None:
        """Kill the process (whatever it is doing) and close its pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _answer_queries(path: str, limit: int, connection: Connection) -> None:
    """A worker's loop: open the store read-only, then answer each request until the pipe
    closes."""
    try:
        store: ox.Store | str = open_store(Path(path))
    except (KgError, OSError) as err:
        store = str(err)
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if isinstance(store, str):
            connection.send((int(HTTPStatus.INTERNAL_SERVER_ERROR), store.encode(), "text/plain"))
            continue
        try:
            answer = evaluate(store, request, limit)
            connection.send((int(HTTPStatus.OK), answer.body, answer.media_type))
        except HttpError as err:
            connection.send((int(err.status), str(err).encode("utf-8"), "text/plain"))
        except OSError as err:
            message = str(err).encode("utf-8")
            connection.send((int(HTTPStatus.INTERNAL_SERVER_ERROR), message, "text/plain"))


class Endpoint:
    """The SPARQL operations behind the HTTP handler (usable without HTTP).

    Read-only, queries run in up to four worker processes (started from a forkserver that has
    pyoxigraph loaded), each with the store open read-only; a worker whose query passes the time
    limit is killed, so a runaway query cannot keep a core busy, and a new one takes its place.
    With updates allowed, the store is open for writing in this process (a second process could
    not read it safely), and queries run in threads, which the time limit answers but cannot stop
    inside one sort or aggregate.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = (
            open_writable(settings.store) if settings.allow_update else open_store(settings.store)
        )
        self._slots = threading.BoundedSemaphore(_WORKERS)
        self._pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sparql")
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("forkserver")
        if not settings.allow_update:
            self._context.set_forkserver_preload(["kg.serve.endpoint"])
            self._idle.put(self._start_worker())  # the first query need not wait for one

    def close(self) -> None:
        """Stop the worker processes (and their queries) and the worker threads."""
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def query(self, request: Request) -> Answer:
        """Run a query within the time and size limits and serialise the answer."""
        if not self._slots.acquire(timeout=self.settings.timeout):
            raise _timed_out(self.settings.timeout, busy=True)
        try:
            if self.settings.allow_update:
                return self._in_thread(request)
            return self._in_process(request)
        finally:
            self._slots.release()

    def _in_thread(self, request: Request) -> Answer:
        cancel = threading.Event()
        future = self._pool.submit(evaluate, self.store, request, self.settings.limit, cancel)
        try:
            return future.result(timeout=self.settings.timeout)
        except FutureTimeout as err:
            cancel.set()
            raise _timed_out(self.settings.timeout) from err

    def _start_worker(self) -> _Worker:
        worker = _Worker(self._context, self.settings.store, self.settings.limit)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()

    def _in_process(self, request: Request) -> Answer:
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = self._start_worker()
        try:
            status, body, media_type = worker.ask(request, self.settings.timeout)
        except TimeoutError as err:
            self._retire(worker)
            raise _timed_out(self.settings.timeout) from err
        except (EOFError, OSError) as err:
            self._retire(worker)
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, "the query process died") from err
        self._idle.put(worker)
        if status != HTTPStatus.OK:
            raise HttpError(HTTPStatus(status), body.decode("utf-8"))
        return Answer(body, media_type)

    def update(self, text: str) -> None:
        """Run a SPARQL update, or refuse it when the endpoint is read-only."""
        if not self.settings.allow_update:
            raise HttpError(
                HTTPStatus.FORBIDDEN,
                "this endpoint is read-only: start it with `kg serve --allow-update` to update",
            )
        try:
            self.store.update(text)
        except SyntaxError as err:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"invalid SPARQL update: {err}") from err


def _timed_out(seconds: float, *, busy: bool = False) -> HttpError:
    what = "every query slot is busy" if busy else "query timed out"
    return HttpError(
        HTTPStatus.SERVICE_UNAVAILABLE, f"{what} after {seconds:g} s (kg serve --timeout)"
    )


def evaluate(
    store: ox.Store, request: Request, limit: int, cancel: threading.Event | None = None
) -> Answer:
    """Answer a query from ``store`` in the negotiated format, refusing more than ``limit``
    rows or triples; ``cancel`` stops reading results."""

    def run() -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return store.query(
            request.text,
            use_default_graph_as_union=not request.default_graphs,
            default_graph=[ox.NamedNode(g) for g in request.default_graphs] or None,
            named_graphs=[ox.NamedNode(g) for g in request.named_graphs] or None,
        )

    try:
        results = run()
    except SyntaxError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"invalid SPARQL query: {err}") from err
    except ValueError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, str(err)) from err
    if isinstance(results, ox.QueryTriples):
        rdf_format = negotiate_graph(request.accept, request.fmt)
        triples = list(_bounded(results, limit, cancel))
        return Answer(ox.serialize(triples, format=rdf_format), rdf_format.media_type)
    results_format = negotiate_results(request.accept, request.fmt)
    if isinstance(results, ox.QuerySolutions):
        # Count within the limits first; serialise a second evaluation (pyoxigraph writes only
        # whole result iterators, and a cut answer would look complete).
        for _ in _bounded(results, limit, cancel):
            pass
        results = run()
    out = io.BytesIO()
    if not isinstance(results, ox.QueryTriples):
        results.serialize(out, format=results_format)
    return Answer(out.getvalue(), results_format.media_type)


def _bounded(
    items: Iterator[object], limit: int, cancel: threading.Event | None
) -> Iterator[object]:
    for count, item in enumerate(items, start=1):
        if cancel is not None and cancel.is_set():
            return
        if count > limit:
            raise HttpError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the answer has more than {limit} rows: add a LIMIT or start kg serve with a "
                "larger --limit",
            )
        yield item
