"""Extraction rules: from a spaCy ``Doc`` to mentions, facts and resolutions.

``extract_document`` (in :mod:`kg.extract.document`) is imported on first use, so that modules
that need only a light helper of this package (``kg.extract.noise``, ``kg.extract.dates``) do not
import spaCy: a build whose documents are all cached never loads it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract_document", "local_resolution_key", "post_key"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kg.extract import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
