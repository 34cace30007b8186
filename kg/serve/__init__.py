"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the embedded store (standard library HTTP).

- ``GET /sparql?query=…`` and ``POST /sparql`` (``application/x-www-form-urlencoded`` with
  ``query=…``, or ``application/sparql-query``); ``default-graph-uri`` and ``named-graph-uri`` are
  honoured; without them the default graph is the union of the named graphs, as in ``kg query``.
- Results by content negotiation (``Accept``, or a ``format``/``output`` parameter): SPARQL JSON,
  XML, CSV or TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT and
  DESCRIBE (:mod:`kg.serve.negotiate`).
- Updates (``update=…`` or ``application/sparql-update``) are refused with 403 unless the server
  was started with ``allow_update``.
- Each query has a time limit (503 when exceeded; a read-only endpoint kills the worker process)
  and a result-size limit in rows or triples (413 when exceeded: a cut answer would look
  complete) (:mod:`kg.serve.endpoint`).
- ``/`` is a small page with a query box and the shipped queries (:mod:`kg.serve.page`);
  ``/graph.html`` is the network view written next to the store, when there is one
  (:mod:`kg.serve.server`).
"""

from __future__ import annotations

from kg.serve.endpoint import Answer, Endpoint, HttpError, Request, Settings, evaluate
from kg.serve.server import Handler, Server, make_server

__all__ = [
    "Answer",
    "Endpoint",
    "Handler",
    "HttpError",
    "Request",
    "Server",
    "Settings",
    "evaluate",
    "make_server",
]
