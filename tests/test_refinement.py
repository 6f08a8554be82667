"""Richardson extrapolation along grid refinements (symmech.refinement).

Expected values come from model sequences whose limits are known by construction
(e_n = a + b n**-p), so the extrapolation must return a to rounding when the model holds.
"""

import math

import pytest
from hypothesis import given, settings, strategies as st

from symmech.errors import InvalidParameter
from symmech.refinement import Refinement, refine


def test_first_order_sequence_is_extrapolated_exactly():
    r = refine(lambda n: 2.0 + 3.0 / n, grids=(10, 20, 40, 80))
    assert r.method == "richardson"
    assert r.order == pytest.approx(1.0, abs=1e-9)
    assert r.limit == pytest.approx(2.0, abs=1e-12)
    assert r.values == tuple(2.0 + 3.0 / n for n in (10, 20, 40, 80))
    assert r.contains(2.0)


def test_second_order_and_unequal_ratios():
    r = refine(lambda n: -1.0 + 5.0 / n ** 2, grids=(10, 30, 50, 120))
    assert r.order == pytest.approx(2.0, abs=1e-6)
    assert r.limit == pytest.approx(-1.0, abs=1e-10)


def test_error_covers_the_true_limit_with_a_second_order_term():
    # e_n = 1 + 1/n + 4/n**2: first-order Richardson leaves an O(n**-2) error the estimate must cover
    r = refine(lambda n: 1.0 + 1.0 / n + 4.0 / n ** 2, grids=(25, 50, 100, 200))
    assert abs(r.limit - 1.0) <= r.error
    assert abs(r.limit - 1.0) < abs(r.values[-1] - 1.0) / 5  # extrapolation helps
    assert r.error < 0.01


def test_converged_sequence_claims_no_order():
    r = refine(lambda n: 0.25, grids=(10, 20, 40))
    assert (r.method, r.order, r.limit) == ("converged", None, 0.25)
    assert r.error < 1e-12


def test_oscillation_gives_spread_not_order():
    vals = {50: 0.75, 100: 0.745, 200: 0.7375, 400: 0.73625, 800: 0.735}
    r = refine(lambda n: vals[n], grids=tuple(vals))
    # differences 0.005, 0.0075, 0.00125, 0.00125 do not shrink geometrically at the end
    assert r.order is None and r.method == "spread"
    assert r.limit == 0.735
    assert r.error == pytest.approx(0.7375 - 0.735)


def test_two_grids_and_assumed_order():
    r = refine(lambda n: 1.0 + 1.0 / n, grids=(10, 20))
    assert r.order is None and r.error == pytest.approx(0.05)
    r = refine(lambda n: 1.0 + 1.0 / n, grids=(10, 20), order=1)
    assert r.method == "assumed order" and r.limit == pytest.approx(1.0, abs=1e-12)


def test_objects_with_objective_and_serialisation():
    class Sol:
        def __init__(self, n):
            self.objective = 0.5 - 1.0 / n

    r = refine(Sol, grids=(8, 16, 32))
    assert isinstance(r, Refinement)
    assert r.limit == pytest.approx(0.5, abs=1e-12)
    d = r.to_dict()
    assert d["grids"] == [8, 16, 32] and d["method"] == "richardson"
    assert "limit 0.5" in str(r)


def test_non_finite_values_give_no_limit():
    r = refine(lambda n: float("nan") if n == 20 else 1.0, grids=(10, 20, 40))
    assert math.isnan(r.limit) and r.error == math.inf


@pytest.mark.parametrize("grids", [(10,), (20, 10), (10, 10, 20), ("a", 2), (0, 10)])
def test_bad_grids_are_rejected(grids):
    with pytest.raises(InvalidParameter):
        refine(lambda n: 1.0, grids=grids)


def test_bad_values_are_rejected():
    with pytest.raises(InvalidParameter, match="number or an object"):
        refine(lambda n: "x", grids=(10, 20))
    with pytest.raises(InvalidParameter, match="order must be positive"):
        refine(lambda n: 1.0, grids=(10, 20), order=-1)


@settings(max_examples=40, deadline=None)
@given(a=st.floats(-5, 5), b=st.floats(0.1, 5) | st.floats(-5, -0.1), p=st.floats(0.5, 3.0))
def test_model_sequences_recover_their_limit(a, b, p):
    r = refine(lambda n: a + b * n ** -p, grids=(16, 32, 64, 128))
    assert r.order == pytest.approx(p, rel=1e-6)
    assert abs(r.limit - a) <= r.error + 1e-9 * (1 + abs(a))
