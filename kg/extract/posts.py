"""Posts (W3C ORG): "le négociateur russe Vladimir Medinski", "Sergei Lavrov, ministre russe des
Affaires étrangères", "l'ambassadeur d'Ukraine aux Nations unies", "son homologue russe"."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from spacy.tokens import Doc, Token

from kg.extract.clauses import ROLE_NOUNS
from kg.extract.mentions import TokenMention
from kg.extract.words import Words
from kg.model import EntityType as T
from kg.model import Post

_NOT_ROLE = frozenset({"gouvernement", "délégation", "diplomatie", "homologues"})
_LEADER_WORDS = frozenset({"chef", "dirigeant", "dirigeante", "numéro"})
_LEADER_POSTS = frozenset(
    {
        "président",
        "présidente",
        "premier",
        "roi",
        "reine",
        "émir",
        "secrétaire",
        "chancelier",
        "chancelière",
        "prince",
    }
)


def _is_role(token: Token) -> bool:
    return token.lemma_ in ROLE_NOUNS and token.lemma_ not in _NOT_ROLE and token.pos_ == "NOUN"


def _climb_to_role(token: Token, limit: int) -> Token | None:
    """``token`` or a head above it that is a role noun ("diplomatie" -> "chef")."""
    for _ in range(3):
        if _is_role(token):
            return token
        if token.head.i == token.i or token.head.i >= limit:
            return None
        token = token.head
    return None


def _role_noun(person: TokenMention, doc: Doc) -> Token | None:
    """The role noun in apposition to a person, on either side: "le négociateur russe Vladimir
    Medinski", "Sergei Lavrov, ministre russe…", "le chef de la diplomatie américaine Antony
    Blinken", "L'ambassadeur d'Ukraine aux Nations unies, Sergiy Kyslytsya,"."""
    root = doc[person.start]
    after = [
        c
        for t in doc[person.start : person.end]
        for c in t.children
        if c.dep_ == "appos" and not person.start <= c.i < person.end and _is_role(c)
    ]
    if after:
        return after[0]
    before = []
    if root.dep_ in ("appos", "flat:name", "nmod") and root.head.i < person.start:
        before.append(root.head)
    if person.start > 0:
        previous = doc[person.start - 1]
        if previous.text == "," and person.start > 1:
            previous = doc[person.start - 2]
        before.append(previous)
    for token in before:
        role = _climb_to_role(token, person.start)
        between = doc[role.i : person.start] if role is not None else []
        if role is not None and not any(
            t.lower_ in ("et", "ou") or (t.pos_ == "VERB" and t.dep_ != "amod") for t in between
        ):
            return role  # not across "Le président russe V. Poutine et son homologue X"
    return None


def _org_and_role(noun: Token, mentions: Sequence[TokenMention]) -> tuple[str | None, str]:
    """The state (else body) a role belongs to, and the role's label without the state's words
    ("ministre russe des Affaires étrangères" -> RUS, "ministre des Affaires étrangères")."""
    tokens = [noun] + [t for c in noun.children if c.dep_ in ("amod", "nmod") for t in c.subtree]
    tokens.sort(key=lambda t: t.i)
    positions = {t.i for t in tokens}
    inside = [m for m in mentions if not positions.isdisjoint(range(m.start, m.end))]
    states = [m for m in inside if m.type is T.STATE]
    bodies = [m for m in inside if m.type is T.BODY]
    org = states[0] if states else (bodies[0] if bodies else None)
    if org is None:
        return None, ""
    drop = set(range(org.start, org.end)) | {
        i for m in inside if m.type is T.PERSON for i in range(m.start, m.end)
    }
    role = _role_words(noun, drop)
    return (org.key, role) if role else (None, "")


def _role_words(noun: Token, drop: set[int]) -> str:
    """The words of a role phrase without the tokens in ``drop`` (its organisation's name)."""
    tokens = [noun] + [t for c in noun.children if c.dep_ in ("amod", "nmod") for t in c.subtree]
    tokens.sort(key=lambda t: t.i)
    words = []
    for token in tokens:
        if token.i in drop or token.pos_ == "PUNCT":
            continue
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else token
        if token.pos_ in ("ADP", "DET") and (
            following.i in drop or following.pos_ == "DET" and following.i + 1 in drop
        ):
            continue
        words.append(token)
    while words and words[-1].pos_ in ("ADP", "DET"):
        words.pop()
    role = re.sub(r"\s+", " ", "".join(t.text_with_ws for t in words).strip())
    return role[0].lower() + role[1:] if role else ""


def post_facts(doc: Doc, mentions: Sequence[TokenMention]) -> Iterator[tuple[str, Post, Token]]:
    """(person key, post, trigger token) for every person a role noun qualifies."""
    last: str | None = None
    for person in (m for m in mentions if m.type is T.PERSON):
        noun = _role_noun(person, doc)
        if noun is None:
            continue
        org, role = _org_and_role(noun, mentions)
        if org is None and any(
            c.dep_ == "det" and "Yes" in c.morph.get("Poss") for c in noun.children
        ):
            earlier = [m for m in mentions if m.type is T.STATE and m.end <= noun.i]
            if earlier and noun.lemma_ != "homologue":  # "Son ministre des Affaires étrangères"
                named = {i for m in mentions if m.type is T.PERSON for i in range(m.start, m.end)}
                org, role = earlier[-1].key, _role_words(noun, named)
        if noun.lemma_ in ("homologue",):
            role = last or ""
        if org and role and not role.startswith("homologue"):
            last = role
            yield person.key, Post(role, org), noun


def role_references(
    doc: Doc, mentions: Sequence[TokenMention], posts: Sequence[tuple[str, Post, Token]]
) -> list[TokenMention]:
    """Person mentions for unnamed role nouns: "le chef de l'ONU", "le dirigeant chinois" refer
    to the person the document names as holding a post in that organisation (when only one
    does, or only one holds a post of that name). They feed the rules, not the catalogue."""
    holders: dict[str, dict[str, str]] = {}
    for person, post, _ in posts:
        holders.setdefault(post.org, {})[person] = post.role.split()[0]
    labels = {m.key: m.label for m in mentions if m.type is T.PERSON}
    named = {i for m in mentions for i in range(m.start, m.end)}
    out = []
    words = Words.of(doc)
    roles = (  # the tokens ``_is_role`` may accept
        doc[i]
        for i, lemma in enumerate(words.lemmas)
        if lemma in ROLE_NOUNS and words.pos[i] == "NOUN"
    )
    for token in roles:
        if not _is_role(token) or token.i in named or token.lemma_ == "homologue":
            continue
        if any(c.dep_ in ("appos", "flat:name") for c in token.children):
            continue
        definite = any(c.dep_ == "det" and "Def" in c.morph.get("Definite") for c in token.children)
        if not definite or "Plur" in token.morph.get("Number"):
            continue  # "des émissaires ukrainiens" names nobody in particular
        org, _ = _org_and_role(token, mentions)
        candidates = {
            p: r
            for p, r in holders.get(org or "", {}).items()
            if r == token.lemma_
            or (token.lemma_ in _LEADER_WORDS and r in _LEADER_WORDS | _LEADER_POSTS)
        }
        if len(candidates) == 1:
            person = next(iter(candidates))
            out.append(
                TokenMention(person, T.PERSON, token.i, token.i + 1, labels.get(person, person))
            )
    return out
