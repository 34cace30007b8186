from __future__ import annotations

import io
import logging
import os
import random
import sys
from pathlib import Path

import pytest

from kg.ingest import (
    DEFAULT_MAX_BYTES,
    ReadOptions,
    RecordFields,
    Skipped,
    content_id,
    parse_document,
    read_documents,
)
from kg.model import Document

INPUTS = Path(__file__).resolve().parent / "inputs" / "mixed"
FRENCH = (
    "La Syrie a voté contre la résolution, a déclaré jeudi à New York le porte-parole de "
    "l'Assemblée générale, qui a rappelé que le texte avait été adopté à une large majorité."
)


def _read(*paths: Path, **options: object) -> tuple[dict[str, Document], dict[str, Skipped]]:
    docs: dict[str, Document] = {}
    skipped: dict[str, Skipped] = {}
    for item in read_documents(paths, options=ReadOptions(**options)):  # type: ignore[arg-type]
        if isinstance(item, Skipped):
            skipped[Path(item.path).name] = item
        else:
            docs[Path(item.source).name] = item
    return docs, skipped


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


def test_ingest_folders_recursive_and_exact_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "two.txt").write_text(FRENCH + " Fin.", encoding="utf-8")
    (tmp_path / "zcopy.txt").write_text(FRENCH + " Fin.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "hidden.txt").write_text(FRENCH + " Caché.", encoding="utf-8")
    docs, skipped = _read(tmp_path, tmp_path / "missing.txt")
    assert sorted(docs) == ["one.txt", "two.txt"]
    assert skipped["zcopy.txt"].duplicate and "two.txt" in skipped["zcopy.txt"].reason
    assert "no such file" in skipped["missing.txt"].reason
    assert not skipped["missing.txt"].duplicate


def test_ingest_folders_outside_are_not_read_unless_named(tmp_path: Path) -> None:
    """The build's output folder under an input folder: its graph.html (or anything else) is
    not read as an article, even with --force; a file in it named as an input is."""
    (tmp_path / "one.txt").write_text(FRENCH, encoding="utf-8")
    out = tmp_path / "sub" / "out"
    out.mkdir(parents=True)
    (out / "graph.html").write_text(f"<html><body><p>{FRENCH} Sortie.</p></body></html>")
    (tmp_path / "sub" / "two.txt").write_text(FRENCH + " Deux.", encoding="utf-8")
    docs, skipped = _read(tmp_path, force=True, outside=(Path(os.path.relpath(out)),))
    assert sorted(docs) == ["one.txt", "two.txt"] and not skipped
    docs, skipped = _read(tmp_path, out / "graph.html", force=True, outside=(out,))
    assert "graph.html" in {**docs, **skipped}
    docs, skipped = _read(tmp_path, force=True)
    assert "graph.html" in {**docs, **skipped}


def test_ingest_latin1_and_cp1252_are_read_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "L’Assemblée générale a adopté le texte ; « œuvre » de la délégation française."
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "latin1.txt").write_bytes(FRENCH.encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        docs, skipped = _read(tmp_path)
    assert not skipped
    assert docs["cp1252.txt"].text == text and docs["latin1.txt"].text == FRENCH
    assert sum("read as Windows-1252" in r.getMessage() for r in caplog.records) == 2


def test_ingest_invalid_utf8_in_the_middle_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raw = FRENCH.encode("utf-8")
    (tmp_path / "broken.txt").write_bytes(raw[:60] + b"\xff\xfe\xc3" + raw[60:])
    with caplog.at_level(logging.WARNING):
        docs, _ = _read(tmp_path)
    text = docs["broken.txt"].text
    assert "\ufffd" in text and "Assemblée générale" in text
    assert any("invalid UTF-8 at byte 60" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.html", b"  \n\n", "empty file"),
        ("random.txt", random.Random(7).randbytes(5000), "binary data"),
        ("random.html", random.Random(8).randbytes(5000), "binary data"),
        (
            "script.html",
            b"<html><head><script>var a = 1;</script></head><body></body></html>",
            "no article text",
        ),
        ("data.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("blank.jsonl", b"\n\n", "empty file"),
        ("header.csv", b"title,text\n", "no rows after the header"),
    ],
)
def test_ingest_bad_file_is_skipped_and_the_rest_read(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / "good.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    docs, skipped = _read(tmp_path, tmp_path / name)
    assert list(docs) == ["good.txt"]
    assert reason in skipped[name].reason


def test_ingest_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # 50 MB, written in slices, never committed
        line = (FRENCH + "\n").encode("utf-8")
        for _ in range(50_000_000 // len(line) + 1):
            handle.write(line)
    assert big.stat().st_size > 50_000_000 > DEFAULT_MAX_BYTES
    (tmp_path / "good.txt").write_text(FRENCH, encoding="utf-8")
    docs, skipped = _read(tmp_path)
    assert list(docs) == ["good.txt"]
    assert "over the --max-bytes limit of 1,000,000" in skipped["big.txt"].reason
    docs, skipped = _read(tmp_path / "good.txt", max_bytes=100)
    assert not docs and "--max-bytes" in skipped["good.txt"].reason


def test_ingest_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    docs, skipped = _read(tmp_path)
    assert list(docs) == ["good.txt"]
    assert "broken symbolic link" in skipped["gone.txt"].reason
    _, direct = _read(tmp_path / "gone.txt")
    assert "broken symbolic link" in direct["gone.txt"].reason


def test_ingest_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "good.txt").write_text(FRENCH + " Autre.", encoding="utf-8")
    tmp_path.chmod(0o755)
    monkeypatch.chdir(tmp_path)  # relative paths: the folders above tmp_path are not searched
    assert len(_read(Path("."))[0]) == 2  # also loads lazy modules before privileges drop
    locked.chmod(0)
    as_root = os.geteuid() == 0
    try:
        if as_root:  # root reads through chmod 000: read as "nobody" meanwhile
            os.seteuid(65534)
        docs, skipped = _read(Path("."))
    finally:
        if as_root:
            os.seteuid(0)
        locked.chmod(0o755)
    assert list(docs) == ["good.txt"]
    assert skipped["locked"].reason == "cannot list folder (Permission denied)"


def test_ingest_html_page_metadata() -> None:
    docs, _ = _read(INPUTS / "antalya.html")
    doc = docs["antalya.html"]
    assert doc.title == "Kouleba et Lavrov se sont rencontrés à Antalya"
    assert doc.date == "2022-03-10"
    assert doc.url == "https://quotidien.example.fr/international/2022/03/10/kouleba-lavrov-antalya"
    assert "Dmytro Kouleba, a rencontré jeudi à Antalya" in doc.text
    assert "Mentions légales" not in doc.text and "Accueil" not in doc.text


def test_ingest_jsonl_records_and_bad_lines() -> None:
    items = list(read_documents([INPUTS / "depeches.jsonl"]))
    docs = {i.source.split("#")[1]: i for i in items if isinstance(i, Document)}
    skipped = {i.path.split("#")[1]: i.reason for i in items if isinstance(i, Skipped)}
    assert sorted(docs) == ["L1", "L5"]
    assert docs["L5"].title == "Négociations sur le Tage"
    assert docs["L5"].date == "2022-03-28" and docs["L1"].date == "2022-05-03"
    assert docs["L1"].url == "https://autre-site.example.fr/macron-kiev"
    assert skipped["L2"].startswith("malformed JSON")
    assert "no 'text' field" in skipped["L4"]


def test_ingest_csv_semicolons_and_field_names(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f'contenu;titre;quand\n"{FRENCH}";Vote à New York;2022-03-24\n;Vide;\n', encoding="utf-8"
    )
    fields = RecordFields(text="contenu", title="titre", date="quand")
    items = list(read_documents([path], options=ReadOptions(fields=fields)))
    doc = items[0]
    assert isinstance(doc, Document) and doc.source.endswith("export.csv#row=1")
    assert (doc.text, doc.title, doc.date) == (FRENCH, "Vote à New York", "2022-03-24")
    assert isinstance(items[1], Skipped) and items[1].path.endswith("#row=2")
    missing = list(read_documents([path]))
    assert len(missing) == 1 and isinstance(missing[0], Skipped)
    assert "no 'text' column (columns: contenu, titre, quand" in missing[0].reason


def test_ingest_glob_selects_files(tmp_path: Path) -> None:
    (tmp_path / "keep-1.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "drop.txt").write_text(FRENCH + " Autre.", encoding="utf-8")
    docs, _ = _read(tmp_path, glob="keep-*")
    assert list(docs) == ["keep-1.txt"]


def test_ingest_language_filter_and_force(tmp_path: Path) -> None:
    english = INPUTS / "english.txt"
    docs, skipped = _read(english)
    assert not docs and "not in French (English" in skipped["english.txt"].reason
    docs, skipped = _read(english, force=True)
    assert docs["english.txt"].language == "en" and not skipped


def test_ingest_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FRENCH.encode("utf-8"))))
    docs, _ = _read(Path("-"))
    assert docs["<stdin>"].text == FRENCH


def test_ingest_html_in_windows_1252_is_decoded_by_its_charset(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Vote à Genève</title></head>'
        f"<body><article><h1>Vote à Genève</h1><p>{FRENCH}</p><p>{FRENCH}</p></article>"
        "</body></html>"
    )
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    with caplog.at_level(logging.WARNING):
        docs, skipped = _read(tmp_path)
    assert not skipped and docs["page.html"].title == "Vote à Genève"
    assert "l'Assemblée générale" in docs["page.html"].text
    assert not caplog.records


def test_ingest_csv_delimiter_follows_the_text_column(tmp_path: Path) -> None:
    text = "La Russie a voté contre ; la Chine s'est abstenue ; l'Inde aussi, a indiqué l'ONU."
    (tmp_path / "a.csv").write_text(f'title,text\nUn vote,"{text}"\n', encoding="utf-8")
    docs, skipped = _read(tmp_path, force=True)
    assert not skipped and docs["a.csv#row=1"].text == text
