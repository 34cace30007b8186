"""Relation families read from paraphrases: one French news sentence per case, real pipeline.

Each case lists facts the sentence must yield (``Has``) and direct edges it must not (``Lacks``).
Sentences are written for these tests (none comes from ``seeds/``); they vary voice, word order,
appositions, lists, reported speech, headlines and datelines. Known misses are strict xfails whose
reason says what the extractor gets wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import pytest

from kg.build import extract_text
from kg.model import Modality

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

Quad = tuple[str, str, str, str]
RES = "resolution/"  # resolution keys are local to a document: an expected RES matches any of them
SYMMETRIC = frozenset({"negotiatedWith", "met"})
DIRECT = frozenset(m.value for m in Modality if m.direct)


class Has(NamedTuple):
    """A fact the sentence must yield, with its modality."""

    subject: str
    predicate: str
    object: str
    modality: str = "asserted"


class Lacks(NamedTuple):
    """A direct edge (asserted or planned) the sentence must not yield."""

    subject: str
    predicate: str
    object: str


Expect = Has | Lacks


@pytest.fixture(scope="module")
def facts() -> Callable[[str], set[Quad]]:
    """``facts(text)``: the (subject, predicate, object, modality) of a text, read as
    ``kg.build`` reads a document, with the real pipeline loaded once for the module."""

    def read(text: str) -> set[Quad]:
        result = extract_text(text)
        return {(f.subject, f.predicate, f.object, f.modality.value) for f in result.facts}

    return read


def _key(found: str, wanted: str) -> bool:
    return found == wanted or (wanted == RES and found.startswith(RES))


def _links(fact: Quad, subject: str, predicate: str, obj: str) -> bool:
    """Whether ``fact`` links the two ends by ``predicate`` (either way if symmetric)."""
    s, p, o, _ = fact
    if p != predicate:
        return False
    return (_key(s, subject) and _key(o, obj)) or (
        predicate in SYMMETRIC and _key(s, obj) and _key(o, subject)
    )


def case(text: str, *expect: Expect, xfail: str | None = None) -> ParameterSet:
    """One sentence and what it must (not) yield; ``xfail`` says what the extractor gets wrong."""
    marks = [pytest.mark.xfail(reason=xfail, strict=True)] if xfail else []
    return pytest.param(text, expect, marks=marks)


# votes: votedFor / votedAgainst / abstainedOn, lists and partitives
VOTES = [
    case(
        "Les États-Unis, le Royaume-Uni et la France ont voté en faveur de la résolution sur "
        "Gaza, tandis que la Russie s'est abstenue.",
        Has("state/USA", "votedFor", RES),
        Has("state/FRA", "votedFor", RES),
        Has("state/RUS", "abstainedOn", RES),
        Lacks("state/RUS", "votedFor", RES),
    ),
    case(
        "NEW YORK, 2 mars (AFP) - La Russie et la Chine ont voté contre le projet de résolution "
        "sur la Syrie présenté par la France.",
        Has("state/RUS", "votedAgainst", RES),
        Has("state/CHN", "votedAgainst", RES),
    ),
    case(
        "Lors du vote de la résolution de l'Assemblée générale, douze pays se sont abstenus, "
        "dont la Chine et l'Inde.",
        Has("state/CHN", "abstainedOn", RES),
        Has("state/IND", "abstainedOn", RES),
    ),
    case(
        "Cent quarante et un pays, dont la France et l'Allemagne, ont voté en faveur de la "
        "résolution.",
        Has("state/FRA", "votedFor", RES),
        Has("state/DEU", "votedFor", RES),
    ),
    case(
        "La résolution a été adoptée par 12 voix, la Russie et la Chine s'y sont opposées.",
        Has("state/RUS", "votedAgainst", RES),
        Has("state/CHN", "votedAgainst", RES),
    ),
    case(
        "L'Algérie a voté en faveur de la résolution du Conseil de sécurité exigeant un "
        "cessez-le-feu à Gaza",
        Has("state/DZA", "votedFor", RES),
    ),
    case(
        "Le Mexique a voté contre la résolution, a déclaré son ambassadeur.",
        Has("state/MEX", "votedAgainst", RES),
    ),
    case(
        "L'Iran, la Syrie et la Corée du Nord ont voté non à la résolution condamnant l'annexion.",
        Has("state/IRN", "votedAgainst", RES),
        Has("state/PRK", "votedAgainst", RES),
    ),
    case(
        "Ont voté contre la résolution : la Russie, la Biélorussie et la Corée du Nord.",
        Has("state/BLR", "votedAgainst", RES),
        xfail="inverted subject after a colon: states after the vote verb are not voters",
    ),
    case(
        "Le projet de résolution a été rejeté : la Russie, la Chine et l'Algérie ont voté "
        "contre, le Guyana s'est abstenu.",
        Has("state/GUY", "abstainedOn", RES),
        Lacks("state/RUS", "abstainedOn", RES),
    ),
]

# negotiatedWith: parties, not hosts or mediators
NEGOTIATIONS = [
    case(
        "Les pourparlers russo-ukrainiens ont repris mardi à Istanbul, sous l'égide de la Turquie.",
        Has("state/RUS", "negotiatedWith", "state/UKR"),
        Lacks("state/TUR", "negotiatedWith", "state/RUS"),
        Lacks("state/TUR", "negotiatedWith", "state/UKR"),
    ),
    case(
        "Les négociations indirectes entre Israël et le Liban, accueillies par le Qatar, ont "
        "repris à Doha.",
        Has("state/LBN", "negotiatedWith", "state/ISR"),
        Lacks("state/QAT", "negotiatedWith", "state/ISR"),
    ),
    case(
        "L'Iran a discuté avec les États-Unis par l'intermédiaire d'Oman.",
        Has("state/USA", "negotiatedWith", "state/IRN"),
        Lacks("state/OMN", "negotiatedWith", "state/IRN"),
    ),
    case(
        "La Chine a accueilli à Pékin des pourparlers entre l'Iran et l'Arabie saoudite.",
        Has("state/IRN", "negotiatedWith", "state/SAU"),
        Lacks("state/CHN", "negotiatedWith", "state/IRN"),
    ),
    case(
        "À Istanbul, la Russie a négocié avec l'Ukraine un accord sur les céréales, sous "
        "l'égide de la Turquie et de l'ONU.",
        Has("state/RUS", "negotiatedWith", "state/UKR"),
        Lacks("body/onu", "negotiatedWith", "state/RUS"),
    ),
    case(
        "Reprise des négociations entre l'Éthiopie et l'Égypte sur le barrage",
        Has("state/ETH", "negotiatedWith", "state/EGY"),
    ),
    case(
        "Les discussions entre Antony Blinken et Sergueï Lavrov n'ont rien donné.",
        Has("person/antony-blinken", "negotiatedWith", "person/serguei-lavrov"),
    ),
    case(
        "Les pourparlers israélo-libanais sur la frontière maritime se sont tenus à Naqoura, "
        "accueillis par les Nations unies.",
        Has("state/ISR", "negotiatedWith", "state/LBN"),
        Lacks("body/onu", "negotiatedWith", "state/LBN"),
    ),
    case(
        "La Turquie a servi de médiateur entre la Russie et l'Ukraine lors des pourparlers "
        "d'Istanbul.",
        Lacks("state/TUR", "negotiatedWith", "state/RUS"),
    ),
    case(
        "Antony Blinken doit discuter avec son homologue chinois Wang Yi à Bali.",
        Has("person/antony-blinken", "negotiatedWith", "person/wang-yi", "planned"),
    ),
    case(
        "Le Soudan et le Soudan du Sud ont entamé des négociations à Addis-Abeba sous l'égide "
        "de l'Union africaine.",
        Has("state/SDN", "negotiatedWith", "state/SSD"),
    ),
    case(
        "Kiev et Moscou ont négocié à Istanbul, sous l'égide de la Turquie.",
        Has("state/UKR", "negotiatedWith", "state/RUS"),
        xfail="coordinated subject of intransitive 'négocier' (no 'avec') gives no pair",
    ),
    case(
        "ISTANBUL, 29 mars (Reuters) - Les délégations russe et ukrainienne ont entamé des "
        "pourparlers au palais de Dolmabahçe, accueillis par le président turc Recep Tayyip "
        "Erdogan.",
        Has("state/RUS", "negotiatedWith", "state/UKR"),
    ),
    case(
        "VIENNE, 8 février (AFP) - L'Iran et les États-Unis ont repris des négociations "
        "indirectes sur le nucléaire, sous l'égide de l'Union européenne.",
        Has("state/IRN", "negotiatedWith", "state/USA"),
        xfail="parties as the subject of 'reprendre des négociations' are not read",
    ),
    case(
        "Le négociateur iranien Ali Bagheri a discuté avec l'émissaire américain Robert Malley.",
        Has("person/ali-bagheri", "negotiatedWith", "person/robert-malley"),
        xfail="'discuter avec' between two role-titled people yields nothing",
    ),
]

# visited: people (or states) to places or states
VISITS = [
    case(
        "Le président chinois Xi Jinping est arrivé à Moscou lundi pour une visite d'État de "
        "trois jours.",
        Has("person/xi-jinping", "visited", "place/moscou"),
    ),
    case(
        "Antonio Guterres s'est rendu mardi à Port-Soudan, où il a rencontré le général Abdel "
        "Fattah al-Burhane.",
        Has("person/antonio-guterres", "visited", "place/port-soudan"),
    ),
    case(
        "Antony Blinken, secrétaire d'État américain, est arrivé à Doha.",
        Has("person/antony-blinken", "visited", "place/doha"),
    ),
    case(
        "Antony Blinken se rend en Arabie saoudite",
        Has("person/antony-blinken", "visited", "state/SAU"),
    ),
    case(
        "Antony Blinken a visité Kiev mercredi.",
        Has("person/antony-blinken", "visited", "place/kiev"),
        xfail="a capital as direct object of 'visiter' is read as the government (state/UKR)",
    ),
    case(
        "Visite d'Antonio Guterres à Khartoum",
        Has("person/antonio-guterres", "visited", "place/khartoum"),
    ),
    case(
        "En visite à Pékin, Antony Blinken a rencontré Xi Jinping.",
        Has("person/antony-blinken", "visited", "place/pekin"),
    ),
    case(
        "Guterres en visite au Soudan",
        Has("person/antonio-guterres", "visited", "state/SDN"),
        xfail="a lone surname in a headline is taken for a place (place/guterres)",
    ),
    case(
        "Le président Emmanuel Macron a entamé mercredi une visite de trois jours en Chine.",
        Has("person/emmanuel-macron", "visited", "state/CHN"),
    ),
    case(
        "Le président brésilien Lula s'est rendu à Pékin.",
        Has("person/lula", "visited", "place/pekin"),
        xfail="the one-word name 'Lula' is not a person; the role's state (BRA) is the visitor",
    ),
]

# met: person with person, either order; "X a reçu Y" is hosted (ontology: kg:hosted)
MEETINGS = [
    case(
        "Antony Blinken s'est entretenu avec Wang Yi à Munich samedi.",
        Has("person/wang-yi", "met", "person/antony-blinken"),
    ),
    case(
        "Antonio Guterres a reçu Volodymyr Zelensky à New York.",
        Has("person/antonio-guterres", "hosted", "person/volodymyr-zelensky"),
    ),
    case(
        "Le chancelier allemand Olaf Scholz a partagé un dîner avec le président français "
        "Emmanuel Macron.",
        Has("person/olaf-scholz", "met", "person/emmanuel-macron"),
    ),
    case(
        "Antonio Guterres a rencontré à Ankara le président turc Recep Tayyip Erdogan.",
        Has("person/antonio-guterres", "met", "person/recep-tayyip-erdogan"),
    ),
    case(
        "Wang Yi, ministre chinois des Affaires étrangères, a reçu son homologue russe Sergueï "
        "Lavrov à Pékin.",
        Has("person/wang-yi", "hosted", "person/serguei-lavrov"),
    ),
    case(
        "Xi Jinping et Vladimir Poutine se sont rencontrés au Kremlin.",
        Has("person/xi-jinping", "met", "person/vladimir-poutine"),
        xfail="reciprocal 'se rencontrer' with a coordinated subject gives no pair",
    ),
    case(
        "WASHINGTON, 15 novembre (AFP) - Joe Biden et Xi Jinping se sont entretenus pendant "
        "quatre heures à Woodside, en Californie.",
        Has("person/joe-biden", "met", "person/xi-jinping"),
        xfail="reciprocal 's'entretenir' with a coordinated subject gives no pair",
    ),
    case(
        "Le président iranien Ebrahim Raïssi a été reçu par Vladimir Poutine au Kremlin.",
        Has("person/vladimir-poutine", "hosted", "person/ebrahim-raissi"),
    ),
    case(
        "Entretien entre Antony Blinken et Sergueï Lavrov à Genève",
        Has("person/antony-blinken", "met", "person/serguei-lavrov"),
        xfail="meeting noun with 'entre X et Y' (no 'avec') yields nothing",
    ),
]

# holdsPost: role nouns in apposition
POSTS = [
    case(
        "Le ministre chinois des Affaires étrangères Wang Yi a exhorté Washington à la retenue.",
        Has("person/wang-yi", "holdsPost", "post/ministre-des-affaires-etrangeres-CHN"),
    ),
    case(
        "Antony Blinken, secrétaire d'État américain, a quitté Tel-Aviv.",
        Has("person/antony-blinken", "holdsPost", "post/secretaire-d-etat-USA"),
    ),
    case(
        "Le président turc Recep Tayyip Erdogan a proposé sa médiation.",
        Has("person/recep-tayyip-erdogan", "holdsPost", "post/president-TUR"),
    ),
    case(
        "Le Premier ministre israélien Benyamin Netanyahou a rejeté l'appel.",
        Has("person/benyamin-netanyahou", "holdsPost", "post/premier-ministre-ISR"),
    ),
    case(
        "Catherine Colonna, ministre française des Affaires étrangères, a condamné l'attaque.",
        Has("person/catherine-colonna", "holdsPost", "post/ministre-des-affaires-etrangeres-FRA"),
    ),
    case(
        "Le secrétaire général de l'ONU Antonio Guterres a appelé à un cessez-le-feu.",
        Has("person/antonio-guterres", "holdsPost", "post/secretaire-general-onu"),
    ),
    case(
        "L'ambassadeur russe auprès de l'ONU Vassili Nebenzia a quitté la salle.",
        Has("person/vassili-nebenzia", "holdsPost", "post/ambassadeur-aupres-de-l-onu-RUS"),
    ),
    case(
        "L'ambassadrice américaine à l'ONU Linda Thomas-Greenfield a pris la parole.",
        Has("person/linda-thomas-greenfield", "holdsPost", "post/ambassadrice-a-l-onu-USA"),
    ),
]

# condemned, accused, demanded, supported
STANCES = [
    case(
        "La France a condamné les frappes israéliennes sur Rafah.",
        Has("state/FRA", "condemned", "state/ISR"),
    ),
    case(
        "Antonio Guterres a fermement condamné l'attaque de l'Iran contre Israël.",
        Has("person/antonio-guterres", "condemned", "state/IRN"),
        Lacks("person/antonio-guterres", "condemned", "state/ISR"),
    ),
    case(
        "L'agression russe a été dénoncée par le Japon.", Has("state/JPN", "condemned", "state/RUS")
    ),
    case("Pékin dénonce les sanctions américaines", Has("state/CHN", "condemned", "state/USA")),
    case(
        "L'Union européenne a condamné la Russie, a déclaré Josep Borrell.",
        Has("body/ue", "condemned", "state/RUS"),
    ),
    case(
        "Téhéran accuse Washington de saboter les négociations sur le nucléaire.",
        Has("state/IRN", "accused", "state/USA"),
    ),
    case(
        "Israël est accusé par l'Afrique du Sud de commettre un génocide à Gaza.",
        Has("state/ZAF", "accused", "state/ISR"),
    ),
    case(
        "Le Soudan accuse les Émirats arabes unis d'armer les paramilitaires.",
        Has("state/SDN", "accused", "state/ARE"),
    ),
    case(
        "KHARTOUM, 10 avril (AFP) - L'armée soudanaise accuse le Tchad de laisser passer des "
        "armes.",
        Has("state/SDN", "accused", "state/TCD"),
    ),
    case(
        "La Russie, accusée par l'Ukraine de crimes de guerre, rejette ces allégations.",
        Has("state/UKR", "accused", "state/RUS"),
        xfail="participial apposition 'X, accusée par Y' yields nothing",
    ),
    case(
        "Antonio Guterres a appelé la Russie à retirer ses troupes.",
        Has("person/antonio-guterres", "demanded", "state/RUS"),
    ),
    case(
        "Les États-Unis ont demandé à la Chine de cesser ses livraisons à la Russie.",
        Has("state/USA", "demanded", "state/CHN"),
        Lacks("state/USA", "demanded", "state/RUS"),
    ),
    case(
        "Dans une lettre, le Qatar a demandé au Hamas et à Israël de conclure une trêve.",
        Has("state/QAT", "demanded", "state/ISR"),
    ),
    case(
        "Le Conseil de sécurité exige d'Israël qu'il lève le siège de Gaza.",
        Has("body/conseil-de-securite-onu", "demanded", "state/ISR"),
        xfail="'exiger de X que …' yields no demanded",
    ),
    case(
        "Paris réclame à Moscou la libération du journaliste.",
        Has("state/FRA", "demanded", "state/RUS"),
        xfail="sentence-initial 'Paris' is no mention and 'à Moscou' after 'réclamer' is a place",
    ),
    case("L'Allemagne soutient Israël.", Has("state/DEU", "supported", "state/ISR")),
    case(
        "Le Brésil soutient la résolution présentée par l'Algérie.",
        Has("state/BRA", "supported", RES),
        xfail="support for a text is read as an asserted votedFor, not supported",
    ),
    case("Washington appuie la médiation du Qatar.", Has("state/USA", "supported", "state/QAT")),
    case(
        "La Chine a apporté son soutien à la Russie.",
        Has("state/CHN", "supported", "state/RUS"),
        xfail="nominal 'apporter son soutien à X' yields nothing",
    ),
    case(
        "L'Arabie saoudite et la Jordanie ont soutenu le projet de résolution déposé par l'Égypte.",
        Has("state/SAU", "supported", RES),
        Has("state/JOR", "supported", RES),
        xfail="support for a text is read as votedFor, not supported",
    ),
    case(
        "Soutenue par les États-Unis, l'Ukraine a présenté un projet de résolution.",
        Has("state/USA", "supported", "state/UKR"),
        xfail="fronted participle 'Soutenue par X, Y' yields no supported",
    ),
]

# drafted, vetoed, withdrew: resolutions
RESOLUTIONS = [
    case(
        "La France a présenté un projet de résolution sur la Syrie.",
        Has("state/FRA", "drafted", RES),
    ),
    case(
        "Malte a déposé un projet de résolution sur les enfants de Gaza.",
        Has("state/MLT", "drafted", RES),
    ),
    case(
        "Le projet de résolution, rédigé par les États-Unis, demande un cessez-le-feu immédiat.",
        Has("state/USA", "drafted", RES),
    ),
    case(
        "Le projet de texte proposé par le Japon et la Suisse a été rejeté.",
        Has("state/JPN", "drafted", RES),
        Has("state/CHE", "drafted", RES),
        xfail="reduced relative 'proposé par X et Y': the second agent (CHE) is dropped",
    ),
    case(
        "Présenté par le Brésil, le projet de résolution appelait à des pauses humanitaires.",
        Has("state/BRA", "drafted", RES),
    ),
    case(
        "La Russie a bloqué le projet de résolution sur la Syrie.", Has("state/RUS", "vetoed", RES)
    ),
    case("Le projet de résolution a été bloqué par la Russie.", Has("state/RUS", "vetoed", RES)),
    case(
        "NEW YORK, 18 octobre (AFP) - Les États-Unis ont bloqué mercredi un projet de résolution "
        "brésilien.",
        Has("state/USA", "vetoed", RES),
        Lacks("state/BRA", "vetoed", RES),
    ),
    case(
        "Les États-Unis ont opposé leur veto à la résolution sur Gaza.",
        Has("state/USA", "vetoed", RES),
    ),
    case(
        "La Chine et la Russie ont mis leur veto au projet de résolution américain.",
        Has("state/CHN", "vetoed", RES),
        Has("state/RUS", "vetoed", RES),
    ),
    case(
        "Veto russe au Conseil de sécurité sur une résolution concernant le Soudan",
        Has("state/RUS", "vetoed", RES),
        xfail="headline noun 'veto russe' yields nothing",
    ),
    case("Le Mexique a retiré son projet de résolution.", Has("state/MEX", "withdrew", RES)),
    case(
        "Sous la pression de Washington, l'Égypte a retiré mardi le projet de résolution "
        "qu'elle avait déposé.",
        Has("state/EGY", "withdrew", RES),
        Lacks("state/USA", "withdrew", RES),
    ),
    case(
        "Le projet de résolution a été retiré par le Royaume-Uni avant le vote.",
        Has("state/GBR", "withdrew", RES),
    ),
    case(
        "NEW YORK, 3 juin (AFP) - Le Japon retire sa résolution sur la Corée du Nord",
        Has("state/JPN", "withdrew", RES),
    ),
    case(
        "Les Émirats arabes unis ont finalement retiré leur projet de résolution sur le Soudan.",
        Has("state/ARE", "withdrew", RES),
        xfail="'leur projet de résolution' after an adverb is not taken as the object",
    ),
]

# attacked: verbs and nouns; only states count as ends
ATTACKS = [
    case(
        "La Russie a envahi l'Ukraine le 24 février 2022.",
        Has("state/RUS", "attacked", "state/UKR"),
    ),
    case(
        "L'invasion de l'Ukraine par la Russie a été condamnée par 141 pays.",
        Has("state/RUS", "attacked", "state/UKR"),
        Lacks("state/UKR", "attacked", "state/RUS"),
    ),
    case(
        "Les frappes israéliennes sur le Liban se sont intensifiées.",
        Has("state/ISR", "attacked", "state/LBN"),
    ),
    case(
        "L'offensive russe contre l'Ukraine entre dans sa troisième année.",
        Has("state/RUS", "attacked", "state/UKR"),
    ),
    case(
        "Israël a bombardé la Syrie, selon l'agence officielle Sana.",
        Has("state/ISR", "attacked", "state/SYR"),
    ),
    case(
        "Les frappes israéliennes sur Gaza ont fait des dizaines de morts.",
        Lacks("state/ISR", "attacked", "place/gaza"),
        xfail="a place (Gaza) is taken as the target of an attack noun; only states should be",
    ),
    case(
        "L'armée israélienne a frappé l'Iran dans la nuit de vendredi.",
        Has("state/ISR", "attacked", "state/IRN"),
    ),
    case(
        "Bombardement de la Syrie par la Turquie",
        Has("state/TUR", "attacked", "state/SYR"),
        xfail="headline noun 'bombardement de X par Y' yields nothing",
    ),
]

# modality: planned vs asserted
MODALITY = [
    case(
        "Emmanuel Macron se rendra en Chine la semaine prochaine.",
        Has("person/emmanuel-macron", "visited", "state/CHN", "planned"),
    ),
    case(
        "Antonio Guterres s'est rendu en Égypte la semaine dernière.",
        Has("person/antonio-guterres", "visited", "state/EGY", "asserted"),
    ),
    case(
        "Antonio Guterres doit se rendre en Israël la semaine prochaine.",
        Has("person/antonio-guterres", "visited", "state/ISR", "planned"),
    ),
    case(
        "Xi Jinping devrait rencontrer Joe Biden en Californie.",
        Has("person/xi-jinping", "met", "person/joe-biden", "planned"),
    ),
    case(
        "Des pourparlers entre Washington et Téhéran sont prévus samedi à Mascate.",
        Has("state/USA", "negotiatedWith", "state/IRN", "planned"),
        xfail="capitals as parties ('entre Washington et Téhéran') give no pair; names do",
    ),
    case(
        "Emmanuel Macron s'entretiendra vendredi avec Xi Jinping à Canton.",
        Has("person/emmanuel-macron", "met", "person/xi-jinping", "planned"),
    ),
    case(
        "Xi Jinping effectuera une visite d'État en France en mai.",
        Has("person/xi-jinping", "visited", "state/FRA", "planned"),
    ),
    case(
        "La Corée du Nord soutiendra la Russie, a déclaré Kim Jong-un.",
        Has("state/PRK", "supported", "state/RUS", "planned"),
    ),
    case(
        "Le Royaume-Uni proposera un projet de résolution sur le Soudan.",
        Has("state/GBR", "drafted", RES, "planned"),
    ),
    case(
        "Emmanuel Macron va rencontrer Volodymyr Zelensky à Paris.",
        Has("person/emmanuel-macron", "met", "person/volodymyr-zelensky", "planned"),
        Lacks("person/emmanuel-macron", "visited", "place/paris"),
    ),
    case(
        "Emmanuel Macron rencontrera Xi Jinping à Pékin jeudi.",
        Has("person/emmanuel-macron", "met", "person/xi-jinping", "planned"),
    ),
    case(
        "Joe Biden va rencontrer Xi Jinping en marge du sommet de l'APEC.",
        Has("person/joe-biden", "met", "person/xi-jinping", "planned"),
    ),
    case(
        "Emmanuel Macron offrira un dîner d'État à Xi Jinping à l'Élysée lundi.",
        Has("person/emmanuel-macron", "met", "person/xi-jinping", "planned"),
        xfail="'offrir un dîner à X' (guest with 'à', not 'avec') yields no meeting",
    ),
    case(
        "Recep Tayyip Erdogan doit se rendre à Téhéran en juillet.",
        Has("person/recep-tayyip-erdogan", "visited", "place/teheran", "planned"),
        xfail="sentence-initial 'Recep Tayyip Erdogan' without a title is no person mention",
    ),
    case(
        "Le président chinois Xi Jinping se rendra à Paris en mai, puis en Serbie.",
        Has("person/xi-jinping", "visited", "place/paris", "planned"),
    ),
    case(
        "L'envoyé spécial américain Amos Hochstein se rendra au Liban.",
        Has("person/amos-hochstein", "visited", "state/LBN", "planned"),
    ),
]

# negatives: denials, negations, conditionals, teasers
NEGATIVES = [
    case("Moscou nie avoir attaqué l'Ukraine.", Lacks("state/RUS", "attacked", "state/UKR")),
    case(
        "La France n'a pas voté contre le projet de résolution.",
        Lacks("state/FRA", "votedAgainst", RES),
    ),
    case(
        "Selon des diplomates, la Chine aurait bloqué la résolution sur la Birmanie.",
        Lacks("state/CHN", "vetoed", RES),
    ),
    case(
        "Emmanuel Macron pourrait rencontrer Vladimir Poutine dans les prochaines semaines.",
        Lacks("person/emmanuel-macron", "met", "person/vladimir-poutine"),
    ),
    case(
        "L'Iran pourrait discuter avec les États-Unis, selon un diplomate.",
        Lacks("state/IRN", "negotiatedWith", "state/USA"),
    ),
    case("L'Inde n'a jamais condamné la Russie.", Lacks("state/IND", "condemned", "state/RUS")),
    case("Les États-Unis ne soutiendront pas la résolution.", Lacks("state/USA", "supported", RES)),
    case(
        "Joe Biden ne rencontrera pas Vladimir Poutine à Genève.",
        Lacks("person/joe-biden", "met", "person/vladimir-poutine"),
    ),
    case(
        "Le Brésil ne s'est pas abstenu lors du vote sur la résolution.",
        Lacks("state/BRA", "abstainedOn", RES),
    ),
    case(
        "Le Kremlin a démenti que Vladimir Poutine ait rencontré Recep Tayyip Erdogan.",
        Lacks("person/vladimir-poutine", "met", "person/recep-tayyip-erdogan"),
    ),
    case(
        "Antony Blinken s'est rendu en Égypte mardi.\n\nÀ lire aussi\n\nLa Russie et la Chine "
        "ont voté contre la résolution sur la Syrie",
        Has("person/antony-blinken", "visited", "state/EGY"),
        Lacks("state/RUS", "votedAgainst", RES),
    ),
    case(
        "Antonio Guterres est arrivé à Nairobi.\n\nVoir aussi\n\nXi Jinping rencontrera Joe "
        "Biden en novembre",
        Lacks("person/xi-jinping", "met", "person/joe-biden"),
    ),
    case("Téhéran dément avoir attaqué Israël.", Lacks("state/IRN", "attacked", "state/ISR")),
    case(
        "Israël dément avoir bombardé le Liban",
        Lacks("state/ISR", "attacked", "state/LBN"),
        xfail="the model tags 'dément' as ADV (lemma 'dément'): the denial is missed",
    ),
    case(
        "L'Inde a refusé de condamner la Russie.",
        Lacks("state/IND", "condemned", "state/RUS"),
        xfail="'refuser de' is not a negation: the refused condemnation is asserted",
    ),
    case(
        "Washington a accusé Pékin, mardi, de soutenir l'effort de guerre russe.",
        Has("state/USA", "accused", "state/CHN"),
        Lacks("state/USA", "supported", "state/RUS"),
        xfail="the accuser is made subject of the accused act: USA supported RUS",
    ),
]

FAMILIES: dict[str, Sequence[ParameterSet]] = {
    "votes": VOTES,
    "negotiations": NEGOTIATIONS,
    "visits": VISITS,
    "meetings": MEETINGS,
    "posts": POSTS,
    "stances": STANCES,
    "resolutions": RESOLUTIONS,
    "attacks": ATTACKS,
    "modality": MODALITY,
    "negatives": NEGATIVES,
}


def _named() -> list[ParameterSet]:
    """Every case, with an id of its family and first words (after any dateline)."""
    out = []
    for family, params in FAMILIES.items():
        for param in params:
            text = str(param.values[0])
            words = "-".join(re.findall(r"\w+", text.split(" - ")[-1])[:6]).lower()
            out.append(pytest.param(*param.values, marks=param.marks, id=f"{family}-{words}"))
    return out


@pytest.mark.parametrize(("text", "expect"), _named())
def test_extract_paraphrases(
    facts: Callable[[str], set[Quad]], text: str, expect: tuple[Expect, ...]
) -> None:
    found = facts(text)
    for item in expect:
        if isinstance(item, Has):
            assert any(_links(f, *item[:3]) and f[3] == item.modality for f in found), (
                f"missing {tuple(item)} in {sorted(found)}"
            )
        else:
            wrong = [f for f in found if f[3] in DIRECT and _links(f, *item)]
            assert not wrong, f"unexpected direct edge {wrong}"
