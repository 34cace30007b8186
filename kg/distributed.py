"""Scale-out: extraction on a Dask cluster (``kg build --dask ADDRESS``) and N-Quads partitions
of a built store for the bulk loaders of large stores (``kg build --partitions DIR``).

Batches of documents go to the cluster's workers; each worker process loads the spaCy pipeline
once (``annotate.load_pipeline`` is cached per process) and returns plain ``DocResult``s, which
stream back as they complete and are handed on in document order. The workers need the same
``kg`` and model installed as the machine that runs ``kg build``; resolving, writing and the
store stay on that machine.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.model import Document
from kg.parallel import BATCH_SIZE, Outcome, batches, extract_batch

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = "20s"
PARTITION_QUADS = 1_000_000


class ClusterError(KgError):
    """The Dask scheduler cannot be reached or the cluster failed."""


def extract_dask(documents: Sequence[Document], *, address: str, model: str) -> Iterator[Outcome]:
    """The results of ``documents`` in order, computed on the Dask cluster at ``address``.

    Raises:
        ClusterError: the scheduler cannot be reached, or a batch failed on the cluster.
    """
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise ClusterError(f"{address}: cannot reach the Dask scheduler ({err})") from err
    with client, client.as_current():
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, min(BATCH_SIZE, math.ceil(len(documents) / workers)))
        futures = {
            client.submit(extract_batch, batch, model, pure=False): index
            for index, batch in enumerate(batches(documents, size))
        }
        log.debug("%d batches sent to %d Dask workers", len(futures), workers)
        ready: dict[int, list[Outcome]] = {}
        following = 0
        for future in as_completed(futures):
            try:
                ready[futures[future]] = future.result()
            except Exception as err:  # noqa: BLE001 - whatever a remote worker raised
                raise ClusterError(
                    f"{address}: a batch failed on the cluster ({type(err).__name__}: {err})"
                ) from err
            future.release()
            while following in ready:
                yield from ready.pop(following)
                following += 1


def write_partitions(
    store_dir: Path, folder: Path, *, max_quads: int = PARTITION_QUADS
) -> list[Path]:
    """Write the quads of a built store as N-Quads files of at most ``max_quads`` quads each
    (more only for a single larger graph), whole named graphs per file, in IRI order.

    Earlier ``part-*.nq`` files in ``folder`` are removed first. Returns the files written
    (``part-00000.nq``, …).
    """
    store = ox.Store.read_only(str(store_dir))
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += sorted(store.named_graphs(), key=str)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.nq"):
        old.unlink()
    paths: list[Path] = []
    part: list[ox.Quad] = []

    def flush() -> None:
        path = folder / f"part-{len(paths):05d}.nq"
        ox.serialize(part, str(path), ox.RdfFormat.N_QUADS)
        paths.append(path)
        part.clear()

    for graph in graphs:
        quads = list(store.quads_for_pattern(None, None, None, graph))
        if part and len(part) + len(quads) > max_quads:
            flush()
        part.extend(quads)
    if part or not paths:
        flush()
    return paths
