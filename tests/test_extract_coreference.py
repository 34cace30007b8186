"""In-document references: unnamed roles, pronouns, relative subjects, bare 'le texte'."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.build import extract_text

Facts = set[tuple[str, str, str, str]]


@pytest.fixture(scope="module")
def facts() -> Callable[[str], Facts]:

    def run(text: str) -> Facts:
        result = extract_text(text)
        return {(f.subject, f.predicate, f.object, f.modality.value) for f in result.facts}

    return run


def test_extract_unnamed_leader_is_the_named_holder(facts: Callable[[str], Facts]) -> None:
    found = facts(
        "Le président chinois Xi Jinping est arrivé lundi à Moscou. "
        "Le dirigeant chinois rencontrera mardi le président russe Vladimir Poutine."
    )
    assert ("person/xi-jinping", "met", "person/vladimir-poutine", "planned") in found


def test_extract_plural_role_names_nobody(facts: Callable[[str], Facts]) -> None:
    found = facts(
        "L'ambassadeur ukrainien Sergiy Kyslytsya a pris la parole. "
        "Des émissaires ukrainiens se sont rendus à Minsk."
    )
    assert not any(f[0] == "person/sergiy-kyslytsya" and f[1] == "visited" for f in found)


def test_extract_relative_subject(facts: Callable[[str], Facts]) -> None:
    found = facts("Emmanuel Macron, qui avait rencontré Olaf Scholz à Berlin, a salué l'accord.")
    assert any(
        f[1] == "met" and {f[0], f[2]} == {"person/emmanuel-macron", "person/olaf-scholz"}
        for f in found
    )


def test_extract_bare_text_refers_to_the_draft(facts: Callable[[str], Facts]) -> None:
    found = facts(
        "La Russie a opposé son veto à un projet de résolution du Conseil de sécurité. "
        "Le texte, préparé par les États-Unis et l'Albanie, a recueilli dix voix."
    )
    resolutions = {f[2] for f in found if f[1] in ("vetoed", "drafted")}
    assert len(resolutions) == 1
    assert {("state/USA", "drafted"), ("state/ALB", "drafted"), ("state/RUS", "vetoed")} <= {
        (f[0], f[1]) for f in found
    }
