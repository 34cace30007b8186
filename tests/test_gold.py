"""The seed graph scored against the hand-made gold annotations."""

from __future__ import annotations

from kg.evaluate import load_gold, score
from tests.conftest import GOLD, SeedBuild

ENTITY_F1 = 0.85
RELATION_F1 = 0.75


def test_gold_seed_scores(seed_build: SeedBuild) -> None:
    report = score(seed_build.dataset, load_gold(GOLD))
    print(report.to_text())
    assert report.entities.f1 >= ENTITY_F1, report.to_text()
    assert report.relations.f1 >= RELATION_F1, report.to_text()


def test_gold_no_negative_becomes_a_direct_edge(seed_build: SeedBuild) -> None:
    report = score(seed_build.dataset, load_gold(GOLD))
    assert not [v for doc in report.documents for v in doc.violations]
