"""The gazetteer: states (pycountry + babel + ``ontology/states.tsv``) and bodies (``bodies.ttl``).

Everything here is data read once per run; rule patterns are generated from it.
"""

from __future__ import annotations

import csv
import importlib.util
import gettext
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import OntologyError
from kg.vocab import ID, KG

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
# Non-member observer states of the UN General Assembly.
UN_OBSERVERS = ("PSE", "VAT")


@dataclass(frozen=True, slots=True)
class StateInfo:
    """One state and the ways French news names it."""

    iso3: str
    label: str
    names: frozenset[str]
    capitals: tuple[str, ...]
    adjectives: frozenset[str]
    prefixes: frozenset[str]


@dataclass(frozen=True, slots=True)
class BodyInfo:
    """One international body from the reference entities."""

    key: str
    label: str
    aliases: frozenset[str]
    part_of: str | None = None


@dataclass(slots=True, eq=False)
class Gazetteer:
    """Look-up tables from surface forms to entity keys."""

    states: dict[str, StateInfo] = field(default_factory=dict)
    bodies: dict[str, BodyInfo] = field(default_factory=dict)
    state_names: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    adjectives: dict[str, str] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    body_names: dict[str, str] = field(default_factory=dict)

    def compatible_bodies(self, a: str | None, b: str | None) -> bool:
        """Whether two bodies may be the author of one text: unknown, equal, or one part of the
        other (the General Assembly is part of the UN)."""
        if not a or not b or a == b:
            return True
        return (a in self.bodies and self.bodies[a].part_of == b) or (
            b in self.bodies and self.bodies[b].part_of == a
        )

    def state_key(self, text: str) -> str | None:
        """The state a name, capital or demonym designates, as ``state/ISO3``."""
        norm = fold(text)
        iso = self.state_names.get(norm) or self.capitals.get(norm) or self.adjectives.get(norm)
        return f"state/{iso}" if iso else None


def fold(text: str) -> str:
    """Case- and accent-insensitive key for look-ups.

    >>> fold("Bélarus ") == fold("belarus")
    True
    """
    text = unicodedata.normalize("NFKD", text.replace("’", "'").strip())
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def inflect(adjective: str) -> set[str]:
    """The four forms of a French demonym adjective given its masculine singular.

    >>> sorted(inflect("ukrainien"))
    ['ukrainien', 'ukrainienne', 'ukrainiennes', 'ukrainiens']
    >>> sorted(inflect("turc"))
    ['turc', 'turcs', 'turque', 'turques']
    """
    if adjective.endswith("e"):
        return {adjective, adjective + "s"}
    if adjective.endswith("s"):
        return {adjective, adjective + "e", adjective + "es"}
    if adjective.endswith("en"):
        fem = adjective + "ne"
    elif adjective.endswith("ec"):
        fem = adjective + "que"
    elif adjective.endswith("c"):
        fem = adjective[:-1] + "que"
    else:
        fem = adjective + "e"
    return {adjective, adjective + "s", fem, fem + "s"}


def _un_states() -> list[str]:
    """ISO alpha-3 codes of UN member states (country_converter's data) and observer states."""
    # Located, not imported: importing country_converter imports pandas (about a second).
    spec = importlib.util.find_spec("country_converter")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("country_converter")
    table = Path(spec.origin).with_name("country_data.tsv")
    with table.open(encoding="utf-8") as handle:
        members = [row["ISO3"] for row in csv.DictReader(handle, delimiter="\t") if row["UNmember"]]
    return sorted(set(members) | set(UN_OBSERVERS))


def _iso_names(iso3: str, french: gettext.NullTranslations) -> set[str]:
    """French names of a state from babel (common) and pycountry's ISO 3166 catalogue."""
    country = pycountry.countries.get(alpha_3=iso3)
    names = set()
    common = Locale("fr").territories.get(country.alpha_2)
    if common:
        names.add(common)
        if "(" in common:  # "Myanmar (Birmanie)"
            outer, inner = common.rstrip(")").split("(", 1)
            names |= {outer.strip(), inner.strip()}
    for attr in ("name", "official_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        translated = french.gettext(value)
        if ", " in translated:  # "Russie, Fédération de" -> "Fédération de Russie"
            head, tail = translated.split(", ", 1)
            joiner = "" if tail.endswith("'") else " "
            names.add(f"{tail}{joiner}{head}" if tail[:1].isupper() else f"{head} {tail}")
        else:
            names.add(translated)
    return names


def _read_table() -> dict[str, list[list[str]]]:
    rows: dict[str, list[list[str]]] = {}
    with (ONTOLOGY / "states.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            cells = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            rows[cells[0]] = [[v.strip() for v in c.split(";") if v.strip()] for c in cells[1:]]
    return rows


def _states() -> Iterator[StateInfo]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    table = _read_table()
    for iso3 in _un_states():
        variants, capitals, demonyms, prefixes = table.get(iso3, [[], [], [], []])
        names = _iso_names(iso3, french) | set(variants)
        label = Locale("fr").territories.get(pycountry.countries.get(alpha_3=iso3).alpha_2, iso3)
        if iso3 in table and variants and iso3 in ("PSE", "VAT"):
            label = variants[0]
        adjectives = set()
        for demonym in demonyms:
            forms = inflect(demonym)
            adjectives |= forms | {f.capitalize() for f in forms if f.endswith("s")}
        yield StateInfo(
            iso3,
            label,
            frozenset(names),
            tuple(capitals),
            frozenset(adjectives),
            frozenset(prefixes),
        )


def _bodies(path: Path) -> Iterator[BodyInfo]:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as err:
        raise OntologyError(f"{path}: cannot read the reference bodies ({err})") from err
    prefix = str(ID)
    for body in sorted(graph.subjects(RDF.type, KG.Body)):
        label = graph.value(body, RDFS.label)
        if label is None:
            raise OntologyError(f"{path}: {body} has no rdfs:label")
        aliases = {str(a) for a in graph.objects(body, SKOS.altLabel)} | {str(label)}
        parent = graph.value(body, KG.partOf)
        yield BodyInfo(
            str(body).removeprefix(prefix),
            str(label),
            frozenset(aliases),
            str(parent).removeprefix(prefix) if parent else None,
        )


def _ambiguous(states: list[StateInfo]) -> set[str]:
    """Folded names claimed by two states ("Corée", "Congo"): never used alone."""
    seen: dict[str, str] = {}
    clash = set()
    for state in states:
        for name in state.names:
            key = fold(name)
            if seen.setdefault(key, state.iso3) != state.iso3:
                clash.add(key)
    return clash


@cache
def load_gazetteer(bodies: Path | None = None) -> Gazetteer:
    """Build the gazetteer once per process."""
    gaz = Gazetteer()
    states = list(_states())
    clash = _ambiguous(states)
    for state in states:
        gaz.states[state.iso3] = state
        for name in state.names:
            if fold(name) not in clash:
                gaz.state_names[fold(name)] = state.iso3
        for capital in state.capitals:
            gaz.capitals[fold(capital)] = state.iso3
        for adjective in state.adjectives:
            gaz.adjectives[fold(adjective)] = state.iso3
        for prefix in state.prefixes:
            gaz.prefixes[fold(prefix)] = state.iso3
    for body in _bodies(bodies or ONTOLOGY / "bodies.ttl"):
        gaz.bodies[body.key] = body
        for alias in body.aliases:
            gaz.body_names[fold(alias)] = body.key
    return gaz


__all__ = ["Gazetteer", "StateInfo", "BodyInfo", "load_gazetteer", "fold", "inflect"]
