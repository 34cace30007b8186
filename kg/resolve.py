"""Entities across documents: one node per real entity whatever the spelling.

People: a lone surname joins the one full name that ends with it; spelling variants
(Medinski/Medinsky, Zelensky/Zelenskiy) join when first and last names are close. Resolutions:
the same body's text on the same day, or with the same quoted operative text, is one node.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from rapidfuzz import fuzz, process

from kg.gazetteer import Gazetteer, fold
from kg.model import DocResult, EntityType, Fact, Post, ResolutionInfo

_V = TypeVar("_V")
_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()


@dataclass(slots=True)
class Entity:
    """A catalogue entry: the canonical view of one entity across the corpus."""

    key: str
    type: EntityType
    label: str
    aliases: set[str] = field(default_factory=set)
    resolution: ResolutionInfo | None = None


@dataclass(slots=True)
class Catalogue:
    """The entities and posts of the corpus, by key."""

    entities: dict[str, Entity] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_TRANSLIT = (
    ("ou", "u"),
    ("kh", "h"),
    ("y", "i"),
    ("w", "v"),
    ("ph", "f"),
    ("ck", "k"),
    ("ts", "c"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("j", "i"),
)


def translit(name: str) -> str:
    """A name folded across transliterations: "Kyslytsya" and "Kislitsa" come close.

    >>> translit("Kyslytsya"), translit("Kislitsa")
    ('kislicia', 'kislica')
    """
    text = fold(name)
    for old, new in _TRANSLIT:
        text = text.replace(old, new)
    return "".join(c for i, c in enumerate(text) if i == 0 or c != text[i - 1])


def _same_person(a: str, b: str) -> bool:
    """Two full names of one person spelled differently ("Sergiy"/"Serguiï Kyslytsya",
    "Kislitsa"); different first names keep namesakes apart ("Joe"/"Hunter Biden")."""
    wa, wb = [translit(w) for w in a.split()], [translit(w) for w in b.split()]
    if len(wa) < 2 or len(wb) < 2:
        return False
    return (
        fuzz.ratio(wa[-1], wb[-1]) >= 80 and fuzz.ratio(" ".join(wa[:-1]), " ".join(wb[:-1])) >= 60
    )


def _person_merges(names: Counter[str], union: _Union, label_of: dict[str, str]) -> None:
    full = sorted(k for k in names if len(label_of[k].split()) >= 2)
    for i, a in enumerate(full):
        for b in full[i + 1 :]:
            if _same_person(label_of[a], label_of[b]):
                union.join(a, b)
    for key in sorted(k for k in names if len(label_of[k].split()) == 1):
        last = fold(label_of[key])
        owners = {union.find(f) for f in full if fold(label_of[f]).split()[-1] == last}
        owners |= {
            union.find(f) for f in full if fuzz.ratio(fold(label_of[f]).split()[-1], last) >= 85
        }
        if len(owners) == 1:
            union.join(owners.pop(), key)


def _resolution_merges(infos: list[ResolutionInfo], union: _Union) -> None:
    """Join resolutions of the same kind (draft or not) adopted the same day, or quoted with
    nearly the same text (rapidfuzz ratio >= 90).

    "The same day": the same month and day, with the same full date or with an undated year
    (``--MM-DD``) on one side. Infos are grouped by month and day, and quotes compared once per
    distinct text, so the work grows with the corpus, not with its square.
    """
    for draft in (False, True):
        group = [i for i in infos if (i.status == "draft") == draft]
        days: dict[str, list[ResolutionInfo]] = defaultdict(list)
        for info in group:
            if info.date:
                days[info.date[-5:]].append(info)
        for bucket in days.values():
            if any((i.date or "").startswith("--") for i in bucket):
                # an undated year matches every other date of that day: all are joined
                for info in bucket[1:]:
                    union.join(bucket[0].key, info.key)
                continue
            by_date: dict[str | None, list[ResolutionInfo]] = defaultdict(list)
            for info in bucket:
                by_date[info.date].append(info)
            for same in by_date.values():
                for info in same[1:]:
                    union.join(same[0].key, info.key)
        quotes: dict[str, list[ResolutionInfo]] = defaultdict(list)
        for info in group:
            if info.quote:
                quotes[fold(info.quote)].append(info)
        for same in quotes.values():
            for info in same[1:]:
                union.join(same[0].key, info.key)
        texts = list(quotes)
        if len(texts) > 1:
            scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=90, workers=1)
            for i, j in zip(*scores.nonzero(), strict=True):
                if i < j:
                    union.join(quotes[texts[i]][0].key, quotes[texts[j]][0].key)


def _first(values: Iterable[_V | None]) -> _V | None:
    return next((v for v in values if v is not None), None)


def _merge_infos(group: list[ResolutionInfo], key: str) -> ResolutionInfo:
    """One resolution from what several documents say of it: the fullest date, the first
    body, quote and counts given, every label."""
    dated = sorted((i for i in group if i.date), key=lambda i: (i.date or "").startswith("--"))
    first = dated[0] if dated else group[0]
    return ResolutionInfo(
        key=key,
        body=_first(i.body for i in group),
        date=first.date,
        date_precision=first.date_precision,
        status="adopted" if any(i.status == "adopted" for i in group) else "draft",
        quote=_first(i.quote for i in group),
        labels=tuple(dict.fromkeys(lab for i in group for lab in i.labels)),
        votes_for=_first(i.votes_for for i in group),
        votes_against=_first(i.votes_against for i in group),
        abstentions=_first(i.abstentions for i in group),
    )


def _resolution_key(info: ResolutionInfo) -> str:
    body = info.body.split("/")[-1] if info.body else "onu"
    if info.date and not info.date.startswith("--"):
        return f"resolution/{body}-{'projet-' if info.status == 'draft' else ''}{info.date}"
    return info.key


def _resolution_label(info: ResolutionInfo, gaz: Gazetteer) -> str:
    noun = "Projet de résolution" if info.status == "draft" else "Résolution"
    body = gaz.bodies.get(info.body or "")
    text = (
        f"{noun} de l'{body.label}"
        if body and body.label[:1] in "AEIOUÉ"
        else (
            f"{noun} du {body.label}"
            if body and body.label.startswith("Conseil")
            else f"{noun} de {body.label}"
            if body
            else noun
        )
    )
    if info.date and info.date_precision == "day":
        year, month, day = (
            info.date.lstrip("-").split("-")
            if not info.date.startswith("--")
            else ("", *info.date[2:].split("-"))
        )
        text += f" du {int(day)} {_MONTHS[int(month) - 1]}{' ' + year if year else ''}"
    return text


def resolve(results: Iterable[DocResult], gaz: Gazetteer) -> tuple[list[DocResult], Catalogue]:
    """Canonical keys for people and resolutions; the entity catalogue of the corpus."""
    results = list(results)
    rename, merged = canonical_keys(results)
    out = [rename_keys(r, rename) for r in results]
    return out, _catalogue(out, merged, gaz)


def resolve_corpus(
    results: Sequence[DocResult], gaz: Gazetteer
) -> tuple[list[DocResult], Catalogue, dict[str, str]]:
    """``resolve``, also returning the renaming, to apply to other copies of the same results
    (a build resolves compact copies and renames each full result as it writes it)."""
    rename, merged = canonical_keys(results)
    out = [rename_keys(r, rename) for r in results]
    return out, _catalogue(out, merged, gaz), rename


def canonical_keys(
    results: Sequence[DocResult],
) -> tuple[dict[str, str], dict[str, ResolutionInfo]]:
    """The renaming of person and resolution keys to their canonical keys, and the merged
    description of each resolution."""
    union = _Union()
    label_of: dict[str, str] = {}
    names: Counter[str] = Counter()
    for result in results:
        for m in result.mentions:
            if m.type is EntityType.PERSON:
                names[m.key] += 1
                label_of.setdefault(m.key, m.label)
    _person_merges(names, union, label_of)
    infos = [info for r in results for info in r.resolutions]
    _resolution_merges(infos, union)
    groups: dict[str, list[ResolutionInfo]] = defaultdict(list)
    for info in infos:
        groups[union.find(info.key)].append(info)
    rename: dict[str, str] = {}
    merged: dict[str, ResolutionInfo] = {}
    for root, group in groups.items():
        info = _merge_infos(group, root)
        key = _resolution_key(info)
        merged[key] = replace(info, key=key)
        rename |= {i.key: key for i in group}
    full_names: dict[str, list[str]] = defaultdict(list)
    for key in names:
        if len(label_of[key].split()) >= 2:
            full_names[union.find(key)].append(key)
    for key in names:
        root = union.find(key)
        members = full_names.get(root) or [root]
        rename[key] = max(members, key=lambda k: (names[k], -len(label_of[k]), k))
    return rename, merged


def rename_keys(result: DocResult, rename: dict[str, str]) -> DocResult:
    """A result with its entity keys renamed (duplicate facts dropped)."""

    def key(k: str) -> str:
        return rename.get(k, k)

    used = [m.key for m in result.mentions] + [r.key for r in result.resolutions]
    for f in result.facts:
        used += (f.subject, f.object, f.reported_by or "", f.place or "")
    if all(rename.get(k, k) == k for k in used):  # nothing to rename: only drop duplicates
        facts = tuple(dict.fromkeys(result.facts))
        return result if len(facts) == len(result.facts) else replace(result, facts=facts)
    # Only the objects with a key to rename are copied (dataclasses.replace is slow, and most
    # mentions and facts of a document name states, whose keys never change).
    mentions = tuple(
        m if key(m.key) == m.key else replace(m, key=key(m.key)) for m in result.mentions
    )
    facts = tuple(dict.fromkeys(_renamed_fact(f, key) for f in result.facts))
    resolutions = tuple(
        r if key(r.key) == r.key else replace(r, key=key(r.key)) for r in result.resolutions
    )
    return replace(result, mentions=mentions, facts=facts, resolutions=resolutions)


def _renamed_fact(fact: Fact, key: Callable[[str], str]) -> Fact:
    """``fact`` with its keys renamed (itself when none changes)."""
    keys = (
        key(fact.subject),
        key(fact.object),
        key(fact.reported_by) if fact.reported_by else None,
        key(fact.place) if fact.place else None,
    )
    if keys == (fact.subject, fact.object, fact.reported_by, fact.place):
        return fact
    subject, object_, reported_by, place = keys
    return replace(fact, subject=subject, object=object_, reported_by=reported_by, place=place)


def _catalogue(
    results: list[DocResult], merged: dict[str, ResolutionInfo], gaz: Gazetteer
) -> Catalogue:
    catalogue: dict[str, Entity] = {}
    posts: dict[str, Post] = {}
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for result in results:
        for m in result.mentions:
            surface[m.key][m.text] += 1
            if m.key not in catalogue:
                catalogue[m.key] = Entity(m.key, m.type, m.label)
    for key, entity in catalogue.items():
        entity.aliases = set(surface[key])
        if entity.type is EntityType.PERSON:
            entity.label = _person_label(surface[key], entity.label)
        if entity.type is EntityType.RESOLUTION and key in merged:
            entity.resolution = merged[key]
            entity.label = _resolution_label(merged[key], gaz)
    for result in results:
        for fact in result.facts:
            for ref in (fact.subject, fact.object, fact.place, fact.reported_by):
                if ref and ref not in catalogue and not ref.startswith("post/"):
                    _add_reference(catalogue, ref, gaz)
            if fact.post:
                _add_reference(catalogue, fact.post.org, gaz)
                posts.setdefault(fact.object, fact.post)
    return Catalogue(dict(sorted(catalogue.items())), dict(sorted(posts.items())))


def _add_reference(catalogue: dict[str, Entity], key: str, gaz: Gazetteer) -> None:
    if key in catalogue:
        return
    if key.startswith("state/"):
        catalogue[key] = Entity(key, EntityType.STATE, gaz.states[key[6:]].label)
    elif key in gaz.bodies:
        catalogue[key] = Entity(key, EntityType.BODY, gaz.bodies[key].label)


def _person_label(forms: Counter[str], default: str) -> str:
    full = [(n, f) for f, n in forms.items() if len(f.split()) >= 2]
    return max(full, key=lambda x: (x[0], -len(x[1]), x[1]))[1] if full else default


def facts_of(results: Iterable[DocResult]) -> list[Fact]:
    """Every fact of the corpus, in document order."""
    return [fact for result in results for fact in result.facts]
