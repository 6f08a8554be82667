"""Shape reports: the "Must hold" items of issue 2, rendering, implications and bad input.

Counterexamples and parametric conditions are re-checked with mpmath at 30+ digits from the
distribution's own density, independently of the decision ladder.
"""

import json

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symmech as sm
from symmech import errors
from symmech.shape import SHAPE_PROPERTIES, ShapeReport

v = sm.v
F = sm.families


def fprime_at(d, x, dps=35):
    """f'(x) by mpmath's numerical differentiation of the density (independent of SymPy's diff)."""
    with mpmath.workdps(dps):
        f = d.numeric_pdf()
        return mpmath.diff(f, mpmath.mpf(x.p) / x.q if isinstance(x, sp.Rational) else mpmath.mpf(str(x)))


@pytest.fixture(scope="module")
def power_k():
    return sm.shape(F.Power("k"))


# k values around the knife edge k = 1, and far from it
K_VALUES = [sp.Rational(1, 100), sp.Rational(1, 2), sp.Rational(999, 1000), sp.Integer(1),
            sp.Rational(1001, 1000), sp.Integer(2), sp.Integer(50)]


@pytest.mark.parametrize("prop,expected", [
    ("cdf_convex", lambda k: k >= 1),
    ("cdf_concave", lambda k: k <= 1),
    ("pdf_log_concave", lambda k: k >= 1),
])
def test_power_conditions(power_k, prop, expected):
    vd = getattr(power_k, prop)
    k = sm.families.Power("k").params[0]
    assert vd.holds is None and vd.method == "symbolic"
    for val in K_VALUES:
        assert vd.condition.xreplace({k: val}) == sp.sympify(expected(val)), (prop, val)


def test_power_conditions_are_the_textbook_ones(power_k):
    k = sm.families.Power("k").params[0]
    assert power_k.cdf_convex.condition == (k >= 1)
    assert power_k.cdf_concave.condition == (k <= 1)
    assert power_k.pdf_log_concave.condition == (k >= 1)
    # v**k is log-concave for every k > 0: (log F)'' = -k/v**2
    assert power_k.cdf_log_concave.holds is True


@settings(max_examples=4, deadline=None, database=None)
@given(k=st.fractions(min_value=sp.Rational(1, 4), max_value=3, max_denominator=4))
def test_power_condition_matches_numeric_instance(power_k, k):
    kk = sm.families.Power("k").params[0]
    val = sp.Rational(k.numerator, k.denominator)
    inst = sm.shape(F.Power(val))
    for prop in ("cdf_convex", "cdf_concave", "pdf_log_concave"):
        predicted = getattr(power_k, prop).condition.xreplace({kk: val})
        assert getattr(inst, prop).holds is (predicted is sp.true)


def test_beta_symbolic_pdf_log_concave():
    r = sm.shape(F.Beta("a", "b"), properties=["pdf_log_concave", "cdf_convex"])
    a, b = F.Beta("a", "b").params
    cond = r.pdf_log_concave.condition
    assert cond == sp.And(a >= 1, b >= 1)
    for av in (sp.Rational(1, 2), 1, 3):
        for bv in (sp.Rational(99, 100), 1, 2):
            assert cond.xreplace({a: av, b: bv}) == sp.sympify(av >= 1 and bv >= 1)
    # Beta's F convex iff a >= 1 and b <= 1 (f' has the sign of (a-1)(1-v) - (b-1)v)
    assert r.cdf_convex.condition == sp.And(a >= 1, b <= 1)


def test_beta_2_2_knife():
    d = F.Beta(2, 2)
    r = sm.shape(d)
    cx = r.cdf_convex.counterexample["v"]
    assert r.cdf_convex.holds is False and sp.Rational(1, 2) < cx < 1
    assert fprime_at(d, cx) < 0  # f'(v) = 6 - 12 v
    assert r.pdf_log_concave.holds is True and r.pdf_log_concave.method == "symbolic"


def test_uniform_is_both_convex_and_concave():
    r = sm.shape(F.Uniform(0, 1))
    assert r.cdf_convex.holds is True and r.cdf_concave.holds is True
    assert all(vd.holds is True for vd in r.verdicts().values())


def test_truncated_normal_uses_the_interval_rung():
    r = sm.shape(F.TruncatedNormal(0, 1, 0, 1))
    methods = {k: vd.method for k, vd in r.verdicts().items()}
    assert "interval" in methods.values()
    assert all(vd.holds is not None for vd in r.verdicts().values())
    assert r.cdf_convex.holds is False and r.cdf_concave.holds is True
    assert r.pdf_log_concave.holds is True


def test_density_without_elementary_antiderivative():
    # f proportional to exp(-v**4) on [0, 1]: SymPy writes F with lowergamma
    d = sm.Distribution.from_pdf(sp.exp(-v**4) / sp.integrate(sp.exp(-v**4), (v, 0, 1)), support=(0, 1))
    r = sm.shape(d)
    assert "interval" in {vd.method for vd in r.verdicts().values()}
    assert r.demand_log_concave.holds is True and r.cdf_concave.holds is True


def test_integral_cdf_goes_to_the_interval_rung():
    s = sp.Symbol("s", real=True)
    Z = sp.Integral(sp.exp(-s**4 - s), (s, 0, 1))
    f = sp.exp(-v**4 - v) / Z
    d = sm.Distribution(sp.Integral(f.xreplace({v: s}), (s, 0, v)), f, (sp.Integer(0), sp.Integer(1)))
    # asked alone, MHR cannot lean on "f log-concave": the ladder itself must certify it
    r = sm.shape(d, properties=["demand_log_concave", "regular"])
    assert any("no closed form" in n for n in r.notes)
    assert r.demand_log_concave.holds is True and r.demand_log_concave.method == "interval"
    assert "integrals by midpoint sums" in r.demand_log_concave.certificate.reason
    assert r.regular.holds is True
    assert r.pdf_log_concave is None and "not requested" in str(r)


def test_piecewise_triangular():
    r = sm.shape(F.Triangular(0, sp.Rational(1, 3), 1))
    assert r.pdf_log_concave.holds is True
    assert r.cdf_convex.holds is False and r.cdf_concave.holds is False
    assert any("piecewise" in n for n in r.notes)


def test_kumaraswamy_convexity_condition():
    d = F.Kumaraswamy("a", "b")
    a, b = d.params
    cond = sm.shape(d, properties=["cdf_convex"]).cdf_convex.condition
    for av, bv, want in [(2, sp.Rational(1, 2), True), (2, 3, False), (sp.Rational(1, 2), sp.Rational(1, 2), False),
                         (1, 1, True)]:
        assert cond.xreplace({a: av, b: bv}) == sp.sympify(want)
        # independent check: f' at a few interior points
        di = F.Kumaraswamy(av, bv)
        signs_ok = all(fprime_at(di, sp.Rational(j, 10)) >= -1e-25 for j in range(1, 10))
        assert signs_ok is want


def test_implications_decide_and_say_so():
    r = sm.shape(F.Normal())
    assert r.pdf_log_concave.holds is True
    for prop in ("cdf_log_concave", "demand_log_concave", "regular"):
        vd = getattr(r, prop)
        assert vd.holds is True
        if "implied by" in vd.certificate.reason:
            assert "Bagnoli" in vd.certificate.reason or "MHR" in vd.certificate.reason


def test_case_split_over_parameters():
    # Weibull(k): F log-concave for k >= 1 (f log-concave) and for k <= 1 (F concave): always
    r = sm.shape(F.Weibull("k", 1))
    k = F.Weibull("k", 1).params[0]
    assert r.pdf_log_concave.condition == (k >= 1) and r.cdf_concave.condition == (k <= 1)
    assert r.cdf_log_concave.holds is True and "case split" in r.cdf_log_concave.certificate.reason
    assert r.demand_log_concave.condition == (k >= 1) and r.regular.condition == (k >= 1)
    assert r.cdf_convex.holds is False  # f' < 0 for large v whatever k


def test_pareto_fails_mhr_and_log_concavity():
    r = sm.shape(F.TruncatedPareto(2, 1, 3))
    assert r.pdf_log_concave.holds is False and r.demand_log_concave.holds is False
    x = r.demand_log_concave.counterexample["v"]
    assert 1 < x < 3


def test_report_renders():
    r = sm.shape(F.Beta(2, 2))
    text = str(r)
    assert "Beta(2, 2)" in text and len(text.splitlines()) == 2 + len(SHAPE_PROPERTIES)
    data = r.to_dict()
    json.dumps(data)
    assert set(data["properties"]) == {key for key, _, _ in SHAPE_PROPERTIES}
    assert r.latex().startswith("\\begin{array}") and "\\text{fails}" in r.latex()
    assert r.latex("tabular").startswith("\\begin{tabular}")
    assert r._repr_latex_().startswith("$$")
    assert isinstance(r, ShapeReport)


def test_parametric_report_renders_conditions():
    text = str(sm.shape(F.Power("k")))
    assert "iff k >= 1" in text and "iff k <= 1" in text


@pytest.mark.parametrize("bad", ["Beta(2, 2)", 3, None])
def test_shape_rejects_non_distributions(bad):
    with pytest.raises(errors.SymmechError) as exc:
        sm.shape(bad)
    assert "\n" not in str(exc.value)


def test_shape_rejects_bad_budget():
    with pytest.raises(errors.InvalidParameter):
        sm.shape(F.Uniform(0, 1), budget=0)
