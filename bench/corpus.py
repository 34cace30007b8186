"""A benchmark corpus of ``n`` documents made from the seed and development articles.

Document ``k`` keeps the opening paragraph of article ``k mod S`` (its title and lead) followed by
paragraphs drawn, by a generator seeded with ``k``, from all the articles, as many as an article
has on average, and ends with its own numbered reference line ("Réf. dépêche 000042."). Every
document has different content (a different hash and IRI: no cache can skip it) made of real
article sentences, and two documents share few paragraphs, as in a year of news: copies of whole
articles would all be near-duplicates of each other, which real corpora are not.

    .venv/bin/python bench/corpus.py OUT_DIR [--docs 2000]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "seeds", ROOT / "dev" / "texts")
LONG = 600
META = re.compile(r"\A\s*(date|url)\s*:?\s+\S+\s*\Z")


def source_texts() -> list[tuple[str, str]]:
    """(name, text) of every seed and development article, in a stable order."""
    return [
        (path.stem, path.read_text(encoding="utf-8"))
        for folder in SOURCES
        for path in sorted(folder.glob("*.txt"))
    ]


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs (blocks between blank lines) of an article, its metadata line
    (`` date 2022-03``) left out.

    >>> paragraphs(" date 2022-03\\nTitre\\n\\nUn.\\n\\n\\nDeux.\\n")
    ['Titre', 'Un.', 'Deux.']
    """
    blocks = [b.strip() for b in text.split("\n\n")]
    out = []
    for block in blocks:
        lines = [x for x in block.splitlines() if not META.match(x)]
        if lines:
            out.append("\n".join(lines).strip())
    return [piece for block in out if block for piece in _split(block)]


def _split(block: str, size: int = LONG) -> list[str]:
    """A block longer than ``size`` characters cut after sentences into pieces of about that
    size (one seed article is a single block)."""
    if len(block) <= size:
        return [block]
    pieces, current = [], ""
    for sentence in re.split(r"(?<=[.!?»])\s+", block):
        current = f"{current} {sentence}".strip()
        if len(current) >= size // 2:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def mixed_copy(sources: list[list[str]], number: int) -> str:
    """Document ``number``: the first paragraph of one article, then paragraphs drawn from all
    of them (see the module's docstring)."""
    rng = random.Random(number)
    own = sources[number % len(sources)]
    pool = [p for article in sources for p in article[1:]]
    count = max(1, round(sum(len(a) for a in sources) / len(sources)) - 1)
    return "\n\n".join([own[0], *rng.sample(pool, min(count, len(pool)))]) + "\n"


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
    named = source_texts()
    sources = [paragraphs(text) for _, text in named]
    paths = []
    for number in range(docs):
        name = named[number % len(named)][0]
        path = out / f"{number:06d}_{name}.txt"
        path.write_text(unique_copy(mixed_copy(sources, number), number), encoding="utf-8")
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
