"""``kg watch``: a build, then one after each change of the inputs, the model kept loaded."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store import open_store
from kg.watch import Round, watch
from tests.conftest import SEEDS, descendants, wait_gone

MEETING = "\nEmmanuel Macron a rencontré Olaf Scholz mardi à Berlin.\n"
WAIT = 300  # seconds: a bound for a build on a slow machine, never a measure


def _inputs(folder: Path, count: int = 2) -> list[Path]:
    (folder / "sub").mkdir(parents=True)
    files = sorted(SEEDS.glob("*.txt"))[:count]
    for file in files:
        shutil.copy(file, folder / file.name)
    return [folder / file.name for file in files]


class _Watching:
    """``watch`` run in a thread of this process; its rounds come through a queue."""

    def __init__(self, folder: Path, out: Path) -> None:
        self.rounds: queue.Queue[Round] = queue.Queue()
        self.stop = threading.Event()
        self.result: list[int] = []
        self.thread = threading.Thread(
            target=lambda: self.result.append(
                watch([folder], out=out, debounce=0.2, report=self.rounds.put, stop=self.stop)
            )
        )

    def next(self) -> Round:
        return self.rounds.get(timeout=WAIT)

    def end(self) -> int:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive()
        return self.result[0]


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[_Watching, list[Path], Path]]:
    files = _inputs(tmp_path / "in")
    out = tmp_path / "in" / "out"  # under the watched folder: its files are no input
    before = set(descendants(os.getpid()))
    run = _Watching(tmp_path / "in", out)
    run.thread.start()
    try:
        yield run, files, out
    finally:
        if run.thread.is_alive():
            run.end()
        # The worker processes end with the watch (multiprocessing's resource tracker, started
        # once, serves this process to its end).
        started = [p for p in _workers() if p not in before]
        assert wait_gone(started) == []


def _workers() -> list[int]:
    """The worker processes this one started (spawned: their command runs ``spawn_main``)."""
    found = []
    for pid in descendants(os.getpid()):
        try:
            if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                found.append(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _documents(out: Path) -> int:
    store = open_store(out / "store")
    try:
        ask = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a ?type } }"
        return int(next(iter(store.query(ask)))[0].value)
    finally:
        del store


def test_watch_builds_again_after_each_change_of_the_inputs(
    watching: tuple[_Watching, list[Path], Path],
) -> None:
    run, (first, second), out = watching
    start = run.next()
    assert start.number == 1 and start.changed == () and start.error is None
    assert start.summary is not None
    assert start.summary.documents == 2 and start.summary.skipped == []
    assert _documents(out) == 2

    # A sentence added to one article: that document alone is extracted again.
    with first.open("a", encoding="utf-8") as handle:
        handle.write(MEETING)
    edited = run.next()
    assert edited.changed == (str(first),) and edited.error is None
    assert edited.summary is not None and edited.summary.extracted == 1
    assert edited.summary.skipped == []  # out/graph.html, under the inputs, is not read
    assert edited.summary.facts["met"] == start.summary.facts["met"] + 1

    # A file deleted: its document leaves the store, as with `kg remove`.
    second.unlink()
    deleted = run.next()
    assert deleted.removed == (str(second),)
    assert deleted.summary is not None and deleted.summary.documents == 1
    assert _documents(out) == 1

    # Files a build does not read (another kind, hidden, under the output folder) set nothing
    # off: the next build is the one of the change made after them, and names it alone.
    folder = first.parent
    (folder / "notes.md").write_text("brouillon", encoding="utf-8")
    (folder / ".brouillon.txt").write_text(MEETING, encoding="utf-8")
    (out / "extra.txt").write_text(MEETING, encoding="utf-8")
    third = folder / "sub" / "nouveau.txt"  # in a folder there from the start
    third.write_text(second.name + MEETING * 2, encoding="utf-8")
    added = run.next()
    assert added.changed == (str(third),) and added.removed == ()
    assert added.summary is not None and added.summary.documents == 2

    # A folder copied in: its files may come before the watcher watches the folder (no event
    # of their own), but the folder's event sets off a build that reads them.
    staged = folder.parent / "staged"
    staged.mkdir()
    (staged / "copie.txt").write_text(MEETING * 3, encoding="utf-8")
    staged.rename(folder / "copied")
    copied = run.next()
    assert str(folder / "copied") in copied.changed
    assert copied.summary is not None and copied.summary.documents == 3
    assert run.end() == 5


def test_watch_goes_on_after_a_failed_build(
    watching: tuple[_Watching, list[Path], Path],
) -> None:
    """The worker process killed between two builds: the next build fails with a clear error,
    the outputs stay as they were, and the build after it runs in new processes."""
    run, (first, _), out = watching
    assert run.next().error is None
    graph = (out / "graph.trig").read_bytes()
    workers = _workers()
    assert workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    assert wait_gone(workers) == []
    with first.open("a", encoding="utf-8") as handle:
        handle.write(MEETING)
    failed = run.next()
    assert failed.summary is None and "worker process stopped" in str(failed.error)
    assert (out / "graph.trig").read_bytes() == graph
    with first.open("a", encoding="utf-8") as handle:
        handle.write(MEETING.replace("mardi", "jeudi"))
    again = run.next()
    assert again.error is None and again.summary is not None
    assert again.summary.extracted == 1


def test_watch_cli_stops_on_ctrl_c(tmp_path: Path) -> None:
    """``kg watch`` in a process of its own: a line per build, then ``stopped`` and exit 0 on
    SIGINT (Ctrl-C), its worker process gone with it."""
    (first, _) = _inputs(tmp_path / "in")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "watch", "in", "-o", "out", "--no-html", "--debounce", "0.2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    timer = threading.Timer(WAIT, process.kill)  # a bound, should the watch hang
    timer.start()
    try:
        while not any(line.startswith("watching in") for line in lines):
            lines.append(process.stdout.readline())
        assert lines[0].startswith("build 1: 2 documents (2 extracted)")
        workers = descendants(process.pid)
        first.write_text(first.read_text(encoding="utf-8") + MEETING, encoding="utf-8")
        while not lines[-1].startswith("build 2"):
            lines.append(process.stdout.readline())
        assert lines[-1].startswith("build 2: 1 file changed; 2 documents (1 extracted)")
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=WAIT)
    finally:
        timer.cancel()
    assert process.returncode == 0, errors
    assert rest.splitlines()[-1] == "stopped"
    assert workers and wait_gone(workers) == []


def test_watch_cli_refuses_what_cannot_be_watched(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["watch", "-", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "standard input cannot be watched" in result.output
    result = runner.invoke(app, ["watch", str(tmp_path / "missing"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "missing: no such file or folder to watch" in result.output
    assert not (tmp_path / "o" / "store").exists()
