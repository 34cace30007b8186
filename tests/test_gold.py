"""The seed graph scored against the hand-made gold annotations."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kg.build import build
from kg.evaluate import load_gold, score
from tests.conftest import GOLD, ROOT, SeedBuild

# Issue 2 asked for 0.85 / 0.75; issue 3 raised the seed targets to 0.92 / 0.90.
ENTITY_F1 = 0.92
RELATION_F1 = 0.90
DEV_RELATION_F1 = 0.80


def test_gold_seed_scores(seed_build: SeedBuild) -> None:
    report = score(seed_build.dataset, load_gold(GOLD))
    print(report.to_text())
    assert report.entities.f1 >= ENTITY_F1, report.to_text()
    assert report.relations.f1 >= RELATION_F1, report.to_text()


def test_gold_no_negative_becomes_a_direct_edge(seed_build: SeedBuild) -> None:
    report = score(seed_build.dataset, load_gold(GOLD))
    assert not [v for doc in report.documents for v in doc.violations]


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The development set (dev/texts, written with its gold before tuning) built and scored."""
    out: Path = tmp_path_factory.mktemp("dev-build")
    build([ROOT / "dev" / "texts"], out=out, html=False)
    dataset = rdflib.Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    return score(dataset, load_gold(ROOT / "dev" / "gold"))


def test_gold_dev_set_relations(dev_report) -> None:  # type: ignore[no-untyped-def]
    print(dev_report.to_text())
    assert dev_report.relations.f1 >= DEV_RELATION_F1, dev_report.to_text()


def test_gold_dev_set_no_negative_becomes_a_direct_edge(dev_report) -> None:  # type: ignore[no-untyped-def]
    assert not [v for doc in dev_report.documents for v in doc.violations]
