"""A benchmark corpus: the seed and development articles, copied until there are ``n`` documents.

Each copy ends with its own numbered reference line ("Réf. dépêche 000042."), so every document
has different content (a different hash and document IRI) and no cache can skip it, while the
extraction sees the same article text.

    .venv/bin/python bench/corpus.py OUT_DIR [--docs 2000]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "seeds", ROOT / "dev" / "texts")


def source_texts() -> list[tuple[str, str]]:
    """(name, text) of every seed and development article, in a stable order."""
    return [
        (path.stem, path.read_text(encoding="utf-8"))
        for folder in SOURCES
        for path in sorted(folder.glob("*.txt"))
    ]


def unique_copy(text: str, number: int) -> str:
    """``text`` with a numbered reference line of its own at the end.

    >>> unique_copy("Texte.\\n", 7)
    'Texte.\\n\\nRéf. dépêche 000007.\\n'
    """
    return f"{text.rstrip()}\n\nRéf. dépêche {number:06d}.\n"


def write_corpus(out: Path, docs: int) -> list[Path]:
    """Write ``docs`` unique documents into ``out`` (emptied first); returns their paths."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    sources = source_texts()
    paths = []
    for number in range(docs):
        name, text = sources[number % len(sources)]
        path = out / f"{number:06d}_{name}.txt"
        path.write_text(unique_copy(text, number), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.docs)
    print(f"{len(paths)} documents in {args.out}")


if __name__ == "__main__":
    main()
