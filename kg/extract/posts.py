"""Posts (W3C ORG): "le négociateur russe Vladimir Medinski", "Sergei Lavrov, ministre russe des
Affaires étrangères", "l'ambassadeur d'Ukraine aux Nations unies", "son homologue russe"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.tokens import Doc, Token

from kg.extract.clauses import ROLE_NOUNS
from kg.extract.mentions import TokenMention
from kg.model import EntityType as T
from kg.model import Post

_NOT_ROLE = frozenset({"gouvernement", "délégation", "diplomatie", "homologues"})


def _role_noun(person: TokenMention, doc: Doc) -> Token | None:
    """The role noun in apposition to a person, on either side."""
    root = doc[person.start]
    candidates = [root.head] if root.dep_ in ("appos", "flat:name", "nmod") else []
    candidates += [c for t in doc[person.start:person.end] for c in t.children
                   if c.dep_ == "appos" and not person.start <= c.i < person.end]
    if person.start > 0:
        candidates.append(doc[person.start - 1])
        if person.start > 1 and doc[person.start - 1].pos_ == "ADJ":
            candidates.append(doc[person.start - 2])
    for token in candidates:
        if token.lemma_ in ROLE_NOUNS and token.lemma_ not in _NOT_ROLE and token.pos_ == "NOUN":
            return token
    return None


def _org_and_role(noun: Token, mentions: Sequence[TokenMention]) -> tuple[str | None, str]:
    """The state or body a role belongs to, and the role's label without them."""
    tokens = [noun] + [t for c in noun.children if c.dep_ in ("amod", "nmod") for t in c.subtree]
    tokens.sort(key=lambda t: t.i)
    org, words = None, []
    states = [m for m in mentions if m.type is T.STATE]
    bodies = [m for m in mentions if m.type is T.BODY]
    for token in tokens:
        state = next((m for m in states if m.start <= token.i < m.end), None)
        body = next((m for m in bodies if m.start <= token.i < m.end), None)
        if state and org is None or (state and org and org.startswith("body/")):
            org = state.key
            continue
        if body and org is None:
            org = body.key
            continue
        if state or (body and not words) or token.pos_ == "PUNCT":
            continue
        words.append(token)
    while words and (words[-1].pos_ in ("ADP", "DET") or words[-1].lower_ in ("de", "d'", "d’")):
        words.pop()
    role = " ".join(t.text for t in words)
    role = role.replace("d' ", "d'").replace("d’ ", "d’").replace(" ,", ",")
    if not role:
        return None, ""
    return org, role[0].lower() + role[1:]


def post_facts(doc: Doc, mentions: Sequence[TokenMention]) -> Iterator[tuple[str, Post, Token]]:
    """(person key, post, trigger token) for every person a role noun qualifies."""
    last: str | None = None
    for person in (m for m in mentions if m.type is T.PERSON):
        noun = _role_noun(person, doc)
        if noun is None:
            continue
        org, role = _org_and_role(noun, mentions)
        if noun.lemma_ in ("homologue",):
            role = last or ""
        if org and role and not role.startswith("homologue"):
            last = role
            yield person.key, Post(role, org), noun
