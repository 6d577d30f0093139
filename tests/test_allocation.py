import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.allocation import allocate_budget, largest_remainder
from analysis.errors import UserError


def test_largest_remainder__hand_example():
    # quotas 3.5, 3.3, 3.2 of 10 -> floors 3,3,3 and the one left goes to the largest remainder
    assert largest_remainder([35, 33, 32], 10).tolist() == [4, 3, 3]


def test_largest_remainder__zero_values_get_nothing():
    assert largest_remainder([0, 1, 1], 5).tolist() in ([0, 3, 2], [0, 2, 3])


@given(
    st.lists(
        st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40
    ).filter(lambda v: sum(v) > 0),
    st.integers(min_value=0, max_value=10**7),
)
def test_largest_remainder__sums_exactly_and_stays_within_one_of_quota(values, total):
    out = largest_remainder(values, total)
    assert out.sum() == total
    quotas = np.asarray(values) / sum(values) * total
    assert np.all(np.abs(out - quotas) < 1 + 1e-9)


def _criteria():
    return pd.DataFrame(
        {
            "commune_code": ["1", "2", "3"],
            "commune_name": ["A", "B", "C"],
            "n_poor": [10, 30, 60],
            "is_remote": [0, 0, 1],
        }
    )


def test_allocate_budget__weighted_shares_and_exact_total():
    out = allocate_budget(_criteria(), {"n_poor": 0.5, "is_remote": 0.5}, 1000)
    # commune 3: 0.5 * 0.6 + 0.5 * 1.0 = 0.8
    assert out["share"].tolist() == pytest.approx([0.05, 0.15, 0.8])
    assert out["amount_million_vnd"].tolist() == [50, 150, 800]
    assert out["million_vnd_per_poor_household"].tolist() == pytest.approx([5.0, 5.0, 800 / 60])


def test_allocate_budget__unknown_criterion_is_a_user_error():
    with pytest.raises(UserError, match="n_orphans"):
        allocate_budget(_criteria(), {"n_orphans": 1.0}, 100)


def test_remote_codes_for_vintage__merged_commune_is_remote_if_any_part_was():
    from analysis.allocation import remote_codes_for_vintage

    to_merged = {"a": "X", "b": "X", "c": "Y", "d": "Z"}
    assert remote_codes_for_vintage(["a", "d"], 2024, to_merged) == ["a", "d"]
    assert remote_codes_for_vintage(["b", "d"], 2025, to_merged) == ["X", "Z"]
