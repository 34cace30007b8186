"""Modality of facts: only asserted and planned facts become direct edges."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.build import extract_text


@pytest.fixture(scope="module")
def modalities() -> Callable[[str, str], set[str]]:
    def run(text: str, predicate: str) -> set[str]:
        result = extract_text(text)
        return {f.modality.value for f in result.facts if f.predicate == predicate}

    return run


@pytest.mark.parametrize(
    "text,predicate,expected",
    [
        ("Le président Emmanuel Macron se rendra à Pékin en avril.", "visited", "planned"),
        ("Joe Biden va rencontrer Xi Jinping à Bali.", "met", "planned"),
        (
            "Le chef de l'État chinois a invité Vladimir Poutine à se rendre en Chine.",
            "visited",
            "planned",
        ),
        (
            "Xi Jinping s'est dit disposé à s'entretenir avec Volodymyr Zelensky.",
            "met",
            "hypothetical",
        ),
        ("La Russie se dit prête à négocier avec l'Ukraine.", "negotiatedWith", "hypothetical"),
        ("Moscou nie avoir attaqué l'Ukraine.", "attacked", "denied"),
        ("La France n'a pas condamné la Russie.", "condemned", "negated"),
        ("La Chine aurait bloqué la résolution, selon des diplomates.", "vetoed", "hypothetical"),
        (
            "La Syrie a voté contre la résolution de l'Assemblée générale.",
            "votedAgainst",
            "asserted",
        ),
        (
            "Moscou affirme que les forces ukrainiennes ont bombardé Donetsk.",
            "attacked",
            "reported",
        ),
        (
            "Le texte, soutenu par l'Union européenne et présenté par l'Ukraine, a été adopté par "
            "l'Assemblée générale.",
            "drafted",
            "asserted",
        ),
    ],
)
def test_extract_modality(
    modalities: Callable[[str, str], set[str]], text: str, predicate: str, expected: str
) -> None:
    assert modalities(text, predicate) == {expected}
