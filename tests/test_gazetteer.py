from __future__ import annotations

import pytest

from kg.gazetteer import inflect, load_gazetteer


def test_gazetteer_has_every_un_member_and_observer() -> None:
    gaz = load_gazetteer()
    assert len(gaz.states) == 195
    assert {"PSE", "VAT", "SSD", "RUS", "BLR"} <= set(gaz.states)
    assert "TWN" not in gaz.states and "GRL" not in gaz.states


@pytest.mark.parametrize(
    "name,iso",
    [
        ("Bélarus", "BLR"),
        ("Belarus", "BLR"),
        ("Biélorussie", "BLR"),
        ("Etats-Unis", "USA"),
        ("États-Unis", "USA"),
        ("Corée du Nord", "PRK"),
        ("Fédération de Russie", "RUS"),
        ("République arabe syrienne", "SYR"),
        ("Moscou", "RUS"),
        ("Kiev", "UKR"),
        ("Kyiv", "UKR"),
        ("russe", "RUS"),
        ("ukrainiennes", "UKR"),
        ("américaine", "USA"),
        ("Russes", "RUS"),
        ("Myanmar", "MMR"),
        ("Birmanie", "MMR"),
        ("Côte d’Ivoire", "CIV"),
        ("Tchéquie", "CZE"),
    ],
)
def test_gazetteer_state_names(name: str, iso: str) -> None:
    assert load_gazetteer().state_key(name) == f"state/{iso}"


@pytest.mark.parametrize("ambiguous", ["Corée", "Congo"])
def test_gazetteer_ambiguous_names_are_not_states(ambiguous: str) -> None:
    assert load_gazetteer().state_key(ambiguous) is None


def test_gazetteer_bodies_from_ontology() -> None:
    gaz = load_gazetteer()
    assert gaz.body_names["onu"] == "body/onu"
    assert gaz.body_names["conseil de securite"] == "body/conseil-de-securite-onu"


@pytest.mark.parametrize(
    "adjective,forms",
    [
        ("grec", {"grec", "grecs", "grecque", "grecques"}),
        ("russe", {"russe", "russes"}),
        ("chinois", {"chinois", "chinoise", "chinoises"}),
        ("américain", {"américain", "américains", "américaine", "américaines"}),
    ],
)
def test_gazetteer_inflect(adjective: str, forms: set[str]) -> None:
    assert inflect(adjective) == forms
