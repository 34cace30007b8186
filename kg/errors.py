"""The few exception types the library raises; the CLI turns them into one line and an exit code."""

from __future__ import annotations


class KgError(Exception):
    """Base class of the errors a user can fix."""


class InputError(KgError):
    """An input file or folder cannot be read."""


class QueryError(KgError):
    """A SPARQL query is missing, malformed or failed."""


class StoreError(KgError):
    """The store cannot be opened or written."""


class OntologyError(KgError):
    """The ontology or reference data is broken."""
