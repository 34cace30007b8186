"""Resolution mentions: "une résolution de l'Assemblée générale du 2 mars", "le projet de texte"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from kg.extract.clauses import entities_at, negated, quote_mask
from kg.extract.dates import When, find_dates, resolve
from kg.extract.mentions import TokenMention
from kg.extract.words import Words
from kg.gazetteer import Gazetteer
from kg.model import EntityType, Modality

_HEADS = frozenset({"résolution", "texte"})
_CANDIDATES = _HEADS | {"projet"}
_DEFINITE = frozenset("le la l' l’ ce cette cet son sa leur".split())
_ADOPT = frozenset("adopter voter approuver entériner".split())
_OTHER = frozenset("propre autre nouveau second concurrent rival".split())


@dataclass(frozen=True, slots=True)
class ResolutionMention:
    """One mention of a resolution; ``index`` numbers the distinct resolutions of a document."""

    index: int
    start: int
    end: int
    text: str
    body: str | None
    when: When | None
    draft: bool
    quote: str | None
    bare: bool = False


def _phrase(head: Token) -> tuple[int, int]:
    """Tokens of the resolution's name: head and its "de …" complements, no relative clause."""
    keep = [head] + [t for c in head.children if c.dep_ in ("nmod", "amod") for t in c.subtree]
    start = min(t.i for t in keep if t.pos_ != "DET")
    end = max(t.i for t in keep) + 1
    stop = next(
        (
            t.i
            for t in head.doc[head.i + 1 : end]
            if t.pos_ in ("PRON", "VERB", "PUNCT") or t.lower_ in ("qui", "que", "dont")
        ),
        end,
    )
    end = min(end, stop)
    while end > start and (head.doc[end - 1].is_punct or head.doc[end - 1].pos_ == "DET"):
        end -= 1
    return start, end


def _quote(head: Token) -> str | None:
    """The quoted operative text of "une résolution qui « exige … »"."""
    sent = head.sent
    opening = next((t for t in sent if t.i > head.i and t.text in '«“"'), None)
    if opening is None or opening.i - head.i > 4:
        return None
    closing = next((t for t in sent if t.i > opening.i and t.text in '»”"'), None)
    end = closing.i if closing else sent.end
    return head.doc[opening.i + 1 : end].text.strip() or None


def _body(head: Token, mentions: Sequence[TokenMention]) -> str | None:
    bodies = [m for m in mentions if m.type is EntityType.BODY]
    for token in list(head.subtree) + [head.head]:
        for m in bodies:
            if m.start <= token.i < m.end:
                return m.key
    verb = head.head
    for child in verb.children:
        if child.dep_ in ("nsubj", "obl:mod", "obl:arg", "obl"):
            found = [m for m in entities_at(child, bodies)]
            if found:
                return found[0].key
    return None


def _when(head: Token, anchor: When | None) -> When | None:
    """The date in the resolution's own phrase ("du 2 mars"), else between its verb and it
    ("a adopté ce 2 mars une résolution")."""
    phrase = head.doc[head.i : max(t.i for t in head.subtree) + 1].text
    verb_side = head.doc[head.head.i : head.i].text if head.head.i < head.i else ""
    for text in (phrase[:60], verb_side):
        for match in find_dates(text):
            when = resolve(match, anchor, Modality.ASSERTED)
            if when:
                return when
    return None


_UN_CONTEXT = frozenset(
    "résolution conseil assemblée veto vote voter onu voix scrutin abstention".split()
)


def _candidate(token: Token, earlier: bool) -> Token | None:
    """The head noun of a resolution mention, or None for generic or plural uses.

    "résolution" and "projet de résolution/texte" always count; a bare "texte" or "projet"
    counts when the document already named a resolution, or the sentence is about a UN vote.
    """
    if token.lemma_ not in _CANDIDATES or "Plur" in token.morph.get("Number"):
        return None
    if token.pos_ != "NOUN":
        return None
    if token.lemma_ == "texte" and token.head.lemma_ == "projet" and token.dep_ == "nmod":
        return None  # counted at "projet"
    if token.lemma_ == "résolution" and token.head.lemma_ == "projet" and token.dep_ == "nmod":
        return None
    if token.lemma_ in ("texte", "projet") and not any(
        c.lemma_ in ("résolution", "texte") for c in token.children
    ):
        words = Words.of(token.doc)
        context = earlier or any(
            words.lemmas[i].lower() in _UN_CONTEXT for i in range(*words.sent(token.i))
        )
        if not context or any(
            c.dep_ == "nmod" and c.lemma_ not in _UN_CONTEXT and c.pos_ == "NOUN"
            for c in token.children
        ):
            return None  # "projet de loi", "un texte de l'écrivain"
    indefinite = any(c.dep_ == "det" and "Ind" in c.morph.get("Definite") for c in token.children)
    if indefinite and negated(token.head):
        return None  # "aucun pays ne peut bloquer une résolution": generic
    return token


def find_resolutions(
    doc: Doc, mentions: Sequence[TokenMention], anchor: When | None, gaz: Gazetteer
) -> list[ResolutionMention]:
    """Resolution mentions in text order, with definite ones linked to an earlier resolution."""
    found: list[ResolutionMention] = []
    words = Words.of(doc)
    masked = {i for s in doc.sents for i in quote_mask(s)}
    # Only these lemmas can head a resolution mention (``_candidate``).
    for token in (doc[i] for i, lemma in enumerate(words.lemmas) if lemma in _CANDIDATES):
        if (
            token.i in masked
            or (head := _candidate(token, bool(found))) is None
            or (found and found[-1].start <= head.i < found[-1].end)
        ):
            continue
        start, end = _phrase(head)
        draft = head.lemma_ == "projet" or any(t.lemma_ == "projet" for t in doc[start:end])
        when, body = _when(head, anchor), _body(head, mentions)
        det = next((c.lower_ for c in head.children if c.dep_ in ("det", "nmod:poss")), "")
        mention = ResolutionMention(
            len({r.index for r in found}),
            start,
            end,
            doc[start:end].text,
            body,
            when,
            draft,
            _quote(head),
        )
        bare = head.lemma_ in ("texte", "projet") and not any(
            c.lemma_ in ("résolution", "texte") for c in head.children
        )
        mention = replace(mention, bare=bare)
        other = any(c.lemma_ in _OTHER for c in head.children if c.dep_ == "amod")
        own_state = det in ("un", "une") and any(
            m.type.value == "State" and any(m.start <= c.i < m.end for c in head.children)
            for m in mentions
        )
        if other or (bare and own_state):  # "un texte concurrent", "un texte russe"
            earlier = None
        elif bare and found:  # "le texte", "un texte des Émirats": the text already named
            earlier = found[-1]
        else:
            earlier = _same(mention, found, gaz, definite=det in _DEFINITE)
        if earlier is not None:
            mention = replace(
                mention,
                index=earlier.index,
                body=mention.body or earlier.body,
                when=mention.when or earlier.when,
                draft=earlier.draft if bare else mention.draft,
            )
        found.append(mention)
    return found


def _same(
    mention: ResolutionMention, found: list[ResolutionMention], gaz: Gazetteer, *, definite: bool
) -> ResolutionMention | None:
    for earlier in reversed(found):
        if mention.when and earlier.when and mention.when.value[-5:] == earlier.when.value[-5:]:
            return earlier
        if mention.quote and earlier.quote and mention.quote[:40] == earlier.quote[:40]:
            return earlier
        if (
            definite
            and earlier.draft == mention.draft
            and not (mention.when and earlier.when)
            and gaz.compatible_bodies(mention.body, earlier.body)
        ):
            return earlier
    return None


def adopted_by_verb(head: Token) -> bool:
    """Whether the resolution is the object of "adopter"/"voter" (an adopted text)."""
    return head.head.lemma_ in _ADOPT
