"""Relation rules as named data: trigger lemmas, argument types, prepositions.

Each rule's name is recorded as the ``rule`` of the evidence of every fact it produces.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.model import EntityType as T

AGENTS = frozenset({T.STATE, T.PERSON, T.BODY})
ACTORS = frozenset({T.STATE, T.PERSON, T.BODY, T.RESOLUTION})
PLACE_CASES = frozenset("à au aux en dans vers".split())


@dataclass(frozen=True, slots=True)
class VerbRule:
    """A relation stated by a verb (or noun) between its subject and an argument.

    Attributes:
        name: stable rule name recorded in the evidence.
        predicate: local name of the kg property.
        lemmas: trigger lemmas (verbs or nouns).
        subject_types: entity types allowed as subject.
        object_types: entity types allowed as object.
        cases: prepositions the object must follow (empty: a direct object).
        reflexive: the verb needs "se" ("se rendre").
        noun_object: the object may be the complement of an abstract noun ("l'agression russe").
        nouns: the triggers are nouns ("visite", "réunion") rather than verbs.
        complement: a marker the verb's complement must carry ("appeler X à …").
    """

    name: str
    predicate: str
    lemmas: frozenset[str]
    subject_types: frozenset[T] = AGENTS
    object_types: frozenset[T] = AGENTS
    cases: frozenset[str] = frozenset()
    reflexive: bool = False
    noun_object: bool = False
    nouns: bool = False
    complement: str | None = None


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


VERB_RULES: tuple[VerbRule, ...] = (
    VerbRule(
        "visit.se_rendre",
        "visited",
        _set("rendre"),
        frozenset({T.PERSON, T.STATE, T.BODY}),
        frozenset({T.PLACE, T.STATE}),
        PLACE_CASES,
        reflexive=True,
    ),
    VerbRule(
        "visit.head_for",
        "visited",
        _set("diriger"),
        frozenset({T.PERSON, T.STATE, T.BODY}),
        frozenset({T.PLACE, T.STATE}),
        _set("vers au aux en à"),
        reflexive=True,
    ),
    VerbRule(
        "visit.verb",
        "visited",
        _set("visiter"),
        frozenset({T.PERSON, T.STATE, T.BODY}),
        frozenset({T.PLACE, T.STATE}),
    ),
    VerbRule(
        "visit.motion",
        "visited",
        _set("arriver voyager aller séjourner venir passer"),
        frozenset({T.PERSON}),
        frozenset({T.PLACE, T.STATE}),
        _set("à au aux en"),
    ),
    VerbRule(
        "visit.noun",
        "visited",
        _set("visite voyage déplacement tournée"),
        frozenset({T.PERSON, T.STATE, T.BODY}),
        frozenset({T.PLACE, T.STATE}),
        _set("à au aux en"),
        nouns=True,
    ),
    VerbRule(
        "meet.verb",
        "met",
        _set("rencontrer retrouver"),
        frozenset({T.PERSON}),
        frozenset({T.PERSON}),
    ),
    VerbRule(
        "meet.with",
        "met",
        _set("entretenir réunir"),
        frozenset({T.PERSON}),
        frozenset({T.PERSON}),
        _set("avec"),
    ),
    VerbRule(
        "meet.noun",
        "met",
        _set(
            "rencontre réunion déjeuner dîner entretien entrevue tête-à-tête conférence entretiens"
        ),
        frozenset({T.PERSON}),
        frozenset({T.PERSON}),
        _set("avec"),
        nouns=True,
    ),
    VerbRule(
        "condemn.verb",
        "condemned",
        _set("condamner dénoncer fustiger déplorer"),
        object_types=ACTORS,
        noun_object=True,
    ),
    VerbRule("accuse.verb", "accused", _set("accuser"), object_types=AGENTS),
    VerbRule(
        "demand.addressee",
        "demanded",
        _set("demander demande exiger réclamer enjoindre"),
        object_types=AGENTS,
        cases=_set("à au aux"),
    ),
    VerbRule(
        "demand.call",
        "demanded",
        _set("appeler exhorter sommer"),
        object_types=AGENTS,
        complement="à",
    ),
    VerbRule(
        "support.verb",
        "supported",
        _set("soutenir appuyer épauler"),
        object_types=AGENTS,
        noun_object=True,
    ),
    VerbRule(
        "draft.verb",
        "drafted",
        _set(
            "rédiger présenter déposer proposer élaborer préparer porter coparrainer "
            "parrainer soumettre circuler"
        ),
        object_types=frozenset({T.RESOLUTION}),
    ),
    VerbRule(
        "veto.verb", "vetoed", _set("bloquer"), frozenset({T.STATE}), frozenset({T.RESOLUTION})
    ),
    VerbRule("withdraw.verb", "withdrew", _set("retirer"), object_types=frozenset({T.RESOLUTION})),
    VerbRule(
        "attack.verb",
        "attacked",
        _set("attaquer envahir bombarder pilonner agresser frapper viser cibler"),
        frozenset({T.STATE, T.BODY}),
        frozenset({T.STATE, T.PLACE, T.BODY}),
        noun_object=True,
    ),
    VerbRule(
        "host.verb",
        "hosted",
        _set("accueillir héberger recevoir"),
        frozenset({T.STATE, T.PERSON, T.BODY}),
        frozenset({T.PERSON, T.STATE, T.BODY}),
    ),
)

ATTACK_NOUNS = _set("invasion agression attaque offensive frappe bombardement opération assaut")
ATTACK_OBJECT_NOUNS = _set("invasion agression attaque bombardement")
LAUNCH_VERBS = _set("lancer mener poursuivre déclencher intensifier conduire")

NEGOTIATION_NOUNS = _set("pourparler pourparlers négociation négociations discussion discussions")
NEGOTIATION_VERBS = _set("négocier discuter")
# Verbs whose subject holds the talks they take as object: "X et Y ont repris des pourparlers".
TALK_VERBS = _set("reprendre mener tenir engager entamer ouvrir poursuivre conduire relancer")
ORDINALS = {
    "premier": 1,
    "première": 1,
    "premiers": 1,
    "premières": 1,
    "deuxième": 2,
    "second": 2,
    "seconde": 2,
    "troisième": 3,
    "quatrième": 4,
    "cinquième": 5,
    "sixième": 6,
    "septième": 7,
    "nouveau": None,
}
ROUND_NOUNS = _set("round session cycle série tour volet")

VOTE_AGAINST = _set("non contre")
SUPPORT_TEXT = _set("soutenir appuyer approuver")
VETO_VERBS = _set("opposer mettre brandir exercer utiliser user imposer")
VOTE_FOR = _set("pour oui favorable faveur")
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
        "seize dix-sept dix-huit dix-neuf vingt".split()
    )
}
NUMBER_WORDS["une"] = 1
