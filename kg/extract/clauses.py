"""Clause-level helpers shared by the rules: windows, subjects, objects, modality."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Span, Token

from kg.extract.mentions import TokenMention
from kg.extract.words import Words
from kg.model import EntityType, Modality

SPEECH = frozenset(
    "déclarer annoncer préciser indiquer affirmer ajouter expliquer souligner assurer dire "
    "estimer confirmer rapporter écrire répéter insister prévenir marteler féliciter réagir "
    "savoir".split()
)
CLAIM = frozenset("affirmer prétendre assurer alléguer soutenir estimer".split())
DENIAL = frozenset("nier démentir réfuter contester".split())
NEGATORS = frozenset("pas jamais plus guère point aucun aucune nullement".split())
_BOUNDARY_WORDS = frozenset({"tandis", "alors", "mais", "car", "puis", "cependant", "pourtant"})
_QUOTES = frozenset('«»"“”')
ROLE_NOUNS = frozenset(
    "président présidente ministre chef secrétaire ambassadeur ambassadrice représentant "
    "représentante porte-parole négociateur négociatrice émissaire envoyé envoyée délégation "
    "délégué déléguée diplomate diplomatie chancelier chancelière premier homologue homologues "
    "dirigeant dirigeante gouvernement roi reine émir prince vice-président médiateur "
    "médiatrice conseiller conseillère commissaire directeur directrice haut".split()
)


FORCE_NOUNS = frozenset(
    "armée armées forces force troupes troupe soldats soldat missiles missile drones drone chars "
    "avions aviation marine frappes frappe bombardements bombardement artillerie militaires "
    "régime autorités".split()
)


def quote_mask(sent: Span) -> set[int]:
    """Indices of tokens inside quotations that hold a whole clause (a verb with its subject):
    quoted speech is not the clause's own claim. A quoted phrase ("« soutenir des efforts »")
    stays visible."""
    words = Words.of(sent.doc)
    text = words.span_text(sent.start, sent.end)
    if not any(quote in text for quote in '«“"'):
        return set()  # no quotation opens in this sentence
    segments: list[list[int]] = []
    current: list[int] | None = None
    for i in range(sent.start, sent.end):
        word = words.texts[i]
        if word in "«“" or (word == '"' and current is None):
            current = []
        elif word in "»”" or (word == '"' and current is not None):
            if current is not None:
                segments.append(current)
            current = None
        elif current is not None:
            current.append(i)
    if current:
        segments.append(current)
    mask: set[int] = set()
    deps, heads = words.deps, words.heads
    for segment in segments:
        inside = set(segment)
        if any(deps[i] in ("nsubj", "nsubj:pass") and heads[i] in inside for i in segment):
            mask |= inside
    return mask


def _boundaries(doc: Doc, start: int, end: int) -> list[int]:
    """Indices of the tokens of the sentence ``start``..``end`` that end a clause, found once per
    sentence (kept in the ``Doc``'s ``user_data``, so they live as long as the parse they come
    from)."""
    known: dict[int, list[int]] = doc.user_data.setdefault("kg.clause_boundaries", {})
    if start in known:
        return known[start]
    words = Words.of(doc)
    texts, lemmas, pos = words.texts, words.lemmas, words.pos
    found = []
    for i in range(start, end):
        text = texts[i]
        boundary = (
            words.lowers[i] in _BOUNDARY_WORDS
            or text in (";", ":")
            or (text in "»”" and i + 1 < end and texts[i + 1] == ",")
        )
        if text == "," and i + 2 < end:
            following = range(i + 1, min(i + 4, len(texts)))  # may run into the next sentence
            boundary = boundary or any(lemmas[j] in SPEECH and pos[j] == "VERB" for j in following)
        if boundary:
            found.append(i)
    known[start] = found
    return found


def clause_window(trigger: Token, masked: set[int]) -> tuple[int, int]:
    """Token range of the clause around ``trigger``: between contrastive connectives, semicolons,
    closing quotes and a trailing reporting clause (", a déclaré X")."""
    start, end = sentence = Words.of(trigger.doc).sent(trigger.i)
    for i in _boundaries(trigger.doc, *sentence):
        if i in masked:
            continue
        if i < trigger.i:
            start = i + 1
        elif i > trigger.i:
            end = i
            break
    return start, end


def has_case(mention: TokenMention, doc_tokens: Sequence[Token], words: Iterable[str]) -> bool:
    """Whether the mention is introduced by one of the prepositions ``words``."""
    wanted = set(words)
    before = doc_tokens[mention.start - 1].lower_ if mention.start > 0 else ""
    if mention.start > 1 and doc_tokens[mention.start - 1].pos_ == "DET":
        before = doc_tokens[mention.start - 2].lower_
    return before.replace("’", "'") in wanted


def governing_verbs(trigger: Token) -> list[Token]:
    """The trigger, then the words it depends on up to the root of its sentence (at most 5)."""
    chain, token = [trigger], trigger
    while token.head.i != token.i and len(chain) < 6:
        token = token.head
        chain.append(token)
    return chain


def nearest_verb(token: Token) -> Token:
    """The closest verb governing ``token`` (itself if it is a verb)."""
    for word in governing_verbs(token):
        if word.pos_ in ("VERB", "AUX"):
            return word
    return token


_FUTURE_ENDINGS = ("ront", "era", "ira", "dra")


def _morph(token: Token, feature: str) -> set[str]:
    """A morphological feature of a verb and its auxiliaries; the future is also read from the
    ending when the tagger misses it ("mèneront" tagged present)."""
    words = [token] + [c for c in token.children if c.dep_.startswith("aux") or c.dep_ == "cop"]
    values = {v for word in words for v in word.morph.get(feature)}
    if feature == "Tense" and any(
        w.pos_ in ("VERB", "AUX") and w.lower_.endswith(_FUTURE_ENDINGS) and len(w) > 4
        for w in words
    ):
        values.add("Fut")
    return values


def negated(token: Token) -> bool:
    """ "n'ont pas voté", "ne peut bloquer" (negation on the modal), "aucun pays ne…"."""
    heads = [token] + (
        [token.head]
        if token.dep_ == "xcomp" or token.head.lemma_ in ("pouvoir", "devoir", "vouloir")
        else []
    )
    heads += [c for c in token.children if c.lemma_ in ("pouvoir", "devoir", "vouloir")]
    for head in heads:
        if any(c.lower_ in ("ne", "n'", "n’") for c in head.children) and any(
            c.lower_ in NEGATORS for c in head.subtree if abs(c.i - head.i) <= 6
        ):
            return True
    return False


PLANNING_WORDS = frozenset(
    "prévoir devoir envisager programmer annoncer inviter accepter promettre projeter "
    "compter".split()
)
READINESS = frozenset("prêt prête prêts prêtes disposé disposée disposés disposer".split())
OBJECT_CONTROL = frozenset(
    "inviter appeler exhorter pousser encourager autoriser convier engager inciter".split()
)
MOTION = frozenset("diriger rendre partir aller arriver venir rejoindre".split())


def modality(trigger: Token) -> Modality:
    """How the clause of ``trigger`` states its fact.

    Denied ("nie avoir attaqué"), negated ("n'ont pas demandé"), hypothetical ("l'aurait bloqué",
    "pourrait"), planned ("se rendra", "devrait être voté", "sont prévus", "vont soutenir",
    "prête à discuter", heading to talks), reported by a claim verb ("affirme que"), else asserted.
    """
    chain = governing_verbs(trigger)
    anchor = nearest_verb(trigger)
    if any(t.lemma_ in DENIAL for t in chain[1:]):
        return Modality.DENIED
    if negated(anchor) or negated(trigger):
        return Modality.NEGATED
    helpers = {c.lemma_ for c in anchor.children if c.dep_.startswith("aux") or c.pos_ == "AUX"}
    helpers |= {anchor.head.lemma_} if anchor.dep_ == "xcomp" else set()
    if "Cnd" in _morph(anchor, "Mood") and "devoir" not in helpers | {anchor.lemma_}:
        return Modality.HYPOTHETICAL
    if "pouvoir" in helpers and "Cnd" in _morph(anchor.head, "Mood") | _morph(anchor, "Mood"):
        return Modality.HYPOTHETICAL
    for word in chain[:4]:
        if "Fut" in _morph(word, "Tense") or (
            word.lemma_ in PLANNING_WORDS and word.i != trigger.i
        ):
            return Modality.PLANNED
        if any(
            c.lemma_ in PLANNING_WORDS | {"aller", "devoir"} and c.i < word.i
            for c in word.children
            if c.dep_ in ("aux", "aux:tense", "amod", "xcomp", "cop")
        ):
            return Modality.PLANNED
        if word.lemma_ in ("aller", "devoir") and word.i != trigger.i:
            return Modality.PLANNED
    if any(
        t.lemma_ in READINESS or t.lower_ in READINESS
        for t in trigger.doc[max(trigger.sent.start, trigger.i - 4) : trigger.i]
    ):
        return Modality.HYPOTHETICAL  # "se dit prête (mercredi) à discuter": willing, not planned
    if trigger.pos_ == "NOUN" and anchor.lemma_ in MOTION:
        return Modality.PLANNED  # heading to talks: the talks are ahead
    if any(
        head.lemma_ in CLAIM and child.dep_ == "ccomp"
        for child, head in zip(chain[:2], chain[1:3], strict=False)
    ):
        return Modality.REPORTED  # "Moscou affirme que …"; not "le texte, soutenu par l'UE"
    return Modality.ASSERTED


def reporter(trigger: Token, mentions: Sequence[TokenMention]) -> str | None:
    """The person, state or body a reporting clause credits ("…, a déclaré X")."""
    doc = trigger.doc
    words = Words.of(doc)
    for i in range(*words.sent(trigger.i)):
        if words.lemmas[i] in SPEECH and words.pos[i] == "VERB" and i != trigger.i:
            for child in doc[i].children:
                if child.dep_ in ("nsubj", "nsubj:pass"):
                    found = entities_at(child, mentions)
                    if found:
                        return found[0].key
    return None


def entities_at(
    token: Token, mentions: Sequence[TokenMention], depth: int = 0
) -> list[TokenMention]:
    """Entities a phrase headed by ``token`` designates: itself, its apposed person, the state
    of a role noun ("le négociateur russe", "la délégation ukrainienne"), and its conjuncts."""
    if depth > 8:
        return []
    here = [m for m in mentions if m.start <= token.i < m.end]
    out: list[TokenMention] = []
    if here:
        out += here if here[0].type is EntityType.STATE else here[:1]  # "germano-belge": two
    elif token.lemma_ in FORCE_NOUNS or token.lower_ in FORCE_NOUNS:  # "deux missiles russes"
        out += [
            m
            for c in token.children
            if c.dep_ in ("amod", "nmod")
            for m in mentions
            if m.start <= c.i < m.end and m.type is EntityType.STATE
        ][:1]
    elif token.lemma_ in ROLE_NOUNS or token.lemma_ in ("m.", "mme"):
        people = [
            p
            for c in token.children
            if c.dep_ in ("appos", "flat:name", "nmod")
            for p in entities_at(c, mentions, depth + 1)
            if p.type is EntityType.PERSON
        ]
        following = [
            m
            for m in mentions
            if m.type is EntityType.PERSON
            and 0 < m.start - token.i <= 3
            and all(t.pos_ in ("ADJ", "PUNCT") for t in token.doc[token.i + 1 : m.start])
        ]
        if people or following:  # "son homologue chinois Xi Jinping" (misattached)
            out += (people or following)[:1]
        else:
            states = [
                m
                for c in token.children
                if c.dep_ in ("amod", "nmod")
                for t in [c, *(x for x in c.children if x.dep_ == "conj")]
                for m in mentions
                if m.start <= t.i < m.end and m.type is EntityType.STATE
            ]
            if not states:  # "les émissaires de l'armée soudanaise et des FSR"
                states = [
                    m
                    for c in token.children
                    if c.dep_ == "nmod" and (c.lemma_ in FORCE_NOUNS or c.lemma_ in ROLE_NOUNS)
                    for m in entities_at(c, mentions, depth + 1)
                    if m.type is not EntityType.PERSON
                ]
            out += list(dict.fromkeys(states))  # "les délégations russe et ukrainienne"
    for child in token.children:
        if child.dep_ in ("conj", "appos") and not (
            here and child.dep_ == "appos" and here[0].type is EntityType.PERSON
        ):
            out += entities_at(child, mentions, depth + 1)
    return list(dict.fromkeys(out))


def _partitive(token: Token, mentions: Sequence[TokenMention]) -> list[TokenMention]:
    """Entities listed after "dont" in a phrase: "des dizaines d'États, dont la France"."""
    words = list(token.subtree)
    dont = [t.i for t in words if t.lower_ == "dont"]
    if not dont:
        return []
    end = words[-1].i
    return [m for m in mentions if dont[0] < m.start <= end]


def pronoun_referent(
    child: Token, token: Token, mentions: Sequence[TokenMention], earlier: Sequence[TokenMention]
) -> list[TokenMention]:
    """A subject pronoun's referent: "qui" is the noun its clause modifies; "il"/"elle" the most
    recent person before it (the salient actor of news prose)."""
    if child.lower_ == "qui":
        previous = child.doc[child.i - 1] if child.i > 0 else child
        if previous.text == "," and child.i > 1:
            previous = child.doc[child.i - 2]
        head = previous
        while (
            head.head.i < child.i and head.head.i != head.i and head.head.pos_ in ("NOUN", "PROPN")
        ):
            head = head.head  # "le chef de l'État français, qui": the chief
        return entities_at(head, mentions) or [m for m in mentions if m.start <= previous.i < m.end]
    if child.lower_ in ("il", "elle"):
        before = [
            m
            for m in list(earlier) + list(mentions)
            if m.start < child.i and m.type is not EntityType.PLACE
        ]
        if before and before[-1].type is EntityType.PERSON:
            return before[-1:]
    return []


def subjects(
    trigger: Token, mentions: Sequence[TokenMention], earlier: Sequence[TokenMention] = ()
) -> list[TokenMention]:
    """Entities in the subject of ``trigger``, climbing through conjoined and infinitive verbs;
    ``earlier`` mentions (previous sentences) resolve "il"/"elle"."""
    token = trigger
    for _ in range(4):
        found = [
            m
            for child in token.children
            if child.dep_ in ("obl:agent", "nsubj")
            for m in entities_at(child, mentions) or _partitive(child, mentions)
        ]
        if not found:
            found = [
                m
                for child in token.children
                if child.dep_ in ("nsubj", "expl:subj") and child.pos_ == "PRON"
                for m in pronoun_referent(child, token, mentions, earlier)
            ]
        people = [m for m in found if m.type is EntityType.PERSON]
        if found:
            return people or found
        if any(c.dep_ == "nsubj" for c in token.children):
            return []
        if token.dep_ == "acl" and any(
            c.dep_ == "mark" and c.lower_ in ("à", "de") for c in token.children
        ):
            controllers = entities_at(token.head, mentions)
            if controllers:  # "a invité Vladimir Poutine à se rendre en Chine"
                return controllers
        if token.dep_ == "xcomp" and token.head.lemma_ in OBJECT_CONTROL:
            controllers = [
                m
                for c in token.head.children
                if c.dep_ in ("obj", "iobj")
                for m in entities_at(c, mentions)
            ]
            if controllers:  # "a invité son homologue russe à se rendre en Chine"
                return controllers
        climbs = ("conj", "xcomp", "advcl", "acl") + (
            ("obj", "nmod") if token.pos_ == "NOUN" else ()
        )
        if token.dep_ in climbs and token.head.i != token.i:
            token = token.head
        else:
            break
    return []
