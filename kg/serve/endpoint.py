"""Running SPARQL for the endpoint: time and size limits, a process per read-only query."""

from __future__ import annotations

import io
import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.process
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


class Endpoint:
    """The SPARQL operations behind the HTTP handler (usable without HTTP).

    Read-only, each query runs in its own process (forked from a forkserver that has pyoxigraph
    loaded) that reads the store and is killed when the time limit passes, so a runaway query
    cannot keep a core busy. With updates allowed, the store is open for writing in this process
    (a second process could not read it safely), and queries run in threads, which the time limit
    answers but cannot stop inside one sort or aggregate.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = (
            open_writable(settings.store) if settings.allow_update else open_store(settings.store)
        )
        self._slots = threading.BoundedSemaphore(_WORKERS)
        self._pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sparql")
        self._children: set[multiprocessing.process.BaseProcess] = set()
        self._context = multiprocessing.get_context("forkserver")
        if not settings.allow_update:
            self._context.set_forkserver_preload(["kg.serve.endpoint"])
            multiprocessing.forkserver.ensure_running()  # the first query need not wait for it

    def close(self) -> None:
        """Stop the running queries and the worker threads."""
        for child in list(self._children):
            child.kill()
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

    def _in_process(self, request: Request) -> Answer:
        receive, send = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_child,
            args=(str(self.settings.store), request, self.settings.limit, send),
            daemon=True,
        )
        self._children.add(child)
        try:
            child.start()
            send.close()
            if not receive.poll(self.settings.timeout):
                raise _timed_out(self.settings.timeout)
            status, body, media_type = receive.recv()
        except EOFError as err:
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, "the query process died") from err
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receive.close()
            self._children.discard(child)
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


def _child(path: str, request: Request, limit: int, send: Connection) -> None:
    """A query process: open the store read-only, answer, send (status, body, media type)."""
    try:
        answer = evaluate(open_store(Path(path)), request, limit)
        send.send((int(HTTPStatus.OK), answer.body, answer.media_type))
    except HttpError as err:
        send.send((int(err.status), str(err).encode("utf-8"), "text/plain"))
    except (KgError, OSError) as err:
        send.send((int(HTTPStatus.INTERNAL_SERVER_ERROR), str(err).encode("utf-8"), "text/plain"))
    finally:
        send.close()


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
