"""Whole-unit apportionment with floors and caps, by the largest-remainder method."""

from __future__ import annotations

import numpy as np

from analysis.allocation import largest_remainder
from analysis.errors import UserError


def apportion(
    shares: np.ndarray,
    total: int,
    floors: np.ndarray | None = None,
    caps: np.ndarray | None = None,
    label: str = "",
) -> np.ndarray:
    """Integers summing exactly to `total`, proportional to `shares`, each within [floor, cap].

    The amount goes by the shares; a unit below its floor is raised to the floor, or one above
    its cap cut to the cap, and fixed there, and what is left is shared again among the other
    units, round after round until no bound is broken (at most one round per unit). Rounding is the largest
    remainder of the final exact amounts, then repaired unit by unit if a rounded amount
    crossed its cap, so the result always sums to `total`.
    """
    w = np.asarray(shares, dtype=float)
    n = len(w)
    lo = np.zeros(n, dtype=np.int64) if floors is None else np.asarray(floors, dtype=np.int64)
    hi = (
        np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)
        if caps is None
        else np.asarray(caps, dtype=np.int64)
    )
    where = f" '{label}'" if label else ""
    if n == 0:
        if total:
            raise UserError(f"Nguồn{where}: không có xã nào để phân bổ {total} triệu đồng.")
        return np.zeros(0, dtype=np.int64)
    if (lo > hi).any():
        raise UserError(f"Nguồn{where}: mức tối thiểu của một xã lớn hơn mức tối đa.")
    if int(lo.sum()) > total:
        raise UserError(
            f"Nguồn{where}: tổng mức tối thiểu của {n} xã ({int(lo.sum()):,} triệu đồng) vượt "
            f"tổng nguồn ({total:,} triệu đồng); giảm mức tối thiểu hoặc loại bớt xã.".replace(
                ",", "."
            )
        )
    if int(hi.sum()) < total:
        raise UserError(
            f"Nguồn{where}: mức tối đa của các xã cộng lại ({int(hi.sum()):,} triệu đồng) không "
            f"đủ để chia hết tổng nguồn ({total:,} triệu đồng); nâng mức tối đa.".replace(",", ".")
        )
    if w.sum() <= 0:
        w = np.ones(n)  # no criterion value anywhere: equal shares
    exact = np.zeros(n)
    free = np.ones(n, dtype=bool)
    for _ in range(n + 1):
        left = float(total - exact[~free].sum())
        pool = w * free
        if pool.sum() <= 0:  # only zero-share units are free: they share what is left equally
            pool = free.astype(float)
        exact[free] = left * pool[free] / pool.sum() if pool.sum() > 0 else 0.0
        low = free & (exact < lo)
        high = free & (exact > hi)
        if not low.any() and not high.any():
            break
        # floors first (raising them takes from the others), then caps (freeing money)
        fix = low if low.any() else high
        exact[fix] = np.where(low[fix], lo[fix], hi[fix])
        free &= ~fix
    residual = total - exact.sum()  # left when every unit ended fixed at a bound
    if abs(residual) > 1e-9:
        room = (hi - exact) if residual > 0 else (exact - lo)
        exact += residual * room / room.sum()
    out = largest_remainder(np.clip(exact - lo, 0, None), total - int(lo.sum())) + lo
    # rounding up may cross a cap by one: move that unit to the free unit with most room
    for _ in range(n):
        bad = np.flatnonzero(out > hi)
        if bad.size == 0:
            break
        i = bad[0]
        room = np.where(out < hi, exact - out, -np.inf)
        j = int(np.argmax(room))
        out[i] -= 1
        out[j] += 1
    assert int(out.sum()) == total
    return out
