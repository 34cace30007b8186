"""The ``kg`` command line: a thin layer over the library; only this module prints."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from kg.annotate import DEFAULT_MODEL
from kg.errors import KgError

if TYPE_CHECKING:
    import rdflib

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


def _fail(error: KgError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@app.command()
def build(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default seeds/).")
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("out"),
    model: Annotated[str, typer.Option(help="spaCy model.")] = DEFAULT_MODEL,
    html: Annotated[bool, typer.Option(help="Write graph.html.")] = True,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes running spaCy (one per core).")
    ] = 1,
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

    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    try:
        summary = run_build(
            paths or [Path("seeds")],
            out=output,
            model=model,
            html=html,
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
        out.print(f"skipped {skipped.path}: {skipped.reason}", highlight=False)
    for name, path in summary.outputs.items():
        out.print(f"{name:7} {path}", highlight=False)
    if "html" in summary.outputs:
        out.print(
            f"Open the network view: file://{summary.outputs['html'].resolve()}", highlight=False
        )
    if summary.documents == 0:
        raise typer.Exit(EXIT_NOTHING_READ)
    if summary.skipped:
        raise typer.Exit(EXIT_INPUT_SKIPPED)


@app.command()
def query(
    query: Annotated[str, typer.Argument(help="A name from queries/, a .rq file, or SPARQL.")],
    store: Annotated[Path, typer.Option(help="Store folder.")] = Path("out/store"),
    data: Annotated[Path | None, typer.Option(help="Query an RDF file instead.")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="name=value, bound as a literal (<…> for an IRI)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json.")] = "table",
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
            sys.stdout.write(q.serialize(results, fmt))  # type: ignore[arg-type]
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
    fmt: Annotated[str, typer.Option("--format", "-f", help="graphml or gexf.")] = "graphml",
    data: Annotated[Path, typer.Option(help="Graph file to export.")] = Path("out/graph.trig"),
    output: Annotated[Path | None, typer.Option("-o", "--out", help="Output file.")] = None,
) -> None:
    """Write the entity network as GraphML or GEXF, for Gephi or Cytoscape."""
    from kg.export import export as run_export

    dataset = _read_graph(data)
    try:
        path = run_export(dataset, output or Path(f"out/graph.{fmt}"), fmt=fmt)
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
