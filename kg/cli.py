"""The ``kg`` command line: a thin layer over the library; only this module prints."""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from kg.errors import KgError
from kg.ingest import DEFAULT_MAX_BYTES, ReadOptions, RecordFields
from kg.model import DEFAULT_MODEL

if TYPE_CHECKING:
    import rdflib

    from kg.store import StoreUpdate

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Build a knowledge graph of French news: who voted, negotiated, visited "
    "and met whom, with the sentence each fact came from.",
)
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

EXIT_INPUT_SKIPPED = 3
EXIT_NOTHING_READ = 4


class _ConsoleHandler(logging.Handler):
    """Library log records as one ``warning: …`` line each on standard error (above any bar)."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(self.format(record), markup=False, highlight=False, soft_wrap=True)


class _PlainProgress:
    """Progress as log lines, for logs and pipes: the count of documents read, the first and
    last document extracted, every ``every`` seconds in between, and each output written."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.started = self.last = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != "extract":
            err.print(f"progress: {stage}", highlight=False)
            return
        if done <= 1:
            self.started = now
        elif done != total and now - self.last < self.every:
            return
        self.last = now
        rate = (done - 1) / (now - self.started) if done > 1 and now > self.started else 0.0
        left = f", about {(total - done) / rate:.0f} s left" if rate and done < total else ""
        speed = f", {rate:.1f} documents/s" if rate else ""
        err.print(f"progress: extract {done}/{total} documents{speed}{left}", highlight=False)


@contextlib.contextmanager
def _progress_display() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback for ``build``: a rich bar (documents, rate, time left) on a
    terminal, plain lines otherwise; library warnings go to standard error either way."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    handler = _ConsoleHandler()
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    logger = logging.getLogger("kg")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        if not err.is_terminal:
            yield _PlainProgress()
            return
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            key = "extract" if stage == "extract" else "write"
            if key not in tasks:
                label = "documents" if key == "extract" else "outputs"
                tasks[key] = bar.add_task(label, total=total, rate="")
            task = tasks[key]
            bar.update(task, completed=done, total=total)
            speed = bar.tasks[task].speed
            rate = f"{speed:.1f} documents/s" if key == "extract" and speed else stage
            bar.update(task, rate=rate)

        with bar:
            yield update
    finally:
        logger.removeHandler(handler)


def _count(number: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fail(error: KgError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


Inputs = Annotated[
    list[Path] | None,
    typer.Argument(help="Files, folders (recursive) or - for standard input (default seeds/)."),
]
Output = Annotated[Path, typer.Option("-o", "--out", help="Output folder.")]
Model = Annotated[str, typer.Option(help="spaCy model.")]
Html = Annotated[bool, typer.Option(help="Write graph.html.")]
Glob = Annotated[
    str | None,
    typer.Option(
        help="Only files in folders whose name or path matches (default: all "
        "supported: .txt .html .htm .jsonl .csv)."
    ),
]
TextField = Annotated[str, typer.Option(help="JSON/CSV field holding the text.")]
TitleField = Annotated[str, typer.Option(help="JSON/CSV field holding the title.")]
DateField = Annotated[str, typer.Option(help="JSON/CSV field holding the date.")]
UrlField = Annotated[str, typer.Option(help="JSON/CSV field holding the URL.")]
MaxBytes = Annotated[
    int, typer.Option(min=1, help="Skip larger documents (a file, a record or stdin).")
]
Force = Annotated[bool, typer.Option(help="Keep documents not in French.")]
Workers = Annotated[
    int,
    typer.Option(
        min=0, help="Processes running spaCy while this one reads and writes (0: in this one)."
    ),
]


def _read_options(
    glob: str | None, fields: tuple[str, str, str, str], max_bytes: int, force: bool
) -> ReadOptions:
    return ReadOptions(glob=glob, fields=RecordFields(*fields), max_bytes=max_bytes, force=force)


@app.command()
def build(
    paths: Inputs = None,
    output: Output = Path("out"),
    model: Model = DEFAULT_MODEL,
    html: Html = True,
    glob: Glob = None,
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    force: Force = False,
    fresh: Annotated[
        bool, typer.Option(help="Rebuild store/ from these inputs alone (drop other documents).")
    ] = False,
    workers: Workers = 1,
    cache: Annotated[
        bool, typer.Option(help="Reuse per-document results kept in OUT/cache/.")
    ] = True,
    dask: Annotated[
        str | None,
        typer.Option(metavar="ADDRESS", help="Extract on a Dask cluster (scheduler address)."),
    ] = None,
    partitions: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Also write the quads as N-Quads files for bulk loaders."),
    ] = None,
) -> None:
    """Read articles and write graph.ttl, graph.trig, store/ and graph.html."""
    from kg.build import build as run_build

    options = _read_options(
        glob, (text_field, title_field, date_field, url_field), max_bytes, force
    )
    with _progress_display() as progress:
        try:
            summary = run_build(
                paths or [Path("seeds")],
                out=output,
                model=model,
                html=html,
                options=options,
                progress=progress,
                fresh=fresh,
                workers=workers,
                cache=cache,
                dask=dask,
            )
            if partitions is not None:
                from kg.distributed import write_partitions

                write_partitions(summary.outputs["store"], partitions)
                summary.outputs["nquads"] = partitions
        except KgError as error:
            raise _fail(error) from error
    table = RichTable(title=f"kg build: {summary.documents} documents, {summary.quads} quads")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, count in sorted(summary.entities.items()):
        table.add_row(f"entities: {name}", str(count))
    for name, count in sorted(summary.facts.items()):
        table.add_row(f"facts: {name}", str(count))
    for name, count in sorted(summary.flagged.items()):
        table.add_row(f"flagged (not direct): {name}", str(count))
    out.print(table)
    for skipped in summary.skipped:
        kind = "duplicate" if skipped.duplicate else "skipped"
        out.print(f"{kind} {skipped.path}: {skipped.reason}", highlight=False, soft_wrap=True)
    for pair in summary.near_duplicates:
        out.print(
            f"near-duplicate {pair.second_source}: of {pair.first_source} "
            f"(similarity {pair.similarity:.2f}, counted once)",
            highlight=False,
        )
    if summary.store_update:
        out.print(_store_line(summary.store_update), highlight=False)
    for name, path in summary.outputs.items():
        out.print(f"{name:7} {path}", highlight=False)
    if "html" in summary.outputs:
        out.print(
            f"Open the network view: file://{summary.outputs['html'].resolve()}", highlight=False
        )
    if summary.documents == 0:
        raise typer.Exit(EXIT_NOTHING_READ)
    if any(not skipped.duplicate for skipped in summary.skipped):
        raise typer.Exit(EXIT_INPUT_SKIPPED)


@app.command()
def watch(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files and folders to watch (default seeds/).")
    ] = None,
    output: Output = Path("out"),
    model: Model = DEFAULT_MODEL,
    html: Html = True,
    glob: Glob = None,
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    force: Force = False,
    workers: Workers = 1,
    debounce: Annotated[
        float,
        typer.Option(
            min=0.05,
            help="Seconds the inputs must stay unchanged before a build starts (at most 10 s "
            "while they keep changing).",
        ),
    ] = 0.5,
) -> None:
    """Build, then build again each time an input file is added, changed or deleted, the
    model kept loaded in between (Ctrl-C stops)."""
    from kg.watch import Round
    from kg.watch import watch as run_watch

    options = _read_options(
        glob, (text_field, title_field, date_field, url_field), max_bytes, force
    )
    inputs = paths or [Path("seeds")]
    watched = ", ".join(str(p) for p in inputs)

    def report(done: Round) -> None:
        changes = f"{_count(len(done.changed), 'file')} changed; " if done.changed else ""
        if done.removed:
            changes += f"{_count(len(done.removed), 'document')} removed; "
        if done.error is not None:
            err.print(
                f"[red]error:[/red] build {done.number}: {changes}{escape(str(done.error))}",
                highlight=False,
                soft_wrap=True,
            )
        elif done.summary is not None:
            summary = done.summary
            out.print(
                f"build {done.number}: {changes}{_count(summary.documents, 'document')} "
                f"({summary.extracted} extracted), {summary.quads} quads, {done.seconds:.1f} s",
                highlight=False,
            )
            if done.number == 1 and "html" in summary.outputs:
                html_file = summary.outputs["html"].resolve()
                out.print(f"Open the network view: file://{html_file}", highlight=False)
        out.print(f"watching {watched} for changes (Ctrl-C stops)", highlight=False)

    with _progress_display() as progress:
        try:
            run_watch(
                inputs, out=output, model=model, html=html, options=options, workers=workers,
                debounce=debounce, report=report, progress=progress,
            )  # fmt: skip
        except KgError as error:
            raise _fail(error) from error
        except KeyboardInterrupt:
            out.print("stopped", highlight=False)


@app.command()
def query(
    query: Annotated[str, typer.Argument(help="A name from queries/, a .rq file, or SPARQL.")],
    store: Annotated[Path, typer.Option(help="Store folder.")] = Path("out/store"),
    data: Annotated[Path | None, typer.Option(help="Query an RDF file instead.")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="name=value, bound as a literal (<…> for an IRI)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table, csv, tsv, json or xml (turtle or nt for CONSTRUCT)."
        ),
    ] = "table",
) -> None:
    """Run a SPARQL query on the store or a file."""
    from kg import query as q

    params = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise _fail(KgError(f"--param {item!r}: expected name=value"))
        params[name] = value
    try:
        results = q.execute(query, store=store, data=data, params=params)
        if fmt != "table":
            sys.stdout.write(q.serialize(results, fmt))
            return
        table = q.to_table(results)
    except KgError as error:
        raise _fail(error) from error
    view = RichTable(show_lines=False)
    for name in table.variables:
        view.add_column(name, overflow="fold")
    for row in table.rows:
        view.add_row(*(escape(q.compact(cell)) for cell in row))
    out.print(view)
    out.print(f"{len(table.rows)} rows", highlight=False)


@app.command()
def remove(
    docs: Annotated[list[str], typer.Argument(help="Documents: content hash, IRI or source path.")],
    store: Annotated[Path, typer.Option(help="Store folder.")] = Path("out/store"),
) -> None:
    """Drop documents from the store and update the catalogue, graph.ttl and graph.trig."""
    from kg.store import remove_documents, write_files

    try:
        update = remove_documents(store, docs)
        written = write_files(store)
    except KgError as error:
        raise _fail(error) from error
    out.print(f"store: {len(update.removed)} removed, {update.kept} remain", highlight=False)
    for path in written:
        out.print(f"rewrote {path}", highlight=False)


@app.command()
def serve(
    store: Annotated[Path, typer.Option(help="Store folder.")] = Path("out/store"),
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port.")] = 7878,
    allow_update: Annotated[
        bool, typer.Option("--allow-update", help="Accept SPARQL updates (refused by default).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.")] = 30.0,
    limit: Annotated[int, typer.Option(help="Most rows or triples in an answer.")] = 10_000,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a query page (/)."""
    import signal

    from kg.serve import Settings, make_server

    settings = Settings(store, allow_update=allow_update, timeout=timeout, limit=limit)
    try:
        server = make_server(settings, host=host, port=port)
    except KgError as error:
        raise _fail(error) from error
    # SIGTERM stops like Ctrl-C, so running query processes are stopped with the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    mode = "read-write" if allow_update else "read-only"
    out.print(f"SPARQL endpoint ({mode}): http://{host}:{port}/sparql", highlight=False)
    out.print(f"Query page: http://{host}:{port}/  (Ctrl-C stops)", highlight=False)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


@app.command()
def load(
    endpoint: Annotated[str, typer.Option(help="SPARQL Update endpoint URL.")],
    graph_store: Annotated[
        str | None, typer.Option(help="Graph Store HTTP Protocol URL (tried first).")
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Basic auth user; password from $KG_ENDPOINT_PASSWORD.")
    ] = None,
    store: Annotated[Path, typer.Option(help="Store folder.")] = Path("out/store"),
    data: Annotated[Path | None, typer.Option(help="Load an RDF file instead.")] = None,
) -> None:
    """Copy every named graph into a SPARQL 1.1 store (replacing graphs of the same name)."""
    from kg.load import load_path

    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    try:
        report = load_path(
            endpoint=endpoint, store=store, data=data, graph_store=graph_store, user=user
        )
    except KgError as error:
        raise _fail(error) from error
    how = "Graph Store Protocol" if report.method == "gsp" else "SPARQL Update"
    out.print(
        f"loaded {len(report.graphs)} graphs, {report.triples} triples ({how})", highlight=False
    )


def _store_line(update: StoreUpdate) -> str:
    """One line saying what a build or a removal did to the store."""
    if update.fresh:
        return f"store: built afresh, {len(update.written)} document graphs"
    return (
        f"store: {len(update.written)} document graphs written, {update.unchanged} unchanged, "
        f"{len(update.removed)} removed, {update.kept} kept from earlier builds"
    )


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="A gold JSON file or a folder of them.")],
    docs: Annotated[Path, typer.Option(help="Documents to build (default seeds/).")] = Path(
        "seeds"
    ),
    model: Annotated[str, typer.Option(help="spaCy model.")] = DEFAULT_MODEL,
    min_f1: Annotated[float | None, typer.Option(help="Fail below this relations F1.")] = None,
) -> None:
    """Score extraction against gold annotations."""
    import tempfile

    import rdflib

    from kg.build import build as run_build
    from kg.evaluate import load_gold, score

    try:
        with tempfile.TemporaryDirectory() as tmp:
            run_build([docs], out=Path(tmp), model=model, html=False)
            dataset = rdflib.Dataset()
            dataset.parse(Path(tmp) / "graph.trig", format="trig")
        report = score(dataset, load_gold(gold))
    except KgError as error:
        raise _fail(error) from error
    out.print(report.to_text(), highlight=False, markup=False)
    if min_f1 is not None and report.relations.f1 < min_f1:
        err.print(f"relations F1 {report.relations.f1:.3f} is below {min_f1}")
        raise typer.Exit(1)


@app.command()
def view(
    data: Annotated[Path, typer.Option(help="Graph file to draw.")] = Path("out/graph.trig"),
    output: Annotated[Path, typer.Option("-o", "--out", help="HTML file.")] = Path("out/view.html"),
    focus: Annotated[str | None, typer.Option(help="Entity name to centre on.")] = None,
    hops: Annotated[int, typer.Option(help="Neighbourhood size around --focus.")] = 1,
    relations: Annotated[str | None, typer.Option(help="Comma-separated relations.")] = None,
) -> None:
    """Write an HTML network view of a graph file."""
    from kg.view import write_html

    dataset = _read_graph(data)
    wanted = set(relations.split(",")) if relations else None
    try:
        path = write_html(dataset, output, focus=focus, hops=hops, relations=wanted)
    except KgError as error:
        raise _fail(error) from error
    out.print(f"file://{path.resolve()}", highlight=False)


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="turtle, trig, nquads, ntriples, jsonld, xml (RDF), graphml or gexf (network).",
        ),
    ] = "graphml",
    data: Annotated[Path, typer.Option(help="Graph file to export.")] = Path("out/graph.trig"),
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="Export this Oxigraph store instead of --data.")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--out", help="Output file.")] = None,
) -> None:
    """Write the graph as RDF (turtle, trig, nquads, ntriples, jsonld, xml) or the entity
    network as GraphML or GEXF, for Gephi or Cytoscape. Turtle, N-Triples and RDF/XML hold no
    named graphs: they get the union of all graphs."""
    from kg.export import ExportFormat
    from kg.export import export as run_export
    from kg.store import open_store

    try:
        kind = ExportFormat(fmt)
    except ValueError as error:
        known = ", ".join(f.value for f in ExportFormat)
        raise _fail(KgError(f"unknown export format {fmt!r}: use one of {known}")) from error
    try:
        # A store goes as it is: the network formats read it without copying its quads.
        source = open_store(store_dir) if store_dir else _read_graph(data)
        path = run_export(source, output or Path(f"out/graph.{kind.suffix}"), fmt=fmt)
    except KgError as error:
        raise _fail(error) from error
    out.print(str(path), highlight=False)


def _read_graph(data: Path) -> rdflib.Dataset:
    """The RDF file ``data`` as a Dataset; a usage error when it cannot be read."""
    import rdflib

    dataset = rdflib.Dataset()
    try:
        dataset.parse(data, format="trig" if data.suffix == ".trig" else None)
    except (OSError, SyntaxError, ValueError) as error:
        raise _fail(KgError(f"{data}: cannot read ({error})")) from error
    return dataset


def main() -> None:
    """Entry point of ``python -m kg``."""
    app()
