"""The gold annotation format (DESIGN.md): loading, checking, label normalisation."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib.term import URIRef

from kg.errors import InputError
from kg.vocab import KG

ENTITY_TYPES: Mapping[str, URIRef] = {
    name: getattr(KG, name) for name in ("State", "Person", "Body", "Place", "Resolution")
}
PREDICATES = frozenset(
    "votedFor votedAgainst abstainedOn negotiatedWith met visited holdsPost condemned demanded "
    "accused supported drafted vetoed withdrew attacked hosted".split()
)
SYMMETRIC = frozenset({"negotiatedWith", "met"})
DIRECT_MODALITIES = frozenset({KG.asserted, KG.planned})
VOTE_PROPERTIES = {"for": KG.votesFor, "against": KG.votesAgainst, "abstain": KG.abstentions}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_HYPHENS = re.compile(r"[-‐‑‒–—―]+")
_ARTICLE = re.compile(r"(?:(?:le|la|les|un|une|des|du|de)\s+|[ld]'\s*)")


def normalize_label(text: str) -> str:
    """Fold a label for comparison: case, accents, leading articles, hyphens, apostrophes.

    >>> normalize_label("L’Assemblée  Générale")
    'assemblee generale'
    >>> normalize_label("Thomas-Greenfield") == normalize_label("thomas greenfield")
    True
    """
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = " ".join(_HYPHENS.sub(" ", text).replace("«", " ").replace("»", " ").split())
    text = text.strip("\"' ")
    while (article := _ARTICLE.match(text)) and article.end() < len(text):
        text = text[article.end() :]
    return text


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """An entity of one gold document: its local id, type and surface forms."""

    id: str
    type: str
    labels: tuple[str, ...]

    @property
    def keys(self) -> frozenset[str]:
        """The normalised labels."""
        return frozenset(normalize_label(label) for label in self.labels)


@dataclass(frozen=True, slots=True)
class GoldRelation:
    """A relation (or a negative) between two entities of the same gold document."""

    s: str
    p: str
    o: str
    evidence: str
    modality: str = "asserted"
    role: str | None = None


@dataclass(frozen=True, slots=True)
class GoldVoteCount:
    """One tally the document states, e.g. ``("res1", "for", 141)``."""

    resolution: str
    kind: str
    value: int


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """The gold annotation of one document."""

    doc: str
    date: str | None
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]
    negatives: tuple[GoldRelation, ...] = ()
    vote_counts: tuple[GoldVoteCount, ...] = ()
    notes: str = ""

    def entity(self, entity_id: str) -> GoldEntity:
        """The entity with this id (raises ``KeyError`` if absent)."""
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)


def load_gold(path: Path) -> list[GoldDoc]:
    """Read one gold JSON file, or every ``*.json`` of a folder (sorted by name).

    Raises:
        InputError: the path is missing or a file does not follow the gold format.
    """
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not path.exists() or not files:
        raise InputError(f"no gold annotations at {path}: give a .json file or a folder of them")
    docs = []
    for file in files:
        try:
            docs.append(_parse_gold(json.loads(file.read_text(encoding="utf-8"))))
        except (ValueError, KeyError, TypeError) as err:
            message = f"{file}: not a valid gold annotation ({err!r}); see DESIGN.md"
            raise InputError(message) from err
    return docs


def _parse_gold(data: Mapping[str, Any]) -> GoldDoc:
    entities = tuple(GoldEntity(e["id"], e["type"], tuple(e["labels"])) for e in data["entities"])
    relations, negatives = (
        tuple(_parse_relation(r) for r in data.get(key, ())) for key in ("relations", "negatives")
    )
    counts = tuple(
        GoldVoteCount(res, kind, int(value))
        for res, tally in sorted(data.get("vote_counts", {}).items())
        for kind, value in sorted(tally.items())
    )
    gold = GoldDoc(
        data["doc"], data.get("date"), entities, relations, negatives, counts, data.get("notes", "")
    )
    _check_gold(gold)
    return gold


def _parse_relation(d: Mapping[str, Any]) -> GoldRelation:
    modality = d.get("modality", "asserted")
    return GoldRelation(d["s"], d["p"], d["o"], d["evidence"], modality, d.get("role"))


def _check_gold(gold: GoldDoc) -> None:
    ids = [e.id for e in gold.entities]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate entity id")
    if bad := [e.type for e in gold.entities if e.type not in ENTITY_TYPES]:
        raise ValueError(f"unknown entity type {bad[0]}")
    for rel in gold.relations + gold.negatives:
        if rel.p not in PREDICATES:
            raise ValueError(f"unknown predicate {rel.p}")
        if rel.s not in ids or rel.o not in ids:
            raise ValueError(f"relation end not among the entities: {rel.s} {rel.p} {rel.o}")
    for count in gold.vote_counts:
        if count.kind not in VOTE_PROPERTIES or count.resolution not in ids:
            raise ValueError(f"bad vote count {count}")
