"""Lay a lineage graph out in columns (upstream hops left, downstream right) for an inline SVG.

Written here rather than with a graph-layout library: the graph is layered by hop already, so a
column per hop and a row per node is all the layout it needs, and it keeps run time free of Graphviz.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlcatalog.ui.data import LineageGraph, LineageNode

NODE_WIDTH = 172
NODE_HEIGHT = 44
COLUMN_GAP = 44
ROW_GAP = 16
PAD = 12
MAX_LABEL = 20


@dataclass(frozen=True)
class PlacedNode:
    node: LineageNode
    x: int
    y: int

    @property
    def label(self) -> str:
        """Cut in the middle: versions and suffixes tell siblings apart, so both ends stay."""
        name = self.node.name
        if len(name) <= MAX_LABEL:
            return name
        head = (MAX_LABEL - 1) // 2
        return name[:head] + "…" + name[-(MAX_LABEL - 1 - head) :]


@dataclass(frozen=True)
class PlacedEdge:
    path: str
    relationship: str
    upstream: str
    downstream: str


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]


def layout(graph: LineageGraph) -> Layout:
    """Columns by longest upstream path (so a job feeding both a model and its group sits left of
    both), rows sorted by type and name, each column centred vertically."""
    ranks = _ranks(graph)
    order = sorted(set(ranks.values()))
    columns = {rank: index for index, rank in enumerate(order)}
    rows: dict[int, list[LineageNode]] = {rank: [] for rank in order}
    for node in sorted(graph.nodes, key=lambda n: (n.entity_type, n.name.lower())):
        rows[ranks[node.urn]].append(node)
    tallest = max((len(r) for r in rows.values()), default=1)
    height = PAD * 2 + tallest * (NODE_HEIGHT + ROW_GAP) - ROW_GAP
    placed: dict[str, PlacedNode] = {}
    for rank, members in rows.items():
        x = PAD + columns[rank] * (NODE_WIDTH + COLUMN_GAP)
        offset = (tallest - len(members)) * (NODE_HEIGHT + ROW_GAP) // 2
        for row, node in enumerate(members):
            placed[node.urn] = PlacedNode(node, x, PAD + offset + row * (NODE_HEIGHT + ROW_GAP))
    edges = [
        _edge(placed[e.upstream], placed[e.downstream], e.relationship)
        for e in graph.edges
        if e.upstream in placed and e.downstream in placed
    ]
    width = PAD * 2 + len(order) * NODE_WIDTH + max(len(order) - 1, 0) * COLUMN_GAP
    return Layout(width, height, list(placed.values()), edges)


def _ranks(graph: LineageGraph) -> dict[str, int]:
    """Longest-path layering, seeded with the walk's hops; bounded relaxation keeps cycles finite."""
    ranks = {n.urn: n.hop for n in graph.nodes}
    for _ in range(len(graph.nodes)):
        changed = False
        for edge in graph.edges:
            if edge.upstream in ranks and edge.downstream in ranks and ranks[edge.downstream] <= ranks[edge.upstream]:
                ranks[edge.downstream] = ranks[edge.upstream] + 1
                changed = True
        if not changed:
            break
    return ranks


def _edge(source: PlacedNode, target: PlacedNode, relationship: str) -> PlacedEdge:
    x1, y1 = source.x + NODE_WIDTH, source.y + NODE_HEIGHT // 2
    x2, y2 = target.x, target.y + NODE_HEIGHT // 2
    bend = max(abs(x2 - x1) // 2, 40)
    path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
    return PlacedEdge(path, relationship, source.node.urn, target.node.urn)
