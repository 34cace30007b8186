"""The embedded Oxigraph store under ``out/store``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph

from kg.errors import StoreError


def open_store(path: Path) -> pyoxigraph.Store:
    """Open an existing store read-only (several readers may share it).

    Raises:
        StoreError: there is no store at ``path`` or it cannot be opened.
    """
    if not path.is_dir():
        raise StoreError(f"{path}: no store here (run `kg build` first)")
    try:
        return pyoxigraph.Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store ({err})") from err


def replace_store(path: Path, nquads: str) -> int:
    """Load N-Quads into a fresh store built beside ``path``, then swap it in.

    The previous store stays usable until the new one is complete. Returns the number of quads.
    """
    fresh = path.with_name(path.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    store = pyoxigraph.Store(str(fresh))
    store.bulk_load(nquads.encode("utf-8"), pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    count = len(store)
    del store
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    fresh.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return count
