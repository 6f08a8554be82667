"""Build the teaching notebooks of symmech from this script: ``python notebooks/make_notebooks.py``.

The notebooks are written without outputs and with fixed cell ids, so the same script always
produces the same bytes (review the script, regenerate the notebooks). Each notebook tells one
story a class can follow, calls symmech, renders derivations inline, draws plots, and
``assert``s its key numbers, so a notebook that runs but shows a wrong result fails the test
suite (``tests/test_notebooks.py`` executes them with nbclient, working directory
``notebooks/``).

1. ``01_war_of_attrition_and_bulow.ipynb``   the war of attrition and Bulow's puzzle
2. ``02_shape_of_demand.ipynb``              convexity versus log-concavity, with the families
3. ``03_virtual_values_ironing_money_burning.ipynb``
4. ``04_pareto_improving_design.ipynb``      capacity, status quos and make-whole payments
5. ``05_theorem_and_exercises.ipynb``        the theorem resolving the puzzle, with exercises
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Tuple

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
%matplotlib inline
import mpmath
import numpy as np
import sympy as sp
from IPython.display import Markdown, display

try:
    import symmech as sm
except ImportError:  # a checkout that is not installed: use the repository above this folder
    import pathlib, sys
    sys.path.insert(0, str(pathlib.Path.cwd().parent))
    import symmech as sm
from symmech import derive, plot

v = sm.v'''

Cell = Tuple[str, str]  # ("md" | "code", source)


def md(text: str) -> Cell:
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    return ("code", text.strip("\n"))


# ============================================================================ notebook 1
NB1: List[Cell] = [
    md(r"""
# 1. The war of attrition and Bulow's puzzle

Two players want one pie. Each knows her own value $v$ for it; the values are independent
draws from a distribution $F$ on $[0, 1]$. In a **war of attrition** both wait, each paying
a cost $c$ per unit of time, until one gives up; the other gets the pie. A rival who simply
**splits the pie 50-50 at once** wastes nothing. Jeremy Bulow's puzzle: is the immediate
split better for *everyone*? And can anything do better still?

In this notebook we let `symmech` derive the equilibrium of the war of attrition, check it,
and compare it type by type with the split. Every number we rely on is asserted in code.
"""),
    code(SETUP),
    md(r"""
## The symmetric equilibrium

A type $v$ who quits at time $T(v)$ trades off the cost of waiting longer against the chance
of outlasting the rival. The first-order condition gives the exit time
$$T(v) = \frac{1}{c}\int_0^v \frac{s f(s)}{1 - F(s)}\,ds$$
(Krishna, *Auction Theory*, sec. 3.2.3). The higher type wins, so the interim allocation is
$x(v) = F(v)$, and by the envelope theorem the interim payoff is $U(v) = \int_0^v F$.
For uniform values:
"""),
    code('''
d = sm.families.Uniform(0, 1)
eq = sm.war_of_attrition(d)
eq.strategy, eq.allocation, eq.payoff'''),
    code('''
# T(v) = -v - log(1 - v), x = F = v, U = v**2/2
assert sp.simplify(eq.strategy - (-v - sp.log(1 - v))) == 0
assert eq.allocation == v
assert sp.simplify(eq.payoff - v**2 / 2) == 0

# an independent check of the closed form: the defining integral by mpmath quadrature
with mpmath.workdps(30):
    T_half = mpmath.quad(lambda s: s / (1 - s), [0, mpmath.mpf(1) / 2])
    closed = mpmath.mpf(str(sp.N(eq.strategy.subs(v, sp.Rational(1, 2)), 40)))
    assert abs(closed - T_half) < mpmath.mpf(10) ** -25
print(f"T(1/2) = log 2 - 1/2 = {float(T_half):.12f}")'''),
    md(r"""
`symmech` re-checks its own result from the rules of the game, never from the closed forms:
the strategy against the quadrature of its defining integral and against the first-order
condition, the payoff against the envelope integral and against $v x - t$, and so on.
"""),
    code('''
report = eq.check(dps=20)
assert report.ok
print(report)'''),
    md(r"""
**The waiting cost does not matter for payoffs.** Tripling $c$ divides every exit time by
three, so the cost actually paid, $c\,T$, and hence every payoff, stays the same.
"""),
    code('''
eq3 = sm.war_of_attrition(d, cost=3)
assert sp.simplify(eq3.strategy - eq.strategy / 3) == 0
assert sp.simplify(eq3.payoff - eq.payoff) == 0
eq3.strategy'''),
    md(r"""
### The derivation, step by step

Every step below was checked by the derivation engine (symbolically, or numerically at
many points where SymPy could not finish); the table at the end says how.
"""),
    code('''
der = derive.war_of_attrition(d)
assert der.verified
der'''),
    md(r"""
## Bulow's puzzle: the 50-50 split against the war of attrition

The split gives every type $v/2$; the war of attrition gives $U_0(v) = \int_0^v F$. With
uniform values $U_0 = v^2/2 \le v/2$: **every type prefers the split** (the green region).
"""),
    code('''
split = sm.equal_split(2)
fig = plot.payoffs([("50-50 split", split), ("war of attrition", eq)], d)'''),
    code('''
b = sm.bulow_puzzle(d)
print(b)
assert b.split_pareto_improves.holds is True
assert b.split_optimal.holds is True
# ex ante payoff per player: E[v]/2 = 1/4 under the split, E[v**2/2] = 1/6 in the war
assert b.optimal_value.value == sp.Rational(1, 4)
assert b.status_quo_value.value == sp.Rational(1, 6)'''),
    md(r"""
## When the split is not a Pareto improvement

Take $F(v) = 1 - (1 - v)^2$: most values are low. The war of attrition gives
$U_0 = v^2 - v^3/3$, which beats $v/2$ for high types: they expect to outlast their rival
quickly. The crossing point solves $v/2 = v^2 - v^3/3$, i.e. $v = 3/2 - \sqrt{3}/2$.
"""),
    code('''
dc = sm.Distribution.from_cdf("1 - (1 - v)**2")
eqc = sm.war_of_attrition(dc)
cmp = sm.pareto_compare(split, eqc, dc)
print(cmp)
(c,) = cmp.crossing_points
assert sp.simplify(c - (sp.Rational(3, 2) - sp.sqrt(3) / 2)) == 0
assert cmp.pareto_improves.holds is False
# independent: the root of v/2 - (v**2 - v**3/3) on (0, 1) by mpmath
with mpmath.workdps(30):
    root = mpmath.findroot(lambda x: x / 2 - (x**2 - x**3 / 3), 0.6)
    assert abs(mpmath.mpf(str(sp.N(c, 40))) - root) < mpmath.mpf(10) ** -25
fig = plot.payoffs([("50-50 split", split), ("war of attrition", eqc)], dc)'''),
    md(r"""
## More players

With $n$ players the highest type wins, so $x(v) = F(v)^{n-1}$ and $U(v) = \int_0^v F^{n-1}$.
"""),
    code('''
eq_three = sm.war_of_attrition(d, players=3)
assert eq_three.allocation == v**2
assert sp.simplify(eq_three.payoff - v**3 / 3) == 0
eq_three.payoff'''),
    md(r"""
**Where next.** Notebook 2 asks which shapes of $F$ make the split a Pareto improvement
(convexity, log-concavity), and notebook 5 proves when the split is the *best*
Pareto-improving mechanism.
"""),
]

# ============================================================================ notebook 2
NB2: List[Cell] = [
    md(r"""
# 2. The shape of demand: convexity versus log-concavity

Mechanism design results come with shape hypotheses. With demand $1 - F$:

| property | holds iff |
|---|---|
| $F$ convex (demand concave) | $f' \ge 0$ |
| $F$ concave (demand convex) | $f' \le 0$ |
| $f$ log-concave | $(\log f)'' \le 0$ |
| $F$ log-concave | $(\log F)'' \le 0$ |
| demand log-concave (monotone hazard rate) | $(\log(1-F))'' \le 0$ |
| regular (Myerson) | $v - (1-F)/f$ nondecreasing |

`sm.shape(d)` decides each one with a certificate: an exact symbolic proof, interval
arithmetic, or a refutation with a counterexample point. A sampled answer is never
reported as a proof.
"""),
    code(SETUP),
    code('''
half, third = sp.Rational(1, 2), sp.Rational(1, 3)
dists = {
    "Uniform(0, 1)": sm.families.Uniform(0, 1),
    "Power(2): F = v^2": sm.families.Power(2),
    "Power(1/2): F = sqrt(v)": sm.families.Power(half),
    "Beta(2, 2)": sm.families.Beta(2, 2),
    "Kumaraswamy(2, 3)": sm.families.Kumaraswamy(2, 3),
    "Triangular(0, 1/3, 1)": sm.families.Triangular(0, third, 1),
    "TruncatedExponential(1, 3)": sm.families.TruncatedExponential(1, 3),
    "F = 1 - (1 - v)^2": sm.Distribution.from_cdf("1 - (1 - v)**2"),
}
reports = {name: sm.shape(dd) for name, dd in dists.items()}

word = {True: "holds", False: "fails", None: "?"}
keys = [k for k, _, _ in sm.SHAPE_PROPERTIES]
rows = ["| distribution | " + " | ".join(label for _, label, _ in sm.SHAPE_PROPERTIES) + " |",
        "|---" * (len(keys) + 1) + "|"]
for name, r in reports.items():
    rows.append(f"| {name} | " + " | ".join(word[getattr(r, k).holds] for k in keys) + " |")
display(Markdown("\\n".join(rows)))'''),
    md(r"""
### What the table must say

* Uniform: $f$ is constant, so everything holds (it is the knife edge between convex and concave).
* $F = v^2$: $f = 2v$ increases (convex $F$); $\log f$ is concave.
* $F = \sqrt v$: $f = 1/(2\sqrt v)$ decreases (concave $F$) and is log-*convex*; still
  $F$ is log-concave, as every concave $F$ is.
* Beta(2, 2): $f = 6v(1-v)$ rises then falls, so $F$ is neither convex nor concave, yet $f$
  is log-concave, which implies everything below it in the table.
"""),
    code('''
R = reports
assert all(vd.holds is True for vd in R["Uniform(0, 1)"].verdicts().values())
assert R["Power(2): F = v^2"].cdf_convex.holds is True and R["Power(2): F = v^2"].cdf_concave.holds is False
assert R["Power(1/2): F = sqrt(v)"].cdf_concave.holds is True
assert R["Power(1/2): F = sqrt(v)"].pdf_log_concave.holds is False
assert R["Power(1/2): F = sqrt(v)"].cdf_log_concave.holds is True
beta = R["Beta(2, 2)"]
assert beta.cdf_convex.holds is False and beta.cdf_concave.holds is False
assert beta.pdf_log_concave.holds is True and beta.demand_log_concave.holds is True
assert R["F = 1 - (1 - v)^2"].cdf_concave.holds is True
assert R["F = 1 - (1 - v)^2"].cdf_convex.holds is False'''),
    md(r"""
### Counterexamples are points you can check by hand

For Beta(2, 2), $f'(v) = 6 - 12v$: negative at $v = 3/4$ (so $F$ is not convex) and
positive at $v = 1/4$ (so $F$ is not concave).
"""),
    code('''
b22 = dists["Beta(2, 2)"]
fprime = sp.diff(b22.pdf, v)
x_convex = beta.cdf_convex.counterexample["v"]
x_concave = beta.cdf_concave.counterexample["v"]
print("F convex fails at v =", x_convex, "where f' =", fprime.subs(v, x_convex))
print("F concave fails at v =", x_concave, "where f' =", fprime.subs(v, x_concave))
assert fprime.subs(v, x_convex) < 0 < fprime.subs(v, x_concave)'''),
    md(r"""
### The implications (An 1998; Bagnoli & Bergstrom 2005)

$f$ log-concave $\Rightarrow$ $F$ and $1 - F$ log-concave; $F$ convex $\Rightarrow$ monotone
hazard rate; monotone hazard rate $\Rightarrow$ regular. Every decided row of the table must
respect them:
"""),
    code('''
implications = [("pdf_log_concave", "cdf_log_concave"), ("pdf_log_concave", "demand_log_concave"),
                ("cdf_convex", "demand_log_concave"), ("cdf_concave", "cdf_log_concave"),
                ("demand_log_concave", "regular")]
for name, r in reports.items():
    for p, q in implications:
        if getattr(r, p).holds is True:
            assert getattr(r, q).holds is True, (name, p, q)
print("all implications respected")'''),
    md(r"""
### Parameters give conditions, not guesses

For the power family $F = v^k$, $f' = k(k-1)v^{k-2}$: $F$ is convex exactly when $k \ge 1$.
"""),
    code('''
pk = sm.shape(sm.families.Power("k"))
k = sm.families.Power("k").params[0]
print(pk)
assert pk.cdf_convex.condition == (k >= 1)
assert pk.cdf_concave.condition == (k <= 1)
assert pk.pdf_log_concave.condition == (k >= 1)
assert pk.cdf_log_concave.holds is True'''),
    md(r"""
### Pictures

Density and demand, with the verdicts written on the plot.
"""),
    code('''
fig = plot.distribution(dists["Beta(2, 2)"])
fig = plot.distribution(dists["Power(1/2): F = sqrt(v)"])'''),
    md(r"""
### The shape derivation

Each verdict with the expression whose sign decided it:
"""),
    code('''
der = derive.shape(dists["Beta(2, 2)"])
assert der.verified
der'''),
]

# ============================================================================ notebook 3
NB3: List[Cell] = [
    md(r"""
# 3. Virtual values, ironing and money burning

A seller who puts weight $\alpha$ on revenue and $1 - \alpha$ on consumer surplus maximises,
after the envelope theorem, $\int x(v)\,J_\alpha(v) f(v)\,dv$ with
$$J_\alpha(v) = \alpha v + (1 - 2\alpha)\frac{1 - F(v)}{f(v)}.$$
$\alpha = 1$ is Myerson's virtual value, $\alpha = 1/2$ gives $v/2$ (efficiency), and
$\alpha = 0$ the inverse hazard rate: **money burning** (Hartline & Roughgarden 2008), the
case of the paper, where payments are wasted rather than collected.
"""),
    code(SETUP),
    code('''
d = sm.families.Uniform(0, 1)
J1, Jhalf, J0 = (sm.virtual_value(d, a) for a in (1, sp.Rational(1, 2), 0))
assert J1.expr == 2 * v - 1 and Jhalf.expr == v / 2 and J0.expr == 1 - v
J1.expr, Jhalf.expr, J0.expr'''),
    md(r"""
## Myerson's reserve price

The optimal auction sells to the highest type if his virtual value is positive: the
reserve price solves $J_1(r) = 0$. We check each closed form against a root of the
definition computed by mpmath from the density alone.
"""),
    code('''
three = {"Uniform(0, 1)": (d, sp.Rational(1, 2)),
         "Beta(2, 2)": (sm.families.Beta(2, 2), (1 + sp.sqrt(33)) / 16),
         "Power(2)": (sm.families.Power(2), 1 / sp.sqrt(3))}
for name, (dist, expected) in three.items():
    r = sm.reserve_price(dist)
    assert sp.simplify(r.value - expected) == 0, name
    f = sp.lambdify(v, dist.pdf, "mpmath")
    with mpmath.workdps(30):
        def J(x):
            return x - mpmath.quad(f, [x, 1]) / f(x)
        root = mpmath.findroot(J, float(expected) + 0.01)
        assert abs(mpmath.mpf(str(sp.N(r.value, 40))) - root) < mpmath.mpf(10) ** -25, name
    print(f"{name:14s} r = {r.value} = {float(r):.10f}")'''),
    md(r"""
## Ironing

When $J$ is not monotone, the optimal allocation cannot follow it: it is constant on
**pooling intervals** where $J$ is replaced by its average ("ironing", Myerson 1981,
section 6). A density with a dip in the middle, $f = 9(v - 1/2)^2 + 1/4$, makes $J_1$
plunge near $v = 1/2$:
"""),
    code('''
dip = sm.Distribution.from_pdf("9*(v - 1/2)**2 + 1/4")
Jbar = sm.ironed_virtual_value(dip)
(a, b, level), = Jbar.intervals
print("pooled on [", a, ",", sp.N(b, 10), "] at level", sp.N(level, 10))
fig = plot.virtual_values(dip)'''),
    md(r"""
The ironed level is the $F$-weighted mean of $J$ on the interval, and $J$ touches it at the
interior end. Both are checked here from the density alone, with mpmath:
"""),
    code('''
with mpmath.workdps(30):
    f = lambda s: 9 * (s - mpmath.mpf(1) / 2) ** 2 + mpmath.mpf(1) / 4
    F = lambda s: mpmath.quad(f, [0, s])
    J = lambda s: s - (1 - F(s)) / f(s)
    bb, lam = mpmath.mpf(str(sp.N(b, 40))), mpmath.mpf(str(sp.N(level, 40)))
    mean = mpmath.quad(lambda s: J(s) * f(s), [0, bb]) / F(bb)
    assert a == 0
    assert abs(mean - lam) < 1e-20 and abs(J(bb) - lam) < 1e-20
print(Jbar.check())'''),
    md(r"""
## Money burning: pool everyone

With $\alpha = 0$ the weight is $J_0 = (1 - F)/f$. When it decreases (monotone hazard
rate, e.g. $F = v^2$), ironing pools the whole support: **a lottery at price zero** is
optimal. The pooled level is $\int_0^1 (1 - v^2)\,dv = 2/3$.
"""),
    code('''
sq = sm.Distribution.from_cdf("v**2")
J0bar = sm.ironed_virtual_value(sq, alpha=0)
assert J0bar.intervals == ((0, 1, sp.Rational(2, 3)),)
fig = plot.virtual_values(sq, alpha=0)'''),
    md(r"""
The linear program of the paper (capacity $Q = 1/2$, no status quo) says the same: on every
grid the allocation is flat at $x = Q$ and nobody pays. The objective converges to
$Q\,E[v] = \tfrac12 \cdot \tfrac23 = \tfrac13$ at rate $O(1/n)$ or faster; the extrapolated
limit is what speaks for the continuum, never one grid.
"""),
    code('''
sols = {n: sm.optimal_mechanism(sq, alpha=0, capacity=0.5, grid=n) for n in (50, 100, 200)}
for n, s in sols.items():
    assert sm.verify_mechanism(s).worst_violation <= 1e-9      # independent of the LP
    assert np.allclose(s.x, 0.5, atol=1e-7) and np.max(np.abs(s.t)) < 1e-9
ref = sm.refine(lambda n: sols[n], grids=(50, 100, 200))
print(ref)
assert abs(ref.limit - 1 / 3) <= max(3 * ref.error, 1e-6)
print(sols[200].structure())'''),
    md(r"""
For contrast, the revenue-maximiser ($\alpha = 1$) with uniform values posts the reserve
price $1/2$; the LP finds it, with revenue $1/4$ in the limit.
"""),
    code('''
rev = {n: sm.optimal_mechanism(d, alpha=1, grid=n) for n in (50, 100, 200)}
rr = sm.refine(lambda n: rev[n], grids=(50, 100, 200))
print(rr)
assert abs(rr.limit - 0.25) <= max(3 * rr.error, 1e-3)
assert abs(rev[200].structure().certain_set[0][0] - 0.5) <= 0.011'''),
    md(r"""
### Market-clearing prices

With capacity $Q$, the price that sells exactly $Q$ solves $1 - F(p) = Q$: for $F = v^2$ and
$Q = 1/2$, $p = 1/\sqrt2$.
"""),
    code('''
p = sm.market_clearing_price(sq, sp.Rational(1, 2))
assert sp.simplify(p.value - 1 / sp.sqrt(2)) == 0
p.value'''),
    md(r"""
### The derivation of virtual values and the reserve price
"""),
    code('''
der = derive.virtual_values(sm.families.Beta(2, 2))
assert der.verified
der'''),
]

# ============================================================================ notebook 4
NB4: List[Cell] = [
    md(r"""
# 4. Pareto-improving mechanism design with capacity and make-whole payments

Kang & Skrzypacz (2025) ask a regulator to reform an existing allocation, the **status quo**
$(x_0, t_0)$, without hurting anyone: the new mechanism must give every type at least her
status-quo payoff, $U(v) \ge U_0(v)$ (PI). There are $Q$ units (capacity, C), and by default
no make-whole payments: nobody may be paid to accept the reform, $t \ge 0$ (MW). The
objective is consumer surplus ($\alpha = 0$).

`symmech` solves this as a linear program on a grid of types, checks each solution with an
independent verifier, and reads continuum claims off a refinement $n, 2n, 4n$.
"""),
    code(SETUP),
    md(r"""
## Concave demand: a lottery at price zero (Proposition 1)

$F = v^2$ has concave demand $1 - v^2$. Status quo: a posted price selling $Q_0 = 0.2$;
the reform has $Q = 0.3$ units. Proposition 1 says: give everyone the same chance $x = Q$
for free.
"""),
    code('''
d = sm.families.Power(2)
sq = sm.posted_price(d, quantity=sp.Rational(1, 5))
print(sq.name, "| price p0 solves 1 - p0**2 = 1/5:", sp.N(sq.payment.args[0][0], 10))
grids = (50, 100, 200)
sols = [sm.optimal_mechanism(d, alpha=0, capacity=0.3, status_quo=sq, grid=n) for n in grids]
for s in sols:
    rep = sm.verify_mechanism(s)
    assert rep.passed, rep
print(sols[-1].structure())
fig = plot.mechanism(sols, status_quo=sq)'''),
    md(r"""
On a grid the lowest cell may be excluded and the lottery then costs one cell width: an
$O(1/n)$ artefact, not a price (THEORY section 4). So we judge the conclusion in the limit,
with `sm.check`, which also proves it symbolically when it can:
"""),
    code('''
c1 = sm.check(sm.PROP1, d, capacity=0.3, status_quo=sq, grids=grids)
print(c1)
assert c1.status in ("proved", "confirmed")
assert c1.conclusion.holds is True
# away from the first cell, the allocation is the lottery level Q on every grid
for s in sols:
    assert np.allclose(s.x[2:], 0.3, atol=1e-6)'''),
    md(r"""
The argument behind the verdict, as a checked derivation (Chebyshev's integral inequality
bounds every mechanism by $Q\,E[v]$, which the free lottery attains):
"""),
    code('''
der = derive.proposition(c1)
assert der.verified
der'''),
    md(r"""
## Convex demand: certain allocation at the top (Proposition 3)

With $F = 1 - (1 - v)^2$ (convex demand) and the same status quo ($Q_0 = 0.2$, $Q = 0.3$),
the optimum gives the good for sure to the top types and a free lottery to everyone else.
Where does certain allocation start? The status quo's own certain set is
$x_0^{-1}(1) = [1 - 1/\sqrt5, 1] \approx [0.553, 1]$.
"""),
    code('''
dc = sm.Distribution.from_cdf("1 - (1 - v)**2")
sqc = sm.posted_price(dc, quantity=sp.Rational(1, 5))
solsc = [sm.optimal_mechanism(dc, alpha=0, capacity=0.3, status_quo=sqc, grid=n) for n in grids]
starts = []
for s in solsc:
    assert sm.verify_mechanism(s).passed
    (lo_certain, hi_certain), = s.structure().certain_set
    assert hi_certain == 1.0
    starts.append(lo_certain)
print("x = 1 from", starts)
assert starts == sorted(starts, reverse=True) and 0.73 <= starts[-1] <= 0.76
x0_certain = 1 - 1 / sp.sqrt(5)
assert starts[-1] > float(x0_certain)
fig = plot.mechanism(solsc, status_quo=sqc)'''),
    md(r"""
Certain allocation starts near $0.734$, **inside** $x_0^{-1}(1)$, although
$\int x_0\,dF = 0.2 < Q$. Proposition 3 as transcribed from the slides ("certain allocation
to a positive mass of types outside $x_0^{-1}(1)$ iff $\int x_0\,dF < Q$") therefore fails
here; `sm.check` reports it with the counterexample (the slide may have lost words).
"""),
    code('''
c3 = sm.check(sm.PROP3, dc, capacity=0.3, status_quo=sqc, grids=grids)
print(c3)
assert c3.status == "refuted"
assert c3.evidence.counterexample is not None'''),
    md(r"""
## Make-whole payments

Now a revenue-maximiser ($\alpha = 1$) with uniform values, capacity $Q = 0.3$ and a status
quo lottery $x_0 = 0.3$ at price 0. Without make-whole payments every type must keep
$U \ge 0.3 v \le v x$, so $x \ge 0.3$ everywhere: capacity forces the lottery itself, and
revenue is 0. Allowing **make-whole payments** ($t < 0$), the designer can pay low types to
give up their lottery ticket and sell the units to high types.
"""),
    code('''
u = sm.families.Uniform(0, 1)
lot = sm.lottery(sp.Rational(3, 10))
no_mw = [sm.optimal_mechanism(u, alpha=1, capacity=0.3, status_quo=lot, grid=n) for n in grids]
mw = [sm.optimal_mechanism(u, alpha=1, capacity=0.3, status_quo=lot, make_whole=True, grid=n) for n in grids]
for a, b in zip(no_mw, mw):
    assert sm.verify_mechanism(a).passed and sm.verify_mechanism(b).passed
    assert b.objective >= a.objective - 1e-12          # relaxing (MW) never hurts
    assert abs(a.objective) < 1e-9                      # without it: the lottery, revenue 0
r_mw = sm.refine(lambda n: {s.n: s for s in mw}[n], grids=grids)
print("revenue with make-whole payments:", r_mw)
assert r_mw.limit > 0.04
print(mw[-1].structure())
print("most negative payment:", mw[-1].t.min())
assert mw[-1].t.min() < -0.05
fig = plot.mechanism(mw, status_quo=lot)'''),
    md(r"""
## Who gains from a reform? Comparing payoffs type by type

A posted price of $1/2$ against a free lottery that hands out the same quantity. For
$F = v^2$ (concave demand) the price sells $3/4$, and the lottery $x = 3/4$ is better for
*every* type: Proposition 1's logic. For $F = 1 - (1 - v)^2$ the price sells $1/4$; low
types prefer the lottery $x = 1/4$, high types the posted price, and `pareto_compare` finds
the crossing exactly: $v - 1/2 = v/4$ at $v = 2/3$.
"""),
    code('''
half = sp.Rational(1, 2)
assert sm.pareto_compare(sm.lottery(sp.Rational(3, 4)), sm.posted_price(d, price=half), d).pareto_improves.holds is True
pp, lot_c = sm.posted_price(dc, price=half), sm.lottery(sp.Rational(1, 4))
comp = sm.pareto_compare(pp, lot_c, dc)
print(comp)
assert comp.crossing_points == (sp.Rational(2, 3),)
assert comp.pareto_improves.holds is False
fig = plot.payoffs([pp, lot_c], dc)'''),
]

# ============================================================================ notebook 5
NB5: List[Cell] = [
    md(r"""
# 5. The theorem that resolves Bulow's puzzle

Two players bargain over a pie; the status quo is the war of attrition. A bargaining
mechanism is symmetric, ex post feasible, burns money through delay ($t \ge 0$), and must
Pareto-improve on the war of attrition. Its goal: ex ante surplus.

**Theorem** (Kang & Skrzypacz 2025). Let $f$ be log-concave on $[0, \bar v]$.
1. If $F$ is convex, the immediate 50-50 split is the optimal Pareto-improving mechanism.
2. If $F$ is strictly concave, nothing strictly Pareto-dominates the war of attrition.

Uniform values are the knife edge. Two facts do most of the work: the split Pareto-improves
iff $D(v) = v/2 - \int_0^v F \ge 0$, and since $D'' = -f \le 0$ that is decided at the two
endpoints, $D(\bar v) = E[v] - \bar v/2 \ge 0$; and when $(1 - F)/f$ is nonincreasing the
split is the unconstrained optimum (Chebyshev's integral inequality).
"""),
    code(SETUP),
    code('''
for name, dist, value in [("Uniform", sm.families.Uniform(0, 1), sp.Rational(1, 4)),
                          ("Power(2)", sm.families.Power(2), sp.Rational(1, 3))]:
    c = sm.check(sm.BULOW_THEOREM, dist, grids=None)
    b = sm.bulow_puzzle(dist)
    print(f"{name}: {c.status}; split optimal: {b.split_optimal.holds}; value {b.optimal_value}")
    assert c.status == "proved"
    assert b.split_optimal.holds is True
    assert b.optimal_value.value == value     # E[v]/2: 1/4 and (2/3)/2'''),
    md(r"""
### With a parameter: $F = v^k$

$E[v] = k/(k+1) \ge 1/2$ iff $k \ge 1$: exactly the convex members of the family.
"""),
    code('''
bk = sm.bulow_puzzle(sm.families.Power("k"))
k = sm.families.Power("k").params[0]
print(bk.split_pareto_improves.condition, "|", bk.split_optimal.condition)
assert bk.split_pareto_improves.condition == (k >= 1)
assert bk.split_optimal.condition == (k >= 1)'''),
    md(r"""
### Beyond the theorem: Beta(2, 2)

$F$ is neither convex nor concave, but $D \ge 0$ and the hazard rate is monotone, so the
split is still optimal: the theorem's hypotheses are sufficient, not necessary.
"""),
    code('''
b22 = sm.bulow_puzzle(sm.families.Beta(2, 2))
r22 = sm.shape(sm.families.Beta(2, 2))
assert r22.cdf_convex.holds is False and r22.cdf_concave.holds is False
assert b22.split_pareto_improves.holds is True and b22.split_optimal.holds is True
assert b22.optimal_value.value == sp.Rational(1, 4)      # E[v] = 1/2 by symmetry
print(b22.split_optimal)'''),
    md(r"""
### Part 2 and a trap: $F = 1 - (1 - v)^2$

The bargaining LP on a grid finds a *positive* gain over the war of attrition. But it halves
each time the grid doubles: it is the discretisation, not the economics. Only the
extrapolated limit speaks for the continuum, and it is zero within its error.
"""),
    code('''
dc = sm.Distribution.from_cdf("1 - (1 - v)**2")
cc = sm.check(sm.BULOW_THEOREM, dc, grids=(50, 100, 200))
bc = cc.evidence.bulow
print(cc)
assert cc.status == "confirmed"
ref = bc.refinement
gains = ref.gain
assert all(g > 0 for g in gains)
assert all(0.4 < g2 / g1 < 0.6 for g1, g2 in zip(gains, gains[1:]))    # halves with n
assert ref.gain_judgement == "zero"
assert max(ref.violations) <= 1e-9
assert bc.strict_improvement.holds is False
# the split itself fails for the top types (above 3/2 - sqrt(3)/2, the black dot)
fig = plot.payoffs([("50-50 split", sm.equal_split(2)), ("war of attrition", bc.status_quo_payoff)], dc)'''),
    code('''
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.loglog(ref.grids, ref.gain, "o-", label="raw LP gain over the war of attrition")
ax.loglog(ref.grids, [gains[0] * ref.grids[0] / n for n in ref.grids], "--", label="slope -1")
ax.set_xlabel("grid size n"); ax.set_ylabel("gain"); ax.legend(); ax.grid(alpha=0.3)'''),
    md(r"""
### The derivation for $F = v^2$
"""),
    code('''
der = derive.bulow_puzzle(sm.families.Power(2))
assert der.verified
der'''),
    md(r"""
## Exercises

Work each one on paper first, then write your answer in the cell and run the check below
it. (The answers are filled in so that the notebook runs end to end; an instructor can
blank them out.)

**Exercise 1.** Values are $F = v^3$ on $[0, 1]$. Is the 50-50 split optimal? What is the
ex ante payoff per player?
"""),
    code('''
answer_1_split_optimal = True
answer_1_value = sp.Rational(3, 8)         # E[v]/2 with E[v] = 3/4'''),
    code('''
b3 = sm.bulow_puzzle(sm.families.Power(3))
assert b3.split_optimal.holds is answer_1_split_optimal, "look again at the shape of F = v**3"
assert b3.optimal_value.value == answer_1_value, f"symmech finds {b3.optimal_value}"
print("Exercise 1: correct")'''),
    md(r"""
**Exercise 2.** For $F = 1 - (1 - v)^3$, above which value does a type prefer the war of
attrition to the split? (Solve $v/2 = \int_0^v F$; a decimal with 6 correct digits is enough.)
"""),
    code('''
answer_2 = 0.4563    # your answer'''),
    code('''
b_ex2 = sm.bulow_puzzle(sm.Distribution.from_cdf("1 - (1 - v)**3"))
assert b_ex2.split_pareto_improves.holds is False
(cut,) = b_ex2.crossing_points
assert abs(float(cut) - answer_2) < 1e-3, f"symmech finds {float(cut):.6f}"
print("Exercise 2: correct; exactly", cut)'''),
    md(r"""
**Exercise 3.** With $N = 2$ pies and $N + K = 3$ players in a war of attrition, a type
wins unless both rivals are above her. Write her winning probability for uniform values
and compare her payoff with the equal split $2/3$ of a pie.
"""),
    code('''
answer_3_allocation = 1 - (1 - v)**2'''),
    code('''
g = sm.generalized_war_of_attrition(sm.families.Uniform(0, 1), prizes=2, players=3)
assert sp.simplify(g.allocation - answer_3_allocation) == 0
print(g.split_comparison)
# U_split - U_war = 2v/3 - (v**2 - v**3/3) = v (v - 1)(v - 2)/3 >= 0 on [0, 1]
assert g.split_comparison.pareto_improves.holds is True
print("Exercise 3: correct")'''),
    md(r"""
**Exercise 4.** Is the Kumaraswamy(2, 3) distribution covered by part 1 of the theorem, by
part 2, or by neither? (Decide whether $F$ is convex, strictly concave, or neither.)
"""),
    code('''
answer_4 = "neither"       # "part 1", "part 2" or "neither"'''),
    code('''
rk = sm.shape(sm.families.Kumaraswamy(2, 3))
truth = ("part 1" if rk.cdf_convex.holds else "part 2" if rk.cdf_concave.holds else "neither")
assert answer_4 == truth, f"symmech says {truth}: {rk.cdf_convex}; {rk.cdf_concave}"
print("Exercise 4: correct;", rk.cdf_convex, "|", rk.cdf_concave)'''),
]

NOTEBOOKS: Dict[str, List[Cell]] = {
    "01_war_of_attrition_and_bulow.ipynb": NB1,
    "02_shape_of_demand.ipynb": NB2,
    "03_virtual_values_ironing_money_burning.ipynb": NB3,
    "04_pareto_improving_design.ipynb": NB4,
    "05_theorem_and_exercises.ipynb": NB5,
}


def build(name: str, cells: List[Cell]) -> nbformat.NotebookNode:
    """The notebook ``name`` from its cells, with deterministic cell ids and no outputs."""
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    stem = name.split("_", 1)[0]
    for i, (kind, src) in enumerate(cells):
        cell = new_markdown_cell(src) if kind == "md" else new_code_cell(src)
        cell.id = f"nb{stem}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def write_all(folder: Path = HERE) -> List[Path]:
    """Write every notebook into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, cells in NOTEBOOKS.items():
        path = folder / name
        nbformat.write(build(name, cells), str(path))
        out.append(path)
    return out


def main(argv: List[str] = sys.argv[1:]) -> None:
    folder = Path(argv[0]) if argv else HERE
    for p in write_all(folder):
        print(f"wrote {p}")


if __name__ == "__main__":
    main()
