"""Commune labels that do not collide: greedy placement with offsets and leader lines.

Labels are placed smallest unit first (small units have the least room). Each tries
its anchor, then rings of offsets around it; the first position whose box clears the
boxes already placed (and the obstacles, e.g. scale bar) and stays inside the axes is
kept, with a leader line when it moved. If none clears, the label is shrunk in half-point
steps down to `min_fontsize` and tried again; failing that, the least-overlapping
position at the smallest size is kept (`overlapping_pairs` finds such labels).
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
HARD = 1e6  # weight of overlapping a placed label, against a later label's anchor spot
OUTSIDE = 1e15  # leaving the axes


def candidate_offsets() -> list[tuple[float, float]]:
    """Offsets in points: the anchor first, then rings, starting straight up."""
    out = [(0.0, 0.0)]
    for radius in RINGS_PT[1:]:
        for i in range(DIRECTIONS):
            angle = math.pi / 2 + 2 * math.pi * i / DIRECTIONS
            out.append((radius * math.cos(angle), radius * math.sin(angle)))
    return out


OFFSETS = tuple(candidate_offsets())


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
    min_fontsize: float | None = None,
) -> list[Annotation]:
    """Annotate `texts` at `anchors` (data coordinates) without overlaps; in input order.
    Font sizes are in points (the figure's size is the printed size)."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px_per_pt = renderer.points_to_pixels(1.0)
    placed: list[Bbox] = list(obstacles or [])
    result: dict[int, Annotation] = {}
    sizes = [fontsize]
    while min_fontsize is not None and sizes[-1] - 0.5 >= min_fontsize - 1e-9:
        sizes.append(sizes[-1] - 0.5)
    sequence = list(order if order is not None else range(len(texts)))
    # Each label's box at its own anchor: a label that moves avoids the spots where later
    # labels would sit unmoved (a soft cost), so big units keep their name inside.
    pending: dict[int, Bbox] = {}
    for i in sequence:
        probe = _annotate(ax, texts[i], anchors[i], (0.0, 0.0), fontsize)
        probe.update_positions(renderer)
        pending[i] = label_box(probe, renderer)
        probe.remove()
    for i in sequence:
        pending.pop(i)
        ann = _annotate(ax, texts[i], anchors[i], (0.0, 0.0), fontsize)
        best, best_cost, size = (0.0, 0.0), math.inf, fontsize
        for size in sizes:
            ann.set_fontsize(size)
            ann.xyann = (0.0, 0.0)
            ann.update_positions(renderer)
            # an offset (points) moves the text's box by as many pixels, unchanged otherwise
            at_anchor = label_box(ann, renderer)
            for offset in OFFSETS:
                box = at_anchor.translated(offset[0] * px_per_pt, offset[1] * px_per_pt)
                hard = sum(_overlap(box, p) for p in placed)
                soft = sum(_overlap(box, p) for p in pending.values()) if offset != (0, 0) else 0
                cost = HARD * hard + soft + (0 if _inside(box, frame) else OUTSIDE)
                if cost < best_cost:
                    best, best_cost = offset, cost
                if cost == 0:
                    break
            if best_cost < HARD:  # clear of every placed label: no need to shrink
                break
        ann.xyann = best
        if best != (0.0, 0.0):  # redraw with a leader line to the anchor
            ann.remove()
            ann = _annotate(ax, texts[i], anchors[i], best, size, leader=True)
        else:
            ann.set_fontsize(size)
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
