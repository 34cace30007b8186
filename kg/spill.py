"""A temporary file of pickled objects: what a build has read or extracted waits there, not in
memory, until it is written out (memory stays flat as the corpus grows)."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path
from typing import Any


class Spill:
    """Objects appended to an anonymous temporary file and read back by their number."""

    def __init__(self, folder: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".kg-spill-")
        self._spans: list[tuple[int, int]] = []
        self._end = 0

    def put(self, item: Any) -> int:
        """Append ``item``; returns its number."""
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._spans.append((self._end, len(data)))
        self._end += len(data)
        return len(self._spans) - 1

    def get(self, number: int) -> Any:
        """The item of that number."""
        return pickle.loads(self.raw(number))

    def raw(self, number: int) -> bytes:
        """The item of that number, pickled."""
        start, size = self._spans[number]
        self._file.seek(start)
        return self._file.read(size)

    def __len__(self) -> int:
        return len(self._spans)

    def close(self) -> None:
        """Delete the file."""
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
