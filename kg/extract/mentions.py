"""Entity mentions: gazetteer matches (states, capitals, demonyms, bodies) and NER people."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.extract.words import Words
from kg.gazetteer import Gazetteer, fold
from kg.model import EntityType

TITLES = frozenset(
    "m. m mme mlle mr dr pr me monsieur madame président présidente premier ministre général "
    "généralissime roi reine prince princesse cheikh émir sultan pape chancelier chancelière "
    "ambassadeur ambassadrice secrétaire porte-parole négociateur sénateur députée député "
    "maréchal".split()
)
_NAME_PARTICLES = frozenset("de du des da di van von der al el ben bin ibn la le abou abu".split())
# Where a capital names a place rather than a government.
_PLACE_CASES = frozenset("à au en vers dans depuis jusqu' jusque près sur".split())
_MOTION = frozenset("partir venir revenir rentrer arriver quitter rapatrier évacuer fuir".split())
# Verbs whose "à X" is an addressee (a government), not a place: "demander à Moscou".
_ADDRESSEE = frozenset(
    "demander demande réclamer exiger appeler enjoindre reprocher imposer proposer offrir fournir "
    "livrer envoyer adresser dire annoncer répondre écrire opposer promettre remettre transmettre "
    "signifier lancer rappeler".split()
)
# Physical strikes: their object is a place ("deux missiles ont frappé Kiev").
_STRIKES = frozenset("frapper bombarder pilonner cibler viser".split())
_BAD_PERSON = re.compile(r"[\d@#/]|^[A-ZÉÈ\W]+$")
_HYPHEN = re.compile("-")


@dataclass(frozen=True, slots=True)
class TokenMention:
    """A mention over tokens ``start``..``end`` (exclusive) of a spaCy ``Doc``."""

    key: str
    type: EntityType
    start: int
    end: int
    label: str


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated form of a name, for IRIs.

    >>> slug("António Guterres")
    'antonio-guterres'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


@cache
def _matchers(nlp: Language, gaz: Gazetteer) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Phrase matchers over the gazetteer, built once per pipeline: lower-case and exact-case."""
    lower, exact = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    names: dict[str, set[str]] = {"STATE": set(), "CAPITAL": set(), "ADJ": set(), "BODY": set()}
    for state in gaz.states.values():
        names["STATE"] |= {n for n in state.names if fold(n) in gaz.state_names}
        names["CAPITAL"] |= set(state.capitals)
        names["ADJ"] |= set(state.adjectives)
    for body in gaz.bodies.values():
        names["BODY"] |= set(body.aliases)
    for label, phrases in names.items():
        phrases |= {p.replace("'", "’") for p in phrases}
        acronyms = [p for p in phrases if p.isupper() and len(p) <= 6]
        others = [p for p in phrases if p not in acronyms]
        exact.add(label, list(nlp.tokenizer.pipe(sorted(acronyms))))
        lower.add(label, list(nlp.tokenizer.pipe(sorted(others))))
    return lower, exact


def _case_words(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("case", "fixed")}


def _capital_is_place(span: Span) -> bool:
    """A capital after "à", "vers"… or next to "capitale" is a place, else the government."""
    root = span.root
    if root.dep_ == "obj" and root.head.lemma_ in _STRIKES:
        return True
    if _case_words(root) & _PLACE_CASES and root.head.lemma_ not in _ADDRESSEE:
        return True
    if "de" in _case_words(root) and root.head.lemma_ in _MOTION:
        return True
    following = span.doc[span.end : span.end + 3]
    if (
        len(following) == 3
        and following[0].text == ","
        and following[2].lemma_ in ("capitale", "ville")
    ):
        return True  # "Kiev, la capitale, se prépare"
    return any(t.lemma_ in ("capitale", "ville") for t in root.children if t.dep_ == "appos")


def _gazetteer_mentions(doc: Doc, nlp: Language, gaz: Gazetteer) -> list[TokenMention]:
    lower, exact = _matchers(nlp, gaz)
    taken: set[int] = set()
    mentions: list[TokenMention] = _compound_demonyms(doc, gaz, taken)
    found = [(s, e, nlp.vocab.strings[m]) for m, s, e in list(lower(doc)) + list(exact(doc))]
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    people = [(e.start, e.end) for e in doc.ents if e.label_ == "PER" and len(e) >= 2]
    found = [
        m
        for m in found
        if m[2] == "ADJ"
        or not any(  # "Riyad Mansour", "Israël Katz"
            s <= m[0] and m[1] <= e and (s, e) != (m[0], m[1]) and doc[e - 1].text[:1].isupper()
            for s, e in people
        )
    ]
    for start, end, kind in found:
        if taken & set(range(start, end)):
            continue
        span = doc[start:end]
        if kind == "ADJ" and span.text[0].isupper() and not span.text.endswith("s"):
            continue  # "un Russe" is a person, "les Russes" the state
        taken |= set(range(start, end))
        if kind == "BODY":
            key = gaz.body_names[fold(span.text)]
            mentions.append(TokenMention(key, EntityType.BODY, start, end, gaz.bodies[key].label))
            mentions += _nested_bodies(doc, found, start, end, key, gaz)
            continue
        iso = gaz.state_key(span.text)
        if iso is None:
            continue
        if kind == "CAPITAL" and _capital_is_place(span):
            mentions.append(
                TokenMention(f"place/{slug(span.text)}", EntityType.PLACE, start, end, span.text)
            )
        else:
            mentions.append(
                TokenMention(iso, EntityType.STATE, start, end, gaz.states[iso[6:]].label)
            )
    return mentions


def _nested_bodies(
    doc: Doc, found: list[tuple[int, int, str]], start: int, end: int, outer: str, gaz: Gazetteer
) -> list[TokenMention]:
    """Bodies named inside a longer body name: "Conseil de sécurité de l'ONU" also names the ONU."""
    out = []
    for s, e, kind in found:
        if kind != "BODY" or not (start <= s and e <= end) or (s, e) == (start, end):
            continue
        key = gaz.body_names[fold(doc[s:e].text)]
        if key != outer:
            out.append(TokenMention(key, EntityType.BODY, s, e, gaz.bodies[key].label))
    return out


def _compound_demonyms(doc: Doc, gaz: Gazetteer, taken: set[int]) -> list[TokenMention]:
    """ "russo-ukrainiens" names two states, "ukraino-biélorusse" too (one token or three)."""
    out = []
    words = Words.of(doc)
    texts = words.texts
    # Tokens holding a hyphen, found from the hyphens of the text (a hyphen is never in the
    # whitespace after a token).
    holding = {bisect_right(words.idx, m.start()) - 1 for m in _HYPHEN.finditer(words.text)}
    # A compound has a hyphen in its first token or right after it.
    hyphenated = sorted(holding | {i - 1 for i in holding if i > 0 and texts[i] == "-"})
    for token in (doc[i] for i in hyphenated):
        if token.i in taken or token.is_space:
            continue
        end = token.i + 1
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_:
            end += 2
        text = words.span_text(token.i, end)
        if "-" not in text or any(i in taken for i in range(token.i, end)):
            continue
        parts = fold(text).split("-")
        isos = [gaz.prefixes.get(p) for p in parts[:-1]] + [gaz.adjectives.get(parts[-1])]
        if all(isos):
            for iso in dict.fromkeys(isos):
                label = gaz.states[str(iso)].label
                out.append(TokenMention(f"state/{iso}", EntityType.STATE, token.i, end, label))
            taken |= set(range(token.i, end))
    return out


def _clean_person(span: Span) -> Span | None:
    """Strip titles and punctuation from a PER span; None when it is not a plausible name."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in TITLES or not doc[start].text[:1].isupper()):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if start >= end or end - start > 5:
        return None
    name = doc[start:end]
    words = [t for t in name if t.lower_ not in _NAME_PARTICLES and t.text not in "-‑"]
    if not words or any(not t.text[:1].isupper() or _BAD_PERSON.search(t.text) for t in words):
        return None
    return name


def _titled(span: Span) -> bool:
    return span.start > 0 and span.doc[span.start - 1].lower_ in TITLES


def person_mentions(doc: Doc, taken: set[int]) -> list[TokenMention]:
    """People from NER, cleaned; a lone surname links to a full name of the same document."""
    names: list[Span] = []
    for ent in doc.ents:
        if ent.label_ != "PER":
            continue
        name = _clean_person(ent)
        if name is not None and not taken & set(range(name.start, name.end)):
            names.append(name)
    full = [n for n in names if len(n) >= 2]
    by_last: dict[str, str] = {}
    for name in sorted(full, key=lambda n: -len(n.text)):
        by_last.setdefault(fold(name[-1].text), name.text)
    out = []
    for name in names:
        canonical = name.text if len(name) >= 2 else by_last.get(fold(name.text))
        if canonical is None and _titled(name):
            canonical = name.text
        if canonical is None:
            continue
        out.append(
            TokenMention(
                f"person/{slug(canonical)}", EntityType.PERSON, name.start, name.end, canonical
            )
        )
    return out


def place_mentions(doc: Doc, taken: set[int]) -> list[TokenMention]:
    """Named places NER finds that the gazetteer does not know (cities, regions, islands)."""
    out = []
    for ent in doc.ents:
        if ent.label_ != "LOC" or taken & set(range(ent.start, ent.end)):
            continue
        start = ent.start + (1 if ent[0].pos_ == "DET" else 0)
        span = doc[start : ent.end]
        if (
            not span
            or len(span) > 5
            or any(t.like_num or (t.is_punct and t.text not in "-‑") for t in span)
        ):
            continue
        if not span[0].text[:1].isupper() or span[0].pos_ not in ("PROPN", "NOUN", "ADJ"):
            continue
        if any(t.pos_ == "NOUN" and not t.text[:1].isupper() for t in span):
            continue
        if fold(span[0].text) in ("etats", "etat", "pays"):
            continue
        out.append(
            TokenMention(
                f"place/{slug(span.text)}", EntityType.PLACE, span.start, span.end, span.text
            )
        )
    return out


def find_mentions(doc: Doc, nlp: Language, gaz: Gazetteer) -> list[TokenMention]:
    """All entity mentions of a document, in text order (resolutions excluded)."""
    mentions = _gazetteer_mentions(doc, nlp, gaz)
    taken = {i for m in mentions for i in range(m.start, m.end)}
    people = person_mentions(doc, taken)
    taken |= {i for m in people for i in range(m.start, m.end)}
    mentions += people + place_mentions(doc, taken)
    return sorted(mentions, key=lambda m: (m.start, m.key))
