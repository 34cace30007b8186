"""Baseline for the build benchmark: the same model over the same texts with bare ``nlp.pipe``.

Usage: ``python bench/raw_pipe.py DIR`` (prints documents and words processed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy


def main() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.txt"))]
    nlp = spacy.load("fr_core_news_md")
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
    print(f"{len(texts)} documents, {words} tokens")


if __name__ == "__main__":
    main()
