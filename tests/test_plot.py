"""Headless tests of symmech.plot: the drawn data are read back and compared with formulas.

Every reference value is computed here independently of the plotted expressions (closed
forms derived in the comments, or mpmath quadrature / root finding at 30 digits).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

import symmech as sm  # noqa: E402
from symmech import plot  # noqa: E402
from symmech.errors import InvalidParameter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONCAVE = "1 - (1 - v)**2"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def _span(patch):
    """(left, right) of an axvspan (a Rectangle in new Matplotlib, a Polygon in old)."""
    if hasattr(patch, "get_width"):
        return patch.get_x(), patch.get_x() + patch.get_width()
    xy = np.asarray(patch.get_xy())
    return xy[:, 0].min(), xy[:, 0].max()


def _finite(xs, ys):
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    ok = np.isfinite(ys)
    return xs[ok], ys[ok]


# ---------------------------------------------------------------------------------- payoffs
def test_payoffs_bulow_picture_for_a_concave_cdf():
    d = sm.Distribution.from_cdf(CONCAVE)
    woa = sm.war_of_attrition(d)
    fig = plot.payoffs([("50-50 split", sm.equal_split(2)), ("war of attrition", woa)], d)
    (ax,) = fig.axes
    split, war = _lines(ax, "payoff")
    assert split.get_label().startswith("50-50 split") and war.get_label().startswith("war of attrition")
    xs, ys = _finite(split.get_xdata(), split.get_ydata())
    assert xs[0] == 0.0 and xs[-1] == 1.0 and len(xs) == 201
    np.testing.assert_allclose(ys, xs / 2, rtol=0, atol=1e-15)
    # U0(v) = integral_0^v F by quadrature of F = 1 - (1 - s)^2, independent of woa.payoff
    xw, yw = _finite(war.get_xdata(), war.get_ydata())
    with mpmath.workdps(30):
        for x, y in list(zip(xw, yw))[::40]:
            ref = mpmath.quad(lambda s: 1 - (1 - s) ** 2, [0, x])
            assert abs(y - float(ref)) < 1e-13
        # the crossing solves v/2 = v^2 - v^3/3 on (0, 1): v = 3/2 - sqrt(3)/2
        c = mpmath.findroot(lambda v: v / 2 - (v**2 - v**3 / 3), 0.6)
    (mk,) = _lines(ax, "crossing")
    assert mk.get_xdata()[0] == pytest.approx(float(c), abs=1e-14)
    assert mk.get_ydata()[0] == pytest.approx(float(c) / 2, abs=1e-14)
    assert "3/2 - sqrt(3)/2" in " ".join(t.get_text() for t in ax.texts)
    # shaded: split better below the crossing, worse above
    gids = {coll.get_gid() for coll in ax.collections}
    assert {"better", "worse"} <= gids


def test_payoffs_uniform_has_no_interior_crossing_and_uses_given_axes():
    d = sm.families.Uniform(0, 1)
    fig0, ax0 = plt.subplots()
    fig = plot.payoffs([sm.equal_split(2), sm.war_of_attrition(d)], d, ax=ax0)
    assert fig is fig0
    assert _lines(ax0, "crossing") == []
    war = _lines(ax0, "payoff")[1]
    xs, ys = _finite(war.get_xdata(), war.get_ydata())
    np.testing.assert_allclose(ys, xs**2 / 2, atol=1e-15)    # U0 = integral_0^v s ds
    assert {c.get_gid() for c in ax0.collections} == {"better"}  # v/2 >= v^2/2 everywhere


def test_payoffs_accepts_expressions_and_strings():
    d = sm.families.Uniform(0, 1)
    v = d.var
    fig = plot.payoffs([v / 3, "v**2"], d, shade=False)
    (ax,) = fig.axes
    (mk,) = _lines(ax, "crossing")                      # v/3 = v^2 at v = 1/3
    assert mk.get_xdata()[0] == pytest.approx(1 / 3, abs=1e-15)
    assert len(ax.collections) == 0


def test_payoffs_crossing_for_an_irrational_posted_price():
    # F = 1 - (1-v)^2; the price selling Q0 = 1/5 solves (1 - p)^2 = 1/5: p = 1 - 1/sqrt(5).
    # The posted price pays v - p above p, the lottery v/5: equal at v = 5p/4.
    d = sm.Distribution.from_cdf(CONCAVE)
    fig = plot.payoffs([sm.posted_price(d, quantity=sp.Rational(1, 5)), sm.lottery(sp.Rational(1, 5))], d)
    (mk,) = _lines(fig.axes[0], "crossing")
    c = 1.25 * (1 - 1 / np.sqrt(5))
    assert mk.get_xdata()[0] == pytest.approx(c, abs=1e-12)
    assert mk.get_ydata()[0] == pytest.approx(c / 5, abs=1e-12)


def test_payoffs_rejects_bad_input():
    with pytest.raises(InvalidParameter, match="numeric parameters"):
        plot.payoffs([sm.equal_split(2)], sm.families.Power("k"))
    with pytest.raises(InvalidParameter, match="cannot draw"):
        plot.payoffs([object()], sm.families.Uniform(0, 1))
    with pytest.raises(InvalidParameter, match="at least one"):
        plot.payoffs([], sm.families.Uniform(0, 1))


# ---------------------------------------------------------------------------------- virtual values
def test_virtual_values_uniform_reserve():
    fig = plot.virtual_values(sm.families.Uniform(0, 1))
    (ax,) = fig.axes
    (J,) = _lines(ax, "virtual")
    xs, ys = _finite(J.get_xdata(), J.get_ydata())
    np.testing.assert_allclose(ys, 2 * xs - 1, atol=1e-14)   # J_1 = v - (1 - v)/1
    (r,) = _lines(ax, "reserve")
    assert r.get_xdata()[0] == 0.5                           # J_1(r) = 0
    assert _lines(ax, "ironed") == [] and [p for p in ax.patches if p.get_gid() == "ironing"] == []


def test_virtual_values_money_burning_pools_everyone():
    fig = plot.virtual_values(sm.Distribution.from_cdf("v**2"), alpha=0)
    (ax,) = fig.axes
    (J,) = _lines(ax, "virtual")
    xs, ys = _finite(J.get_xdata(), J.get_ydata())
    np.testing.assert_allclose(ys, (1 - xs**2) / (2 * xs), rtol=1e-12)   # J_0 = (1 - F)/f
    (bar,) = _lines(ax, "ironed")
    # pooled on [0, 1] at integral_0^1 (1 - v^2) dv = 2/3
    np.testing.assert_allclose(bar.get_ydata(), 2 / 3, atol=1e-15)
    (span,) = [p for p in ax.patches if p.get_gid() == "ironing"]
    assert _span(span) == (0.0, 1.0)
    assert _lines(ax, "reserve") == []                      # reserve marked for alpha = 1 only


def test_virtual_values_ironing_interval_of_a_bimodal_density():
    # f = 9 (v - 1/2)^2 + 1/4 on [0, 1] (mass 9/12 + 1/4 = 1): J_1 dips near v = 1/2
    d = sm.Distribution.from_pdf("9*(v - 1/2)**2 + 1/4")
    fig = plot.virtual_values(d)
    (ax,) = fig.axes
    (span,) = [p for p in ax.patches if p.get_gid() == "ironing"]
    a, b = _span(span)
    (bar,) = _lines(ax, "ironed")
    xs, ys = np.asarray(bar.get_xdata()), np.asarray(bar.get_ydata())
    level = ys[(xs >= a) & (xs <= b)]
    assert np.ptp(level) == 0
    lam = float(level[0])
    with mpmath.workdps(30):
        f = lambda s: 9 * (s - mpmath.mpf(1) / 2) ** 2 + mpmath.mpf(1) / 4  # noqa: E731
        F = lambda s: mpmath.quad(f, [0, s])  # noqa: E731
        J = lambda s: s - (1 - F(s)) / f(s)  # noqa: E731
        # pooling interval [0, b]: J(b) = lambda (tangency at the interior end) and lambda is
        # the F-weighted mean of J on [0, b] (Myerson 1981, section 6)
        mean = mpmath.quad(lambda s: J(s) * f(s), [0, b]) / F(b)
        assert a == 0.0
        assert abs(J(mpmath.mpf(b)) - lam) < 1e-12
        assert abs(mean - lam) < 1e-12
    # outside the interval the ironed curve is J itself
    (Jl,) = _lines(ax, "virtual")
    out = xs > b
    np.testing.assert_array_equal(ys[out], np.asarray(Jl.get_ydata())[out])


# ---------------------------------------------------------------------------------- distribution
def test_distribution_plot_with_shape_annotation():
    fig = plot.distribution(sm.families.Beta(2, 2))
    (ax,) = fig.axes
    (f,) = _lines(ax, "density")
    (D,) = _lines(ax, "demand")
    x = np.asarray(f.get_xdata())
    np.testing.assert_allclose(f.get_ydata(), 6 * x * (1 - x), atol=1e-14)       # Beta(2,2) density
    np.testing.assert_allclose(D.get_ydata(), 1 - (3 * x**2 - 2 * x**3), atol=1e-14)
    (txt,) = [t for t in ax.texts if t.get_gid() == "shape"]
    lines = txt.get_text().splitlines()
    # f' = 6 - 12 v changes sign at 1/2: neither convex nor concave; f log-concave (B&B 2005)
    assert lines[0] == "F convex (f' >= 0): fails at v = 3/4 [symbolic]"
    assert lines[1] == "F concave (f' <= 0): fails at v = 1/4 [symbolic]"
    assert lines[2] == "f log-concave: holds [symbolic]"
    assert len(lines) == 6


def test_distribution_plot_cuts_an_unbounded_support_at_a_quantile():
    fig = plot.distribution(sm.families.Exponential(1), annotate=False)
    (ax,) = fig.axes
    (f,) = _lines(ax, "density")
    x = np.asarray(f.get_xdata())
    assert x[0] == 0.0 and x[-1] == pytest.approx(-np.log(1 - plot.TAIL), rel=1e-12)   # F(x) = 0.995
    np.testing.assert_allclose(f.get_ydata(), np.exp(-x), rtol=1e-13)
    assert [t for t in ax.texts if t.get_gid() == "shape"] == []


# ---------------------------------------------------------------------------------- mechanism
@pytest.fixture(scope="module")
def refinement():
    d = sm.families.Uniform(0, 1)
    sq = sm.lottery(sp.Rational(3, 10))
    sols = [sm.optimal_mechanism(d, capacity=0.5, status_quo=sq, grid=n) for n in (20, 40)]
    for s in sols:
        assert sm.verify_mechanism(s).worst_violation <= 1e-9
    return d, sq, sols


def test_mechanism_plot_draws_each_solution(refinement):
    d, sq, sols = refinement
    fig = plot.mechanism(sols)
    ax_x, ax_t, ax_U = fig.axes
    for ax, attr, gid in ((ax_x, "x", "allocation"), (ax_t, "t", "payment"), (ax_U, "U", "payoff")):
        lines = _lines(ax, gid)
        assert [ln.get_label() for ln in lines] == ["n = 20", "n = 40"]
        for ln, s in zip(lines, sols):
            np.testing.assert_array_equal(ln.get_xdata(), s.grid)
            np.testing.assert_array_equal(ln.get_ydata(), getattr(s, attr))
    # status quo from the finest solution: the lottery pays U0 = 3v/10 with x0 = 3/10, t0 = 0
    (sx,) = _lines(ax_x, "status_quo")
    (su,) = _lines(ax_U, "status_quo")
    np.testing.assert_allclose(sx.get_ydata(), 0.3, atol=1e-15)
    np.testing.assert_allclose(su.get_ydata(), 0.3 * sols[-1].grid, atol=1e-15)
    # alpha = 0, uniform (concave demand): the optimum is the lottery x = Q = 1/2 at price 0
    # (Proposition 1; THEORY section 3), so the drawn allocation is flat at 1/2
    assert np.allclose(_lines(ax_x, "allocation")[-1].get_ydata(), 0.5, atol=1e-7)


def test_mechanism_plot_with_an_explicit_status_quo(refinement):
    d, sq, sols = refinement
    fig = plot.mechanism(sols[-1], status_quo=sq)
    ax_x, ax_t, ax_U = fig.axes
    (sx,) = _lines(ax_x, "status_quo")
    (st,) = _lines(ax_t, "status_quo")
    (su,) = _lines(ax_U, "status_quo")
    xs = np.asarray(su.get_xdata())
    assert len(xs) == 301 and xs[0] == 0 and xs[-1] == 1
    np.testing.assert_allclose(su.get_ydata(), 0.3 * xs, atol=1e-15)
    np.testing.assert_allclose(st.get_ydata(), 0.0, atol=0)
    assert "lottery 3/10" in su.get_label()


def test_mechanism_plot_rejects_non_solutions():
    with pytest.raises(InvalidParameter):
        plot.mechanism([1, 2, 3])


# ---------------------------------------------------------------------------------- README figure
def test_readme_figure_is_small_and_regenerable(tmp_path):
    png = ROOT / "docs" / "bulow_uniform.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size < 100_000
    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "docs" / "make_figures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.bulow_uniform(tmp_path / "b.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size < 100_000
