"""Fixed positions for large graphs, where vis-network physics would not settle."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

MAX_PHYSICS_NODES = 300
# networkx's spring layout (scipy's optimiser over all pairs) took 11 s for 677 nodes on a
# loaded 2-core machine, the sampled layout below well under a second: every graph drawn with
# fixed positions gets the sampled one.
FAST_LAYOUT_NODES = MAX_PHYSICS_NODES
FAST_LAYOUT_ITERATIONS = 50
PIVOTS = 200
LAYOUT_SEED = 42


def fixed_positions(view: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Fixed positions for large graphs, where vis physics would not settle."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(view))
    simple.add_edges_from(sorted((u, v) for u, v in view.edges()))
    scale = 100 * math.sqrt(len(simple))
    if len(simple) > FAST_LAYOUT_NODES:
        # networkx's sparse spring layout takes ~90 s for 5,000 nodes; this takes a few.
        pos = _fast_layout(simple, iterations=FAST_LAYOUT_ITERATIONS)
        pos = nx.rescale_layout_dict(pos, scale)
    else:
        pos = nx.spring_layout(simple, seed=LAYOUT_SEED, scale=scale)
    return {node: (round(float(x)), round(float(y))) for node, (x, y) in pos.items()}


def _fast_layout(graph: nx.Graph, *, iterations: int) -> dict[str, np.ndarray]:
    """Fruchterman-Reingold with sampled repulsion, for graphs too large for networkx.

    ``nx.spring_layout`` takes ~90 s for 5,000 nodes (all-pairs repulsion); here each node is
    pushed by ``PIVOTS`` random nodes per iteration, scaled to the whole graph (an unbiased
    estimate of the same force), and pulled along its edges as in networkx: a few seconds.

    The pivot arrays are laid out pivot × axis × node so that each operation runs along the
    nodes: with the axis (of length 2) innermost, an iteration took three times as long. The
    repulsion is summed over the pivots one after the other, in the order of the earlier
    ``einsum``, so a graph keeps its positions to the bit.
    """
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    ends = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.intp)
    ends = ends.reshape(-1, 2)
    rng = np.random.default_rng(LAYOUT_SEED)
    pos = rng.random((n, 2))
    k = 1 / math.sqrt(n)
    pivots = min(PIVOTS, n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        # A copy of pos.T: numpy lays a result out like its inputs, a view would put nodes first.
        delta = pos.T.copy() - pos[rng.choice(n, size=pivots, replace=False), :, None]
        dist2 = np.maximum((delta * delta).sum(axis=1), 1e-6 * k * k)
        disp = (delta * (k * k / dist2)[:, None, :]).sum(axis=0).T * (n / pivots)
        delta = pos[ends[:, 0]] - pos[ends[:, 1]]
        pull = delta * (np.linalg.norm(delta, axis=1) / k)[:, None]
        np.subtract.at(disp, ends[:, 0], pull)
        np.add.at(disp, ends[:, 1], pull)
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return dict(zip(nodes, pos, strict=True))
