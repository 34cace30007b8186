"""End to end: ``kg build`` over a folder that mixes good documents and every kind of bad input."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import rdflib
from typer.testing import CliRunner

from kg.cli import EXIT_INPUT_SKIPPED, EXIT_NOTHING_READ, app

INPUTS = Path(__file__).resolve().parent / "inputs" / "mixed"
CP1252 = (
    "Le Chili a voté contre la résolution du Conseil des droits de l’homme, a annoncé son "
    "ambassadeur à Genève lors de la séance de vendredi."
)
BROKEN = (
    "La Suède a négocié avec la Finlande à Stockholm mardi, a indiqué le gouvernement suédois "
    "dans un communiqué publié après la réunion."
)
STDIN = (
    "La Hongrie a voté pour la résolution de l'Assemblée générale des Nations unies, a indiqué "
    "mercredi à New York le représentant permanent de la Hongrie auprès de l'organisation."
)
LOCKED = (
    "Le Kenya a voté pour la résolution de l'Assemblée générale, a indiqué jeudi son "
    "ambassadeur à New York, qui a salué un texte équilibré et le travail des délégations."
)
DIRECT_FACTS = """
PREFIX kg: <https://w3id.org/kgfr/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g {
  ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:modality ?m .
  FILTER (?m IN (kg:asserted, kg:planned)) } }
"""


def _good_documents(folder: Path) -> None:
    """The good documents: fixtures (web page, text, JSON lines, CSV) and a Windows-1252 file."""
    shutil.copytree(INPUTS, folder)
    (folder / "chili-cp1252.txt").write_bytes(CP1252.encode("cp1252"))


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Add every kind of bad input to ``folder``; returns the expected warning per path."""
    raw = BROKEN.encode("utf-8")
    cut = raw.index(b" mardi")
    (folder / "suede-broken.txt").write_bytes(raw[:cut] + b" \xff\xfe" + raw[cut:])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.txt").write_bytes(random.Random(3).randbytes(20_000))
    with (folder / "huge.txt").open("wb") as handle:  # 50 MB, generated here, never committed
        chunk = (BROKEN + "\n").encode("utf-8") * 1000
        for _ in range(50_000_000 // len(chunk) + 1):
            handle.write(chunk)
    (folder / "dangling.txt").symlink_to(folder / "deleted.txt")
    (folder / "sans-texte.csv").write_text("titre,date\nUn titre,2022-03-02\n", encoding="utf-8")
    (folder / "zz-copie.txt").write_bytes((INPUTS / "site-a-macron.txt").read_bytes())
    locked = folder / "locked"
    locked.mkdir()
    (locked / "kenya.txt").write_text(LOCKED, encoding="utf-8")
    locked.chmod(0)
    return {
        "suede-broken.txt": f"invalid UTF-8 at byte {cut + 1}",
        "chili-cp1252.txt": "not UTF-8, read as Windows-1252",
        "empty.txt": "skipped: empty file",
        "random.txt": "skipped: binary data, not text",
        "huge.txt": "over the --max-bytes limit of 1,000,000",
        "dangling.txt": "skipped: broken symbolic link",
        "sans-texte.csv": "skipped: no 'text' column (columns: titre, date",
        "depeches.jsonl#L2": "skipped: malformed JSON",
        "depeches.jsonl#L4": "skipped: no 'text' field",
        "english.txt": "skipped: not in French (English",
        "zz-copie.txt": "skipped: duplicate of",
        "depeches.jsonl#L1": "near-duplicate of",
    }


def _facts(out: Path) -> set[tuple[str, ...]]:
    dataset = rdflib.Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    return {tuple(str(term) for term in row) for row in dataset.query(DIRECT_FACTS)}  # type: ignore[union-attr]


def test_inputs_mixed_folder_end_to_end(tmp_path: Path) -> None:
    clean, mixed = tmp_path / "clean", tmp_path / "mixed"
    _good_documents(clean)
    for name in ("english.txt", "depeches.jsonl"):  # only its good lines stay
        (clean / name).unlink()
    lines = (INPUTS / "depeches.jsonl").read_text(encoding="utf-8").splitlines()
    (clean / "depeches.jsonl").write_text(f"{lines[0]}\n{lines[4]}\n", encoding="utf-8")
    (clean / "suede.txt").write_text(BROKEN, encoding="utf-8")
    (clean / "hongrie.txt").write_text(STDIN, encoding="utf-8")
    reference = CliRunner().invoke(app, ["build", str(clean), "-o", str(tmp_path / "ref")])
    assert reference.exit_code == 0, reference.output

    _good_documents(mixed)
    expected = _bad_inputs(mixed)
    locked = mixed / "locked"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "kg", "build", str(mixed), "-", "-o", str(tmp_path / "out")],
            input=STDIN.encode("utf-8"),
            capture_output=True,
            timeout=600,
        )
        listable = os.access(locked, os.R_OK | os.X_OK)  # root reads through chmod 000
    finally:
        locked.chmod(0o755)
    stdout, stderr = run.stdout.decode(), run.stderr.decode()
    assert run.returncode == EXIT_INPUT_SKIPPED, stderr
    assert "Traceback" not in stdout + stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    for name, reason in expected.items():
        hits = [line for line in warnings if f"{mixed}/{name}" in line and reason in line]
        assert len(hits) == 1, (name, reason, warnings)
    if not listable:
        assert any(f"{locked}: skipped: cannot list folder" in line for line in warnings)
    skipped = [line for line in stdout.splitlines() if line.startswith(("skipped ", "duplicate "))]
    assert len(skipped) == 9 + (not listable)
    assert any(line.startswith(f"duplicate {mixed}/zz-copie.txt") for line in skipped)

    facts = _facts(tmp_path / "out")
    good = _facts(tmp_path / "ref")
    assert good <= facts  # every fact of the good documents, whatever else was in the folder
    kg, kgid = "https://w3id.org/kgfr/ns#", "https://w3id.org/kgfr/id/"
    for subject, predicate, obj in (
        ("person/dmytro-kouleba", "met", "person/serguei-lavrov"),  # web page
        ("state/ESP", "negotiatedWith", "state/PRT"),  # JSON lines
        ("person/dmytro-kouleba", "met", "person/mevlut-cavusoglu"),  # CSV
        ("person/emmanuel-macron", "visited", "place/kiev"),  # near-duplicates
        ("state/FIN", "negotiatedWith", "state/SWE"),  # invalid UTF-8 in the middle
    ):
        assert (kgid + subject, kg + predicate, kgid + obj) in good
    votes = {(s.rsplit("/", 1)[-1], p.rsplit("#", 1)[-1]) for s, p, _ in facts}
    assert {("CHL", "votedAgainst"), ("HUN", "votedFor"), ("RUS", "votedAgainst")} <= votes
    assert ("KEN", "votedFor") in votes if listable else ("KEN", "votedFor") not in votes
    assert not {("JPN", "met"), ("CAN", "condemned"), ("CHN", "votedAgainst")} & votes  # teasers


def test_inputs_nothing_readable(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "dump.jsonl").write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == EXIT_NOTHING_READ
    assert "Traceback" not in result.output
    assert f"skipped {folder}/dump.jsonl#L1: malformed JSON" in result.output
