"""Score a built graph against the hand-made gold annotations (format and rules: DESIGN.md).

Entities and relations are matched per document, one to one, and summed (micro averages).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from rdflib import Dataset, Graph
from rdflib.namespace import ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.gold import (
    DIRECT_MODALITIES,
    ENTITY_TYPES,
    SYMMETRIC,
    VOTE_PROPERTIES,
    GoldDoc,
    GoldEntity,
    GoldRelation,
    load_gold,
    normalize_label,
)
from kg.vocab import KG

_SPO = (RDF.subject, RDF.predicate, RDF.object)
_T = TypeVar("_T")
_U = TypeVar("_U")


class _Edge(NamedTuple):
    s: Node
    p: str
    o: Node  # the organisation of the post, for holdsPost


class _GraphView:
    """Read-only look-ups over the union of every graph of a dataset."""

    def __init__(self, graph: Dataset | Graph) -> None:
        if isinstance(graph, Dataset):
            union = Graph()
            for s, p, o, _ in graph.quads((None, None, None, None)):
                union.add((s, p, o))
            graph = union
        self.g = graph
        self._keys: dict[Node, frozenset[str]] = {}

    def type_of(self, node: Node) -> str | None:
        types = set(self.g.objects(node, RDF.type))
        return next((name for name, iri in ENTITY_TYPES.items() if iri in types), None)

    def keys(self, node: Node) -> frozenset[str]:
        if node not in self._keys:
            labels = [*self.g.objects(node, RDFS.label), *self.g.objects(node, SKOS.altLabel)]
            self._keys[node] = frozenset(normalize_label(str(label)) for label in labels)
        return self._keys[node]

    def display(self, node: Node) -> str:
        alt = min(self.g.objects(node, SKOS.altLabel), default=None)
        label = self.g.value(node, RDFS.label) or alt
        return f"{label or _local(node)} ({self.type_of(node) or 'untyped'})"

    def document(self, name: str) -> Node | None:
        for node in sorted(self.g.subjects(RDF.type, KG.Document), key=str):
            paths = self.g.objects(node, KG.sourcePath)
            if any(str(path).replace("\\", "/").rsplit("/", 1)[-1] == name for path in paths):
                return node
        return None

    def mentions(self, document: Node) -> list[Node]:
        nodes = {n for n in self.g.objects(document, KG.mentions) if self.type_of(n)}
        return sorted(nodes, key=str)

    def relations(self, document: Node) -> list[_Edge]:
        found: set[_Edge] = set()
        for evidence in self.g.subjects(KG.document, document):
            for statement in self.g.subjects(KG.evidence, evidence):
                if not DIRECT_MODALITIES & set(self.g.objects(statement, KG.modality)):
                    continue
                s, p, o = (self.g.value(statement, t) for t in _SPO)
                if s is not None and p is not None and o is not None and (s, p, o) in self.g:
                    found.add(self._edge(s, _local(p), o))
        return sorted(found, key=lambda r: (r.p, str(r.s), str(r.o)))

    def _edge(self, s: Node, p: str, o: Node) -> _Edge:
        if p == "holdsPost":
            o = self.g.value(o, ORG.postIn) or o
        if p in SYMMETRIC and str(o) < str(s):
            s, o = o, s
        return _Edge(s, p, o)


def _local(term: Node) -> str:
    return re.split(r"[#/]", str(term))[-1]


def _match(
    left: Sequence[_T], right: Sequence[_U], fits: Callable[[_T, _U], bool]
) -> dict[int, int]:
    """A maximum one-to-one matching (Kuhn's augmenting paths): left index -> right index."""
    options = [[j for j, b in enumerate(right) if fits(a, b)] for a in left]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(left)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _fits(view: _GraphView, node: Node, entity: GoldEntity, *, end: bool = False) -> bool:
    """Whether a node is the entity; as a relation end, any Resolution node is any resolution."""
    if view.type_of(node) != entity.type:
        return False
    return (end and entity.type == "Resolution") or bool(view.keys(node) & entity.keys)


def _relation_fits(view: _GraphView, gold: GoldDoc, rel: GoldRelation, edge: _Edge) -> bool:
    if rel.p != edge.p:
        return False
    s, o = gold.entity(rel.s), gold.entity(rel.o)
    ends = [(s, o), (o, s)] if rel.p in SYMMETRIC else [(s, o)]
    return any(
        _fits(view, edge.s, a, end=True) and _fits(view, edge.o, b, end=True) for a, b in ends
    )


@dataclass(frozen=True, slots=True)
class Score:
    """True positives, false positives and false negatives, with the derived measures."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 0 when nothing was found."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 0 when there is nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True, slots=True)
class VoteIssue:
    """A stated tally that the matched resolution node lacks (``found is None``) or contradicts."""

    resolution: str
    kind: str
    expected: int
    found: int | None

    def __str__(self) -> str:
        return f"{self.resolution} {self.kind}: expected {self.expected}, found {self.found}"


@dataclass(frozen=True, slots=True)
class DocReport:
    """Scores and readable differences for one gold document."""

    doc: str
    found: bool
    entities: Mapping[str, Score]
    relations: Mapping[str, Score]
    missed_entities: tuple[str, ...] = ()
    false_entities: tuple[str, ...] = ()
    missed_relations: tuple[str, ...] = ()
    false_relations: tuple[str, ...] = ()
    violations: tuple[str, ...] = ()
    vote_issues: tuple[VoteIssue, ...] = ()
    votes_checked: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    """The evaluation of a graph against a set of gold documents."""

    documents: tuple[DocReport, ...]

    @property
    def entities_by_type(self) -> dict[str, Score]:
        """Scores per entity type, summed over documents."""
        return _sum_scores(doc.entities for doc in self.documents)

    @property
    def relations_by_predicate(self) -> dict[str, Score]:
        """Scores per predicate local name, summed over documents."""
        return _sum_scores(doc.relations for doc in self.documents)

    @property
    def entities(self) -> Score:
        """Micro total over entities."""
        return sum(self.entities_by_type.values(), Score())

    @property
    def relations(self) -> Score:
        """Micro total over relations."""
        return sum(self.relations_by_predicate.values(), Score())

    @property
    def violations(self) -> tuple[str, ...]:
        """Every negative found as a direct edge, prefixed by its document."""
        return tuple(f"{doc.doc}: {v}" for doc in self.documents for v in doc.violations)

    def to_text(self) -> str:
        """Plain-text tables followed by the per-document differences."""
        lines = _table("entity type", self.entities_by_type, self.entities)
        lines += ["", *_table("relation", self.relations_by_predicate, self.relations)]
        checked = sum(doc.votes_checked for doc in self.documents)
        wrong = sum(len(doc.vote_issues) for doc in self.documents)
        lines += ["", f"vote counts right: {checked - wrong}/{checked}"]
        lines += [f"negative violations: {len(self.violations)}"]
        for doc in self.documents:
            lines += ["", *_doc_lines(doc)]
        return "\n".join(lines) + "\n"


def score(graph: Dataset | Graph, gold: list[GoldDoc]) -> Report:
    """Compare a built graph with gold documents.

    Args:
        graph: the built dataset (catalogue and document graphs), or one merged graph.
        gold: the annotations, from :func:`load_gold`.
    """
    view = _GraphView(graph)
    return Report(tuple(_score_doc(view, doc) for doc in gold))


class _Part(NamedTuple):
    scores: dict[str, Score]
    missed: tuple[str, ...]
    false: tuple[str, ...]


def _score_doc(view: _GraphView, gold: GoldDoc) -> DocReport:
    document = view.document(gold.doc)
    nodes = view.mentions(document) if document is not None else []
    edges = view.relations(document) if document is not None else []
    node_pairs = _match(gold.entities, nodes, lambda e, n: _fits(view, n, e))
    edge_pairs = _match(gold.relations, edges, lambda r, e: _relation_fits(view, gold, r, e))
    ents = _part(
        node_pairs,
        [(e.type, _show_entity(e)) for e in gold.entities],
        [(view.type_of(n) or "?", view.display(n)) for n in nodes],
    )
    rels = _part(
        edge_pairs,
        [(r.p, _show_relation(gold, r)) for r in gold.relations],
        [(e.p, _show_edge(view, e)) for e in edges],
    )
    resolutions = {gold.entities[i].id: nodes[j] for i, j in node_pairs.items()}
    for i, j in edge_pairs.items():
        resolutions.setdefault(gold.relations[i].o, edges[j].o)
    return DocReport(
        gold.doc,
        document is not None,
        ents.scores,
        rels.scores,
        missed_entities=ents.missed,
        false_entities=ents.false,
        missed_relations=rels.missed,
        false_relations=rels.false,
        violations=_violations(view, gold, edges),
        vote_issues=_check_votes(view, gold, resolutions),
        votes_checked=len(gold.vote_counts),
    )


def _part(
    matching: Mapping[int, int], gold: Sequence[tuple[str, str]], found: Sequence[tuple[str, str]]
) -> _Part:
    """Scores per kind and readable misses and false positives; items are (kind, text)."""
    used = set(matching.values())
    counts: dict[str, list[int]] = {}
    for i, (kind, _) in enumerate(gold):
        counts.setdefault(kind, [0, 0, 0])[0 if i in matching else 2] += 1
    for j, (kind, _) in enumerate(found):
        if j not in used:
            counts.setdefault(kind, [0, 0, 0])[1] += 1
    scores = {kind: Score(*c) for kind, c in sorted(counts.items())}
    missed = tuple(text for i, (_, text) in enumerate(gold) if i not in matching)
    return _Part(scores, missed, tuple(text for j, (_, text) in enumerate(found) if j not in used))


def _violations(view: _GraphView, gold: GoldDoc, edges: Sequence[_Edge]) -> tuple[str, ...]:
    return tuple(
        f"{_show_relation(gold, negative)}, found as {_show_edge(view, edge)}"
        for negative in gold.negatives
        for edge in edges
        if _relation_fits(view, gold, negative, edge)
    )


def _check_votes(
    view: _GraphView, gold: GoldDoc, resolutions: Mapping[str, Node]
) -> tuple[VoteIssue, ...]:
    issues = []
    for count in gold.vote_counts:
        node = resolutions.get(count.resolution)
        value = None if node is None else view.g.value(node, VOTE_PROPERTIES[count.kind])
        try:
            found = None if value is None else int(value)  # Literals are str: "141" or "5"
        except ValueError:
            found = None
        if found != count.value:
            issues.append(VoteIssue(count.resolution, count.kind, count.value, found))
    return tuple(issues)


def _sum_scores(parts: Iterable[Mapping[str, Score]]) -> dict[str, Score]:
    total: dict[str, Score] = {}
    for part in parts:
        for kind, value in part.items():
            total[kind] = total.get(kind, Score()) + value
    return dict(sorted(total.items()))


def _show_entity(entity: GoldEntity) -> str:
    return f"{entity.id} ({entity.type}: {' | '.join(entity.labels)})"


def _show_relation(gold: GoldDoc, rel: GoldRelation) -> str:
    s, o = gold.entity(rel.s), gold.entity(rel.o)
    role = f" [{rel.role}]" if rel.role else ""
    return f"{rel.s} {rel.p} {rel.o}{role} ({s.labels[0]} -> {o.labels[0]})"


def _show_edge(view: _GraphView, edge: _Edge) -> str:
    return f"{view.display(edge.s)} {edge.p} {view.display(edge.o)}"


def _table(title: str, rows: Mapping[str, Score], total: Score) -> list[str]:
    def row(name: str, s: Score) -> str:
        measures = f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
        return f"{name:<16}{s.tp:>5}{s.fp:>5}{s.fn:>5}{measures}"

    head = f"{title:<16}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"
    rule = "-" * len(head)
    return [head, rule, *(row(name, s) for name, s in rows.items()), rule, row("micro", total)]


def _doc_lines(doc: DocReport) -> list[str]:
    lines = [f"== {doc.doc}" + ("" if doc.found else " (document not in the graph)")]
    sections = (
        ("missed entities", doc.missed_entities),
        ("false entities", doc.false_entities),
        ("missed relations", doc.missed_relations),
        ("false relations", doc.false_relations),
        ("negative violations", doc.violations),
        ("vote counts", tuple(str(issue) for issue in doc.vote_issues)),
    )
    for name, items in sections:
        if items:
            lines += [f"  {name} ({len(items)}):", *(f"    - {item}" for item in items)]
    return lines


__all__ = ["Report", "load_gold", "score"]
