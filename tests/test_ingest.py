from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import Skipped, content_id, parse_document, read_documents


def test_ingest_metadata_line_is_not_text() -> None:
    doc = parse_document(" date 2022-03 De nouveaux pourparlers sont prévus.", "a.txt")
    assert doc.date == "2022-03"
    assert doc.body == "De nouveaux pourparlers sont prévus."
    assert doc.text[doc.body_start :] == doc.body


def test_ingest_no_metadata_keeps_everything() -> None:
    doc = parse_document("Date limite dépassée pour Kiev.", "a.txt")
    assert doc.date is None and doc.body_start == 0


def test_ingest_id_is_a_hash_of_the_text() -> None:
    assert parse_document("abc", "x").id == content_id("abc") != content_id("abd")


def test_ingest_folders_recursive_and_bad_inputs(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("La Russie a voté non.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("La Chine s'est abstenue.", encoding="utf-8")
    (tmp_path / "copy.txt").write_text("La Chine s'est abstenue.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(
        "La Syrie a voté contre, a déclaré l'ONU.".encode("cp1252")
    )
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    items = list(read_documents([tmp_path, tmp_path / "missing.txt"]))
    docs = [i for i in items if not isinstance(i, Skipped)]
    skipped = {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert sorted(Path(d.source).name for d in docs) == [
        "latin1.txt",
        "one.txt",
        "two.txt",
    ] or sorted(Path(d.source).name for d in docs) == ["copy.txt", "latin1.txt", "one.txt"]
    assert "empty" in skipped["empty.txt"]
    assert "duplicate" in next(r for n, r in skipped.items() if n in ("copy.txt", "two.txt"))
    assert "no such file" in skipped["missing.txt"]
    latin = next(d for d in docs if d.source.endswith("latin1.txt"))
    assert "déclaré" in latin.text


@pytest.mark.parametrize(
    "line,date",
    [
        ("date: 2022-03-02 Texte.", "2022-03-02"),
        ("date 2022 Texte.", "2022"),
        ("date de la réunion inconnue.", None),
    ],
)
def test_ingest_date_forms(line: str, date: str | None) -> None:
    assert parse_document(line, "x").date == date
