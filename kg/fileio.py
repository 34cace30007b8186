"""Atomic output files: a build killed at any point leaves each file whole, old or new.

Every file a build writes goes through ``write_bytes``/``write_text``: the data is written to a
temporary file in the same folder (so the rename never crosses a file system), flushed to disk,
then renamed over the target with ``os.replace``, which POSIX makes atomic.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kg.errors import KgError


def temporary_path(path: Path) -> Path:
    """The temporary file ``write_bytes`` uses for ``path``: hidden, beside it, always the same
    name, so a killed write leaves no more than one stale file that the next write replaces.

    >>> temporary_path(Path("out/graph.ttl")).as_posix()
    'out/.graph.ttl.tmp'
    """
    return path.with_name(f".{path.name}.tmp")


def ensure_folder(path: Path) -> Path:
    """Create the output folder ``path`` if needed; returns it.

    Raises:
        KgError: it cannot be created (a file of that name exists, no permission…).
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KgError(f"{path}: cannot create the output folder ({err.strerror or err})") from err
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically (parent folders are created); returns ``path``.

    Raises:
        KgError: the file cannot be written (the previous one, if any, is left as it was).
    """
    ensure_folder(path.parent)
    tmp = temporary_path(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(err, OSError):
            raise KgError(f"{path}: cannot write ({err.strerror or err})") from err
        raise
    _sync_folder(path.parent)
    return path


def write_text(path: Path, text: str) -> Path:
    """Replace ``path`` with ``text`` in UTF-8 atomically; returns ``path``."""
    return write_bytes(path, text.encode("utf-8"))


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry so the rename itself survives a power cut (POSIX only)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(fd)
