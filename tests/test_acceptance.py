"""What the seed graph must answer, each fact with the sentence it came from (issue 2)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.query import execute, to_table
from tests.conftest import SeedBuild

PREFIXES = """PREFIX kg: <https://w3id.org/kgfr/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


def rows(build: SeedBuild, sparql: str) -> list[tuple[str | None, ...]]:
    return list(to_table(execute(PREFIXES + sparql, store=build.out / "store")).rows)


def statement_sentences(build: SeedBuild, s: str, p: str, o: str, extra: str = "") -> list[str]:
    found = rows(
        build,
        f"""
        SELECT ?sentence WHERE {{
          {s} kg:{p} {o} .
          ?st rdf:subject {s} ; rdf:predicate kg:{p} ; rdf:object {o} ;
              kg:evidence/kg:sentence ?sentence . {extra}
        }}""",
    )
    return [r[0] or "" for r in found]


@pytest.mark.parametrize("state", ["RUS", "BLR", "ERI", "PRK", "SYR"])
def test_acceptance_voted_against_the_resolution_of_2_march_2022(
    seed_build: SeedBuild, state: str
) -> None:
    res = "<https://w3id.org/kgfr/id/resolution/assemblee-generale-onu-2022-03-02>"
    sentences = statement_sentences(
        seed_build, f"<https://w3id.org/kgfr/id/state/{state}>", "votedAgainst", res
    )
    assert any("voté non" in s for s in sentences)


def test_acceptance_china_abstained(seed_build: SeedBuild) -> None:
    res = "<https://w3id.org/kgfr/id/resolution/assemblee-generale-onu-2022-03-02>"
    sentences = statement_sentences(
        seed_build, "<https://w3id.org/kgfr/id/state/CHN>", "abstainedOn", res
    )
    assert any("Chine" in s and "absten" in s for s in sentences)


def test_acceptance_tally_141_5_35(seed_build: SeedBuild) -> None:
    found = rows(
        seed_build,
        """SELECT ?for ?against ?abst ?date WHERE {
        <https://w3id.org/kgfr/id/resolution/assemblee-generale-onu-2022-03-02> kg:votesFor ?for ;
            kg:votesAgainst ?against ; kg:abstentions ?abst ; kg:date ?date }""",
    )
    assert found == [("141", "5", "35", "2022-03-02")]


def test_acceptance_russia_ukraine_negotiate_in_belarus_second_round_planned(
    seed_build: SeedBuild,
) -> None:
    sentences = statement_sentences(
        seed_build,
        "<https://w3id.org/kgfr/id/state/RUS>",
        "negotiatedWith",
        "<https://w3id.org/kgfr/id/state/UKR>",
        "?st kg:place <https://w3id.org/kgfr/id/state/BLR> ; kg:round 2 ; kg:modality kg:planned .",
    )
    assert any("deuxième" in s for s in sentences)


def test_acceptance_guterres_visits_moscow_planned(seed_build: SeedBuild) -> None:
    sentences = statement_sentences(
        seed_build,
        "<https://w3id.org/kgfr/id/person/antonio-guterres>",
        "visited",
        "<https://w3id.org/kgfr/id/place/moscou>",
        "?st kg:modality kg:planned .",
    )
    assert any("se rendra à Moscou" in s for s in sentences)


@pytest.mark.parametrize("other", ["vladimir-poutine", "sergei-lavrov"])
def test_acceptance_guterres_meets(seed_build: SeedBuild, other: str) -> None:
    sentences = statement_sentences(
        seed_build,
        "<https://w3id.org/kgfr/id/person/antonio-guterres>",
        "met",
        f"<https://w3id.org/kgfr/id/person/{other}>",
        "?st kg:modality kg:planned .",
    )
    assert sentences


def test_acceptance_no_junk_entities(seed_build: SeedBuild) -> None:
    labels = {
        r[0]
        for r in rows(
            seed_build,
            "SELECT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label>"
            "|<http://www.w3.org/2004/02/skos/core#altLabel> ?l }",
        )
    }
    assert "Russie" in labels
    for junk in ("n’", "n'", "Partager", "VIDEO", "March 2", "États - dont la Chine"):
        assert junk not in labels


def test_acceptance_store_is_a_real_oxigraph_store(seed_build: SeedBuild) -> None:
    store = ox.Store.read_only(str(seed_build.out / "store"))
    assert len(store) == seed_build.summary.quads > 0
