"""Phrasings met while probing the extractor on text of the genre (none from the seeds)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.build import extract_text

Triples = set[tuple[str, str, str]]
TEL_AVIV = (
    "Le secrétaire d'État américain Antony Blinken est arrivé dimanche à Tel-Aviv, où il doit "
    "rencontrer Benyamin Netanyahou."
)


@pytest.fixture(scope="module")
def triples() -> Callable[[str], Triples]:
    def run(text: str) -> Triples:
        result = extract_text(text)
        return {
            (
                f.subject,
                f.predicate,
                "resolution/" if f.object.startswith("resolution/") else f.object,
            )
            for f in result.facts
            if f.modality.direct
        }

    return run


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Le projet de résolution n'a pas été adopté, la Russie ayant fait usage de son droit "
            "de veto.",
            ("state/RUS", "vetoed", "resolution/"),
        ),
        (
            "Kiev et Moscou ont repris leurs négociations lundi à Istanbul.",
            ("state/RUS", "negotiatedWith", "state/UKR"),
        ),
        (
            TEL_AVIV,
            ("person/antony-blinken", "visited", "place/tel-aviv"),
        ),
        (
            TEL_AVIV,
            ("person/antony-blinken", "met", "person/benyamin-netanyahou"),
        ),
        (
            "La France a voté en faveur du texte, a indiqué son ambassadeur Nicolas de Rivière.",
            ("person/nicolas-de-riviere", "holdsPost", "post/ambassadeur-FRA"),
        ),
        (
            "Le ministre turc des Affaires étrangères Hakan Fidan s'est entretenu au téléphone "
            "avec son homologue russe Sergueï Lavrov.",
            ("person/hakan-fidan", "met", "person/serguei-lavrov"),
        ),
        # The parser hangs the person on the place before it ("à Berlin le chancelier …"):
        # a phrase set after a name with neither comma nor preposition is the verb's.
        (
            "Le président français Emmanuel Macron a rencontré mardi à Berlin le chancelier "
            "allemand Olaf Scholz.",
            ("person/emmanuel-macron", "met", "person/olaf-scholz"),
        ),
        (
            "Sergueï Lavrov a rencontré jeudi à Ankara son homologue turc Hakan Fidan.",
            ("person/serguei-lavrov", "met", "person/hakan-fidan"),
        ),
        (
            "Antony Blinken a rencontré lundi à Pékin le président chinois Xi Jinping.",
            ("person/antony-blinken", "met", "person/xi-jinping"),
        ),
    ],
)
def test_extract_phrasing(
    triples: Callable[[str], Triples], text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(text)


def test_extract_a_right_of_veto_held_is_not_a_veto(triples: Callable[[str], Triples]) -> None:
    found = triples(
        "Si la Russie dispose d'un droit de veto au Conseil de sécurité, aucun pays "
        "ne peut bloquer une résolution de l'Assemblée générale."
    )
    assert not any(p == "vetoed" for _, p, _ in found)


def test_extract_mediator_is_not_a_party(triples: Callable[[str], Triples]) -> None:
    found = triples(
        "Des négociations entre Israël et le Hamas se tiendront au Caire la semaine "
        "prochaine, sous l'égide de l'Égypte."
    )
    assert ("body/hamas", "negotiatedWith", "state/ISR") in found
    assert not any("state/EGY" in (s, o) for s, p, o in found if p == "negotiatedWith")


def test_extract_a_role_without_a_name_after_a_place_is_no_party(
    triples: Callable[[str], Triples],
) -> None:
    """The phrase after "à New York" is the verb's object, but an unnamed ambassador is no
    person the graph knows, nor his state a party to the meeting."""
    found = triples("Antony Blinken a rencontré jeudi à New York l'ambassadeur russe.")
    assert not any(p == "met" for _, p, _ in found)
