"""Shape facts from the literature, each decided by ``sm.shape`` and re-verified numerically.

Every row cites its source and is checked twice: ``sm.shape`` must give the cited answer
(for parametric families: an equivalent condition), and an independent numerical check must
agree. The numerical check computes the function that must be monotone for the property
(``f``, ``(log f)'``, ``f/F``, ``f/(1-F)``, ``v - (1-F)/f``) from mpmath evaluations of the
density and CDF (``(log f)'`` by ``mpmath.diff``) on a grid at 40 digits, and looks for a
decrease (or increase) beyond round-off; it shares no code with the decision ladder.

Sources: Bagnoli & Bergstrom (2005), "Log-concave probability and its applications",
Economic Theory 26, Table 1 and Sections 5-6 (B&B); An (1998), J. Econ. Theory 80;
Barlow & Proschan (1975), Statistical Theory of Reliability and Life Testing, ch. 3 (B&P:
increasing / decreasing failure rate families); Myerson (1981), Math. Oper. Res. 6
(regularity); THEORY.md section 1 and 5 of this project.
"""

import mpmath
import pytest
import sympy as sp

import symmech as sm

v = sm.v
D = sm.Distribution
c_ = sp.Symbol("c", positive=True)
nu = sp.Symbol("nu", positive=True)


def _dists():
    fam = sm.families
    zero, oo = sp.Integer(0), sp.oo
    return {
        "uniform": fam.Uniform(0, 1),
        "normal": fam.Normal(0, 1),
        "exponential": fam.Exponential(1),
        "logistic": fam.Logistic(0, 1),
        "gumbel": fam.Gumbel(0, 1),
        "laplace": D(sp.Piecewise((sp.exp(v) / 2, v < 0), (1 - sp.exp(-v) / 2, True)),
                     sp.Piecewise((sp.exp(v) / 2, v < 0), (sp.exp(-v) / 2, True)), (-oo, oo), v, name="Laplace"),
        "power_k": fam.Power("k"),
        "weibull_k": fam.Weibull("k", 1),
        "gamma_c": D(sp.lowergamma(c_, v) / sp.gamma(c_), v**(c_ - 1) * sp.exp(-v) / sp.gamma(c_), (zero, oo), v,
                     (c_,), name="Gamma(c)"),
        "chi2_nu": D(sp.lowergamma(nu / 2, v / 2) / sp.gamma(nu / 2),
                     v**(nu / 2 - 1) * sp.exp(-v / 2) / (2**(nu / 2) * sp.gamma(nu / 2)), (zero, oo), v, (nu,),
                     name="ChiSquared(nu)"),
        "chi_nu": D(sp.lowergamma(nu / 2, v**2 / 2) / sp.gamma(nu / 2),
                    v**(nu - 1) * sp.exp(-v**2 / 2) / (2**(nu / 2 - 1) * sp.gamma(nu / 2)), (zero, oo), v, (nu,),
                    name="Chi(nu)"),
        "beta_ab": fam.Beta("a", "b"),
        "lognormal": D((1 + sp.erf(sp.log(v) / sp.sqrt(2))) / 2, sp.exp(-sp.log(v)**2 / 2) / (v * sp.sqrt(2 * sp.pi)),
                       (zero, oo), v, name="LogNormal(0, 1)"),
        "cauchy": D(sp.atan(v) / sp.pi + sp.Rational(1, 2), 1 / (sp.pi * (1 + v**2)), (-oo, oo), v, name="Cauchy"),
        "pareto2": fam.Pareto(2),
        "pareto_half": fam.Pareto(sp.Rational(1, 2)),
        "trunc_pareto": fam.TruncatedPareto(2, 1, 3),
        "trunc_normal": fam.TruncatedNormal(0, 1, 0, 1),
        "beta22": fam.Beta(2, 2),
        "beta25": fam.Beta(2, 5),
    }


# (distribution, property, expected: True/False or a condition builder, source)
ROWS = [
    ("uniform", "pdf_log_concave", True, "B&B Table 1: uniform density log-concave"),
    ("uniform", "cdf_convex", True, "THEORY s.1/s.5: linear F, the knife edge"),
    ("uniform", "cdf_concave", True, "THEORY s.1/s.5: linear F, the knife edge"),
    ("uniform", "regular", True, "Myerson 1981: virtual value 2v - 1 increasing"),
    ("normal", "pdf_log_concave", True, "B&B Table 1: normal density log-concave"),
    ("normal", "cdf_log_concave", True, "B&B Thm 1 and Table 1: normal CDF log-concave"),
    ("normal", "demand_log_concave", True, "B&B Thm 3; B&P: normal has increasing failure rate"),
    ("exponential", "pdf_log_concave", True, "B&B Table 1: exponential density log-concave"),
    ("exponential", "demand_log_concave", True, "B&P: constant failure rate (IFR and DFR)"),
    ("exponential", "cdf_concave", True, "decreasing density: F concave"),
    ("exponential", "regular", True, "Myerson 1981: virtual value v - 1 increasing"),
    ("logistic", "pdf_log_concave", True, "B&B Table 1: logistic density log-concave"),
    ("gumbel", "pdf_log_concave", True, "B&B Table 1: extreme value density log-concave"),
    ("laplace", "pdf_log_concave", True, "B&B Table 1: Laplace density log-concave"),
    ("laplace", "demand_log_concave", True, "B&B Thm 3 (log-concave density => log-concave reliability)"),
    ("power_k", "pdf_log_concave", lambda k: k >= 1, "B&B Table 1: power function density log-concave iff c >= 1"),
    ("power_k", "cdf_log_concave", True, "B&B Table 1: power function CDF log-concave for every c > 0"),
    ("power_k", "cdf_convex", lambda k: k >= 1, "THEORY s.1: F = v**k convex iff k >= 1"),
    ("weibull_k", "pdf_log_concave", lambda k: k >= 1, "B&B Table 1: Weibull density log-concave iff c >= 1"),
    ("weibull_k", "demand_log_concave", lambda k: k >= 1, "B&P: Weibull IFR iff shape >= 1"),
    ("gamma_c", "pdf_log_concave", lambda c: c >= 1, "B&B Table 1: gamma density log-concave iff c >= 1"),
    ("chi2_nu", "pdf_log_concave", lambda n: n >= 2, "B&B Table 1: chi-squared density log-concave iff nu >= 2"),
    ("chi_nu", "pdf_log_concave", lambda n: n >= 1, "B&B Table 1: chi density log-concave iff nu >= 1"),
    ("beta_ab", "pdf_log_concave", lambda a, b: sp.And(a >= 1, b >= 1),
     "B&B Table 1: beta density log-concave iff a >= 1 and b >= 1"),
    ("lognormal", "pdf_log_concave", False, "B&B Table 1 / s.6: lognormal density not log-concave"),
    ("cauchy", "pdf_log_concave", False, "B&B Table 1: Cauchy density not log-concave"),
    ("pareto2", "pdf_log_concave", False, "B&B s.6: Pareto density log-convex"),
    ("pareto2", "demand_log_concave", False, "B&P: Pareto has decreasing failure rate alpha/v (DFR)"),
    ("pareto2", "regular", True, "Myerson 1981 regularity: virtual value v(1 - 1/alpha) increasing, alpha = 2"),
    ("pareto_half", "regular", False, "Myerson 1981 regularity: virtual value -v decreasing for alpha = 1/2"),
    ("trunc_pareto", "pdf_log_concave", False, "B&B s.6: truncated Pareto density log-convex"),
    ("trunc_pareto", "demand_log_concave", False, "B&P: hazard decreases near the lower end (DFR part)"),
    ("trunc_normal", "pdf_log_concave", True, "B&B: truncation preserves log-concavity of a density"),
    ("trunc_normal", "demand_log_concave", True, "B&B Thm 3 applied to the truncated normal"),
    ("beta22", "cdf_convex", False, "THEORY s.5: Beta(2,2) F neither convex nor concave"),
    ("beta22", "cdf_concave", False, "THEORY s.5: Beta(2,2) F neither convex nor concave"),
    ("beta25", "regular", True, "B&B Table 1 (beta a, b >= 1) + Thm 3 + MHR => regular (Myerson 1981)"),
]

_CACHE = {}


def report(name):
    """One shape computation per distribution, for the properties the table asks about."""
    if name not in _CACHE:
        props = sorted({p for n, p, _, _ in ROWS if n == name})
        d = _DISTS[name]
        _CACHE[name] = (d, sm.shape(d, properties=props))
    return _CACHE[name]


_DISTS = _dists()


# ------------------------------------------------------------------ independent numeric check
def _window(d):
    lo, hi = d.support
    a = -6 if lo == -sp.oo else float(lo)
    b = (a + 8 if lo != -sp.oo else 6) if hi == sp.oo else float(hi)
    return a, b


def numeric_monotone_violation(d, prop, n=160):
    """Largest wrong-way step of the property's monotone function on a grid (relative), and
    whether that function is required to be nondecreasing."""
    with mpmath.workdps(40):
        f, F = d.numeric_pdf(), d.numeric_cdf()
        a, b = _window(d)
        xs = [mpmath.mpf(a) + (mpmath.mpf(b) - a) * (i + mpmath.mpf(1) / 2) / n for i in range(n)]
        if prop in ("cdf_convex", "cdf_concave"):
            g = [f(x) for x in xs]
        elif prop == "pdf_log_concave":
            g = [mpmath.diff(lambda t: mpmath.log(f(t)), x) for x in xs]
        elif prop == "cdf_log_concave":
            g = [f(x) / F(x) for x in xs]
        elif prop == "demand_log_concave":
            g = [f(x) / (1 - F(x)) for x in xs]
        else:  # regular
            g = [x - (1 - F(x)) / f(x) for x in xs]
        up = prop in ("cdf_convex", "demand_log_concave", "regular")
        scale = max(abs(t) for t in g) + 1
        steps = [(g[i] - g[i + 1]) if up else (g[i + 1] - g[i]) for i in range(n - 1)]
        return max(steps) / scale


def numeric_holds(d, prop):
    worst = numeric_monotone_violation(d, prop)
    if worst <= mpmath.mpf(10) ** -25:
        return True
    assert worst > mpmath.mpf(10) ** -8, f"numeric check inconclusive: violation {worst}"
    return False


# ------------------------------------------------------------------ the table
@pytest.mark.parametrize("name,prop,expected,source", ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_literature_fact(name, prop, expected, source):
    d, rep = report(name)
    vd = getattr(rep, prop)
    if callable(expected):
        params = d.params
        want = expected(*params)
        assert vd.condition is not None, (source, vd)
        # equivalent conditions: same truth value on a grid around and away from the edges
        grid = [sp.Rational(1, 3), sp.Rational(99, 100), 1, sp.Rational(101, 100), sp.Rational(3, 2), 2,
                sp.Rational(21, 10), 5]
        for vals in ([(g,) for g in grid] if len(params) == 1 else [(g, h) for g in grid[::2] for h in grid[1::2]]):
            sub = dict(zip(params, vals))
            assert vd.condition.xreplace(sub) == sp.sympify(want).xreplace(sub), (source, sub)
        # and the numeric check agrees at one point inside and one outside the condition
        for vals in ((sp.Integer(2),) * len(params), (sp.Rational(1, 2),) * len(params)):
            sub = dict(zip(params, vals))
            inst = d.subs(sub)
            assert numeric_holds(inst, prop) is (sp.sympify(want).xreplace(sub) is sp.true), (source, sub)
    else:
        assert vd.holds is expected, (source, vd)
        instances = [d] if not d.params else [d.subs({p: val for p in d.params})
                                              for val in (sp.Integer(2), sp.Rational(1, 2))]
        for inst in instances:
            assert numeric_holds(inst, prop) is expected, source


def test_table_is_large_enough():
    assert len(ROWS) >= 25
    assert len({(r[0], r[1]) for r in ROWS}) == len(ROWS)
