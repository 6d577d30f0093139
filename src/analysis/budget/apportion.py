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

    Every unit first gets its floor; what is left goes by the shares. A unit pushed over its
    cap is fixed at the cap and the remainder is redistributed among the others, again and
    again until no cap is broken (at most one round per unit). Rounding is the largest
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
        w = np.ones(n)  # no criterion value anywhere: equal shares above the floors
    exact = lo.astype(float)
    free = np.ones(n, dtype=bool)
    left = float(total - lo.sum())
    for _ in range(n + 1):
        pool = w * free
        if left <= 0 or pool.sum() <= 0:
            if left > 0:  # only units with zero share are free: spread equally among them
                pool = free.astype(float)
            else:
                break
        give = exact + left * pool / pool.sum()
        over = free & (give > hi)
        if not over.any():
            exact = give
            break
        exact[over] = hi[over]
        free &= ~over
        left = float(total - exact.sum())
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
