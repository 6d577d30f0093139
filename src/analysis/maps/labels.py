"""Commune labels that do not collide: greedy placement with offsets and leader lines.

Labels are placed smallest unit first (small units have the least room). Each tries
its anchor, then rings of offsets around it; the first position whose box clears the
boxes already placed (and the obstacles, e.g. scale bar) and stays inside the axes is
kept, with a leader line when it moved. If none clears, the least-overlapping is kept.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patheffects import withStroke
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

RINGS_PT = (0.0, 16.0, 26.0, 38.0, 52.0, 68.0)
DIRECTIONS = 12
PAD_PX = 2.0


def candidate_offsets() -> list[tuple[float, float]]:
    """Offsets in points: the anchor first, then rings, starting straight up."""
    out = [(0.0, 0.0)]
    for radius in RINGS_PT[1:]:
        for i in range(DIRECTIONS):
            angle = math.pi / 2 + 2 * math.pi * i / DIRECTIONS
            out.append((radius * math.cos(angle), radius * math.sin(angle)))
    return out


def label_box(text: Text, renderer) -> Bbox:
    """The text's own extent (without any leader line), padded, in display pixels."""
    box = Text.get_window_extent(text, renderer)
    return Bbox.from_extents(box.x0 - PAD_PX, box.y0 - PAD_PX, box.x1 + PAD_PX, box.y1 + PAD_PX)


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _inside(box: Bbox, frame: Bbox) -> bool:
    return box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1


def _annotate(ax, text, anchor, offset, fontsize, leader=False) -> Annotation:
    arrow = {"arrowstyle": "-", "color": "0.2", "lw": 0.6, "shrinkA": 1, "shrinkB": 0}
    return ax.annotate(
        text,
        anchor,
        xytext=offset,
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=fontsize,
        linespacing=1.05,
        zorder=6,
        arrowprops=arrow if leader else None,
        path_effects=[withStroke(linewidth=2.2, foreground="white")],
    )


def place_labels(
    ax: Axes,
    anchors: list[tuple[float, float]],
    texts: list[str],
    order: list[int] | None = None,
    obstacles: list[Bbox] | None = None,
    fontsize: float = 7.0,
) -> list[Annotation]:
    """Annotate `texts` at `anchors` (data coordinates) without overlaps; in input order."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = list(obstacles or [])
    result: dict[int, Annotation] = {}
    for i in order if order is not None else range(len(texts)):
        ann = _annotate(ax, texts[i], anchors[i], (0.0, 0.0), fontsize)
        best, best_cost = (0.0, 0.0), math.inf
        for offset in candidate_offsets():
            ann.xyann = offset
            ann.update_positions(renderer)
            box = label_box(ann, renderer)
            cost = sum(_overlap(box, p) for p in placed) + (0 if _inside(box, frame) else 1e6)
            if cost < best_cost:
                best, best_cost = offset, cost
            if cost == 0:
                break
        ann.xyann = best
        if best != (0.0, 0.0):  # redraw with a leader line to the anchor
            ann.remove()
            ann = _annotate(ax, texts[i], anchors[i], best, fontsize, leader=True)
        ann.update_positions(renderer)
        placed.append(label_box(ann, renderer))
        result[i] = ann
    return [result[i] for i in sorted(result)]


def overlapping_pairs(annotations: list[Annotation], renderer) -> list[tuple[int, int]]:
    """Index pairs of labels whose text boxes overlap (empty when placement succeeded)."""
    boxes = [Text.get_window_extent(a, renderer) for a in annotations]
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if _overlap(boxes[i], boxes[j]) > 0
    ]
