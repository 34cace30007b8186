from __future__ import annotations

from kg.gazetteer import load_gazetteer
from kg.model import DocResult, Document, EntityType, Mention
from kg.resolve import resolve


def person(doc_id: str, text: str) -> DocResult:
    key = "person/" + text.lower().replace(" ", "-").replace("ï", "i").replace("é", "e")
    mention = Mention(key, EntityType.PERSON, text, 0, len(text), text)
    return DocResult(Document(doc_id, text, f"{doc_id}.txt"), mentions=(mention,))


def people(*names: str) -> dict[str, set[str]]:
    results = [person(f"d{i}", name) for i, name in enumerate(names)]
    _, catalogue = resolve(results, load_gazetteer())
    return {e.label: e.aliases for e in catalogue.entities.values()}


def test_resolve_spelling_variants_are_one_person() -> None:
    found = people("Vladimir Medinski", "Vladimir Medinsky", "Vladimir Medinski")
    assert list(found) == ["Vladimir Medinski"]
    assert found["Vladimir Medinski"] == {"Vladimir Medinski", "Vladimir Medinsky"}


def test_resolve_transliterations_are_one_person() -> None:
    assert len(people("Sergiy Kyslytsya", "Serguiï Kyslytsya", "Sergueï Kislitsa")) == 1
    assert len(people("Volodymyr Zelensky", "Volodymyr Zelenskiy", "Volodymyr Zelenski")) == 1


def test_resolve_lone_surname_joins_its_only_full_name() -> None:
    assert list(people("Antonio Guterres", "Guterres")) == ["Antonio Guterres"]


def test_resolve_people_sharing_a_surname_stay_apart() -> None:
    assert set(people("Joe Biden", "Hunter Biden")) == {"Joe Biden", "Hunter Biden"}
    assert set(people("Ali Khamenei", "Mojtaba Khamenei")) == {"Ali Khamenei", "Mojtaba Khamenei"}


def test_resolve_ambiguous_lone_surname_is_not_merged() -> None:
    found = people("Joe Biden", "Hunter Biden", "Biden")
    assert set(found) == {"Joe Biden", "Hunter Biden", "Biden"}
