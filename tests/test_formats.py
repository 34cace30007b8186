"""Every RDF export of the seed build is read by four independent parsers with equal counts.

rdflib and pyoxigraph come with the project; Jena's ``riot`` (Debian ``libapache-jena-java``) and
raptor's ``rapper`` (``raptor2-utils``) are installed by ``.ci/run``. Outside CI a missing Debian
tool skips its tests; in CI it fails them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.export import ExportFormat, export, jsonld_context, read_store, union
from kg.rdf import PREFIXES
from tests.conftest import SeedBuild

RDF_FORMATS = [f for f in ExportFormat if f not in (ExportFormat.GRAPHML, ExportFormat.GEXF)]
QUAD_FORMATS = {f for f in RDF_FORMATS if f.named_graphs}
RDFLIB = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.TRIG: "trig",
    ExportFormat.NQUADS: "nquads",
    ExportFormat.NTRIPLES: "nt",
    ExportFormat.JSONLD: "json-ld",
    ExportFormat.XML: "xml",
}
OXIGRAPH = {
    ExportFormat.TURTLE: pyoxigraph.RdfFormat.TURTLE,
    ExportFormat.TRIG: pyoxigraph.RdfFormat.TRIG,
    ExportFormat.NQUADS: pyoxigraph.RdfFormat.N_QUADS,
    ExportFormat.NTRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
    ExportFormat.JSONLD: pyoxigraph.RdfFormat.JSON_LD,
    ExportFormat.XML: pyoxigraph.RdfFormat.RDF_XML,
}
# raptor has no JSON-LD parser (its "json" parser reads RDF/JSON), so JSON-LD is left out.
RAPPER = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.TRIG: "trig",
    ExportFormat.NQUADS: "nquads",
    ExportFormat.NTRIPLES: "ntriples",
    ExportFormat.XML: "rdfxml",
}
# Jena's default JSON-LD 1.1 reader (titanium) needs a JSON-P provider Debian does not package;
# the JSON-LD 1.0 reader (jsonld-java) reads the same file.
RIOT_SYNTAX = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.TRIG: "trig",
    ExportFormat.NQUADS: "nquads",
    ExportFormat.NTRIPLES: "ntriples",
    ExportFormat.JSONLD: "jsonld10",
    ExportFormat.XML: "rdfxml",
}
# Jena 4.5 as Debian packages it: the jars riot needs (not all of /usr/share/java, which holds
# two clashing slf4j bindings).
JENA_JARS = """jena-arq jena-base jena-core jena-iri jena-cmds jena-shacl jena-shex jena-tdb
jena-tdb2 jena-dboe-base jena-dboe-index jena-dboe-storage jena-dboe-trans-data
jena-dboe-transaction jena-rdfconnection commons-cli commons-codec commons-compress commons-csv
commons-io commons-lang3 dexx.collection gson guava httpclient httpclient-cache httpcore
jackson-core jackson-databind jackson-annotations jsonld-java slf4j-api slf4j-nop thrift
protobuf titanium-json-ld""".split()


def _missing(tool: str, package: str) -> None:
    reason = f"{tool} is not installed (Debian package {package}, installed by .ci/run)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def exports(seed_build: SeedBuild, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every RDF format exported from the seed build's graph.trig."""
    folder = tmp_path_factory.mktemp("exports")
    return {
        kind.value: export(seed_build.dataset, folder / f"graph.{kind.suffix}", fmt=kind.value)
        for kind in RDF_FORMATS
    }


@pytest.fixture(scope="module")
def expected(seed_build: SeedBuild) -> dict[str, int]:
    """Quads of the build, and distinct triples of their union."""
    quads = len(set(seed_build.dataset.quads((None, None, None, None))))
    return {"quads": quads, "triples": len(union(seed_build.dataset))}


def _expected(kind: ExportFormat, expected: dict[str, int]) -> int:
    return expected["quads" if kind in QUAD_FORMATS else "triples"]


def _rdflib_count(path: Path, kind: ExportFormat) -> int:
    """Distinct quads rdflib reads from ``path``."""
    dataset = rdflib.Dataset()
    dataset.parse(path, format=RDFLIB[kind])
    return len(set(dataset.quads((None, None, None, None))))


def _riot_count(riot: list[str], path: Path, kind: ExportFormat) -> int:
    """The count Jena riot reports for ``path``; it must say quads for quad formats."""
    run = subprocess.run(
        [*riot, f"--syntax={RIOT_SYNTAX[kind]}", "--count", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = re.search(r"(Triples|Quads) = ([\d,]+)", run.stdout + run.stderr)
    assert found, run.stdout + run.stderr
    assert found[1] == ("Quads" if kind in QUAD_FORMATS else "Triples")
    return int(found[2].replace(",", ""))


def _rapper_count(rapper: str, path: Path, kind: ExportFormat) -> int:
    """The count raptor's rapper reports for ``path``."""
    run = subprocess.run(
        [rapper, "-i", RAPPER[kind], "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = re.search(r"returned (\d+) triples", run.stdout + run.stderr)
    assert found, run.stdout + run.stderr
    return int(found[1])


@pytest.fixture(scope="session")
def riot(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The ``riot`` command of Debian's Jena, made to start.

    Debian's jena-core relocates xerces to the ``xerces`` package but leaves its message bundles
    under ``org/apache/jena/ext/xerces``: riot then stops at start with "internal error". The
    bundles are copied where the class loader looks, in a folder put first on the class path.
    """
    java, share = shutil.which("java"), Path("/usr/share/java")
    jars = [share / f"{name}.jar" for name in JENA_JARS]
    if java is None or not all(jar.is_file() for jar in jars):
        _missing("Jena riot", "libapache-jena-java")
    bundles = tmp_path_factory.mktemp("jena-messages")
    prefix = "org/apache/jena/ext/"
    with zipfile.ZipFile(share / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(prefix + "xerces/") and name.endswith(".properties"):
                target = bundles / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    classpath = os.pathsep.join([str(bundles), *map(str, jars)])
    return [str(java), "-cp", classpath, "riotcmd.riot"]


@pytest.fixture(scope="session")
def rapper() -> str:
    """raptor's ``rapper``."""
    path = shutil.which("rapper")
    if path is None:
        _missing("rapper", "raptor2-utils")
    return str(path)


@pytest.mark.parametrize("kind", RDF_FORMATS, ids=str)
def test_formats_rdflib_reads_every_export(
    kind: ExportFormat, exports: dict[str, Path], expected: dict[str, int]
) -> None:
    assert _rdflib_count(exports[kind.value], kind) == _expected(kind, expected)
    if kind in QUAD_FORMATS:
        dataset = rdflib.Dataset()
        dataset.parse(exports[kind.value], format=RDFLIB[kind])
        assert len([g for g in dataset.graphs() if len(g)]) == 6  # 5 documents + the catalogue


@pytest.mark.parametrize("kind", RDF_FORMATS, ids=str)
def test_formats_pyoxigraph_reads_every_export(
    kind: ExportFormat, exports: dict[str, Path], expected: dict[str, int]
) -> None:
    quads = set(pyoxigraph.parse(path=str(exports[kind.value]), format=OXIGRAPH[kind]))
    assert len(quads) == _expected(kind, expected)


@pytest.mark.parametrize("kind", RDF_FORMATS, ids=str)
def test_formats_riot_reads_every_export(
    kind: ExportFormat, exports: dict[str, Path], expected: dict[str, int], riot: list[str]
) -> None:
    assert _riot_count(riot, exports[kind.value], kind) == _expected(kind, expected)


@pytest.mark.parametrize("kind", sorted(RAPPER, key=str), ids=str)
def test_formats_rapper_reads_every_export(
    kind: ExportFormat, exports: dict[str, Path], expected: dict[str, int], rapper: str
) -> None:
    assert _rapper_count(rapper, exports[kind.value], kind) == _expected(kind, expected)


def test_formats_jsonld_embeds_the_shipped_context(exports: dict[str, Path]) -> None:
    document = json.loads(exports["jsonld"].read_text(encoding="utf-8"))
    assert document["@context"] == jsonld_context()
    # Compact IRIs prove the context was applied, not just pasted.
    assert any(node.get("@id", "").startswith("kgdoc:") for node in document["@graph"])


def test_formats_context_matches_the_rdf_prefixes() -> None:
    context = jsonld_context()
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == str(namespace), prefix


def test_formats_store_export_equals_file_export(seed_build: SeedBuild, tmp_path: Path) -> None:
    from_store = read_store(seed_build.out / "store")
    for kind in (ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD):
        a = export(from_store, tmp_path / f"store.{kind.suffix}", fmt=kind.value)
        b = export(seed_build.dataset, tmp_path / f"file.{kind.suffix}", fmt=kind.value)
        assert a.read_bytes() == b.read_bytes(), kind
    assert (tmp_path / "store.trig").read_bytes() == (seed_build.out / "graph.trig").read_bytes()


def test_formats_union_formats_merge_the_named_graphs(exports: dict[str, Path]) -> None:
    turtle = rdflib.Graph().parse(exports["turtle"], format="turtle")
    trig = rdflib.Dataset()
    trig.parse(exports["trig"], format="trig")
    assert set(turtle) == {(s, p, o) for s, p, o, _ in trig.quads((None, None, None, None))}


def test_formats_cli_exports_from_the_store(seed_build: SeedBuild, tmp_path: Path) -> None:
    target = tmp_path / "graph.nq"
    store = str(seed_build.out / "store")
    result = CliRunner().invoke(
        app, ["export", "--format", "nquads", "--store", store, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").count("\n") == len(
        set(seed_build.dataset.quads((None, None, None, None)))
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ttl"], "unknown export format 'ttl'"),
        (["--format", "trig", "--store", "no-such-store"], "no-such-store: no store here"),
    ],
)
def test_formats_cli_bad_input_is_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "kind"), [("graph.ttl", ExportFormat.TURTLE), ("graph.trig", ExportFormat.TRIG)]
)
def test_formats_build_files_read_alike_by_four_parsers(
    name: str,
    kind: ExportFormat,
    seed_build: SeedBuild,
    expected: dict[str, int],
    riot: list[str],
    rapper: str,
) -> None:
    """The build's own files (graph.ttl comes from Oxigraph's writer, graph.trig from rdflib's)
    give the same count to rdflib, pyoxigraph, Jena riot and raptor's rapper."""
    path = seed_build.out / name
    counts = {
        "rdflib": _rdflib_count(path, kind),
        "pyoxigraph": len(set(pyoxigraph.parse(path=str(path), format=OXIGRAPH[kind]))),
        "riot": _riot_count(riot, path, kind),
        "rapper": _rapper_count(rapper, path, kind),
    }
    assert set(counts.values()) == {_expected(kind, expected)}, counts
