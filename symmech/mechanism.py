"""Interim mechanisms used as status quos, and Pareto comparison of payoffs.

A mechanism in the one-sided model is its interim allocation ``x(v)``, payment ``t(v)`` and
payoff ``U(v) = v x(v) - t(v)`` (Kang & Skrzypacz 2025; THEORY sections 2-3). Here:
the equal split (``x = N/n``, ``t = 0``), a posted price (``x = 1`` above the price) and a
lottery (``x = q`` at price 0), next to the equilibria of :mod:`symmech.equilibria`.

:func:`pareto_compare` decides for which types one mechanism gives a higher payoff than
another: the difference ``D = U_a - U_b``, the sets where it is positive or negative, the
points where it changes sign inside the support (exact where SymPy isolates them: radicals
or ``CRootOf``; otherwise 30-digit numbers with a bracket), and the verdicts "a is weakly
better for every type" and "strictly better on the interior" from the sign ladder
(:func:`symmech.signs.sign_on`), conditions on parameters included (THEORY section 5:
for ``F = 1 - (1-v)**2`` the equal split is worse than the war of attrition exactly for
``v > 3/2 - sqrt(3)/2``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Tuple

import mpmath
import sympy as sp

from .budget import DEFAULT_BUDGET, bounded
from .distribution import Distribution, v as _default_var
from .equilibria import CheckItem, CheckReport, _Calculus, _item, _mp, _sample_values, _sympify_input
from .errors import InvalidParameter, ParseError
from .interim import InterimMechanism
from .numeric import find_root, mp_callable
from .signs import sign_on
from .verdict import Verdict

__all__ = ["equal_split", "posted_price", "lottery", "pareto_compare", "PayoffComparison"]

_GRID = 400  # sampling grid for sign changes when no exact root isolation is available


# ====================================================================== status quos
def _var(var: Any) -> sp.Symbol:
    if var is None:
        return _default_var
    if isinstance(var, sp.Symbol):
        return var
    if isinstance(var, str) and var.isidentifier():
        return sp.Symbol(var, real=True)
    raise InvalidParameter(f"var must be a Symbol or an identifier, got {var!r}")


def _number(x: Any, what: str) -> sp.Expr:
    if isinstance(x, bool) or x is None:
        raise InvalidParameter(f"{what} must be a number, got {x!r}")
    if isinstance(x, str):
        from .parsing import parse_number
        try:
            return sp.sympify(parse_number(x))
        except ParseError as exc:
            raise InvalidParameter(f"{what}: {exc}") from None
    if isinstance(x, float):
        return sp.nsimplify(x, rational=True)
    if not isinstance(x, (sp.Basic, int)):
        raise InvalidParameter(f"{what} must be a number, got {type(x).__name__}")
    val = sp.sympify(x)
    if not isinstance(val, sp.Expr) or val.has(sp.nan, sp.zoo) or val.is_extended_real is False:
        raise InvalidParameter(f"{what} must be a real number, got {what} = {x!r}")
    return val


def equal_split(n: Any = 2, *, prizes: Any = 1, var: Any = None) -> InterimMechanism:
    """Immediate equal split of ``prizes`` goods among ``n`` players: ``x = prizes/n``, ``t = 0``.

    Examples
    --------
    >>> equal_split(2).payoff
    v/2
    >>> equal_split(3, prizes=2).allocation
    2/3
    """
    from .equilibria import _as_int
    n = _as_int(n, "n", 1)
    N = _as_int(prizes, "prizes", 1)
    if (N - n).is_positive:
        raise InvalidParameter(f"equal split needs prizes <= n, got prizes = {N}, n = {n}")
    x = sp.sympify(N) / n
    var = _var(var)
    name = f"equal split {x}" if N == 1 else f"equal split of {N} prizes among {n}"
    return InterimMechanism(name, var, x, sp.Integer(0), x * var, ("immediate agreement, no delay or payment",))


def lottery(probability: Any, *, var: Any = None) -> InterimMechanism:
    """Uniform random allocation with probability ``q`` at price 0: ``x = q``, ``U = q v``.

    Examples
    --------
    >>> lottery("1/3").payoff
    v/3
    """
    q = _number(probability, "probability")
    if (q < 0) is sp.true or (q > 1) is sp.true:
        raise InvalidParameter(f"a lottery needs 0 <= probability <= 1, got probability = {q}")
    var = _var(var)
    return InterimMechanism(f"lottery {q}", var, q, sp.Integer(0), q * var, ())


def posted_price(d: Distribution, price: Any = None, *, quantity: Any = None,
                 budget: float = DEFAULT_BUDGET) -> InterimMechanism:
    """Posted price: types ``v >= p`` buy at ``p``; or the price that sells ``quantity = Q0``.

    With ``quantity`` the price solves ``1 - F(p) = Q0`` on the support: a closed form where
    SymPy finds a unique root in budget, else a 30-digit number (noted).

    Examples
    --------
    >>> import symmech as sm
    >>> m = posted_price(sm.families.Uniform(0, 1), quantity="1/4")
    >>> m.payoff
    Piecewise((v - 3/4, v >= 3/4), (0, True))
    """
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"posted_price needs a Distribution, got {type(d).__name__}")
    if (price is None) == (quantity is None):
        raise InvalidParameter("posted_price needs exactly one of price=... or quantity=...")
    var = d.var
    notes = []
    if quantity is not None:
        Q = _number(quantity, "quantity")
        if (Q <= 0) is sp.true or (Q >= 1) is sp.true:
            raise InvalidParameter(f"quantity must lie in (0, 1), got quantity = {Q}")
        p, exact = _clearing_price(d, Q, budget)
        if not exact:
            notes.append("price 1 - F(p) = Q0 solved numerically to 30 digits")
        notes.append(f"price sells quantity {Q}")
    else:
        p = _number(price, "price")
        if (p < 0) is sp.true:
            raise InvalidParameter(f"price must be >= 0, got price = {p}")
    x = sp.Piecewise((1, var >= p), (0, True))
    t = sp.Piecewise((p, var >= p), (0, True))
    U = sp.Piecewise((var - p, var >= p), (0, True))
    return InterimMechanism(f"posted price {p}", var, x, t, U, tuple(notes))


def _clearing_price(d: Distribution, Q: sp.Expr, budget: float) -> Tuple[sp.Expr, bool]:
    lo, hi = (sp.sympify(b) for b in d.support)
    var = d.var
    eq = 1 - d.cdf - Q
    if not eq.has(sp.Integral):
        sol, ok = bounded(sp.solveset, eq, var, sp.Interval(lo, hi), seconds=budget)
        if ok and isinstance(sol, sp.FiniteSet) and len(sol) == 1:
            (p,) = tuple(sol)
            simp, ok2 = bounded(sp.simplify, p, seconds=2)
            p = simp if ok2 and sp.count_ops(simp) <= sp.count_ops(p) else p
            if not p.free_symbols and abs(sp.N(eq.subs(var, p), 40)) < 1e-30:
                return p, True
            if p.free_symbols:
                return p, True
    if d.params and not d.is_numeric:
        raise InvalidParameter(f"no closed-form price with 1 - F(p) = {Q} for parametric {d}; substitute parameters")
    hi_b = hi if hi.is_finite else _upper_bracket(eq, var, lo)
    r = find_root(eq, var, (lo, hi_b), dps=30)
    return sp.Float(r, 30), False


def _upper_bracket(eq: sp.Expr, var: sp.Symbol, lo: sp.Expr) -> sp.Expr:
    b = lo + 1
    for _ in range(200):
        with mpmath.workdps(30):
            if mp_callable(eq, var)(_mp(b)) < 0:
                return b
        b = lo + 2 * (b - lo)
    raise InvalidParameter("could not bracket the market-clearing price")


# ====================================================================== comparison
@dataclass(frozen=True)
class PayoffComparison:
    """Where mechanism ``a`` gives types a higher payoff than mechanism ``b``.

    Attributes
    ----------
    a_name, b_name : str
    distribution : Distribution
    payoff_a, payoff_b : sympy.Expr
    difference : sympy.Expr
        ``U_a - U_b``, simplified on the support.
    better_set, worse_set : sympy.Set
        Types in the support with ``U_a > U_b`` and ``U_a < U_b``.
    crossing_points : tuple or None
        Sign changes of the difference inside the support, increasing: exact (radicals,
        ``CRootOf``) when ``exact_crossings`` is True, else 30-digit Floats; None when the
        difference depends on parameters.
    brackets : tuple
        For numeric crossing points, rational ``(a, b)`` with a sign change inside.
    exact_crossings : bool
    pareto_improves : Verdict
        "``U_a >= U_b`` for every type" (from :func:`symmech.signs.sign_on`).
    strict : Verdict
        "``U_a > U_b`` on the interior of the support".
    notes : tuple of str

    Examples
    --------
    >>> import symmech as sm
    >>> d = sm.Distribution.from_cdf("1 - (1 - v)**2")
    >>> c = pareto_compare(equal_split(2), sm.war_of_attrition(d), d)
    >>> c.crossing_points
    (3/2 - sqrt(3)/2,)
    >>> c.pareto_improves.holds
    False
    """

    a_name: str
    b_name: str
    distribution: Distribution
    payoff_a: Any
    payoff_b: Any
    difference: Any
    better_set: Any
    worse_set: Any
    crossing_points: Optional[Tuple[Any, ...]]
    brackets: Tuple[Any, ...]
    exact_crossings: bool
    pareto_improves: Verdict
    strict: Verdict
    notes: Tuple[str, ...] = field(default_factory=tuple)

    @property
    def var(self) -> sp.Symbol:
        return self.distribution.var

    def latex(self) -> str:
        v = sp.latex(self.var)
        rows = [f"U_a({v}) - U_b({v}) &= {sp.latex(self.difference)}",
                r"\{U_a > U_b\} &= " + sp.latex(self.better_set),
                r"\{U_a < U_b\} &= " + sp.latex(self.worse_set),
                r"U_a \ge U_b\ \forall " + v + r" &: " + self.pareto_improves.latex()]
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"a": self.a_name, "b": self.b_name, "distribution": self.distribution.to_dict(),
                "payoff_a": str(self.payoff_a), "payoff_b": str(self.payoff_b),
                "difference": str(self.difference), "better_set": str(self.better_set),
                "worse_set": str(self.worse_set),
                "crossing_points": None if self.crossing_points is None else [str(c) for c in self.crossing_points],
                "brackets": [[str(a), str(b)] for a, b in self.brackets],
                "exact_crossings": self.exact_crossings,
                "pareto_improves": self.pareto_improves.to_dict(), "strict": self.strict.to_dict(),
                "notes": list(self.notes)}

    def __str__(self) -> str:
        return (f"{self.a_name} vs {self.b_name}: U_a - U_b = {self.difference}; better on {self.better_set}, "
                f"worse on {self.worse_set}; {self.pareto_improves}")

    def check(self, dps: int = 30, values: Optional[dict] = None, samples: int = 60) -> CheckReport:
        """Recompute the difference, the crossing points and the sets with mpmath.

        The simplified difference is compared with ``U_a - U_b`` evaluated separately;
        each crossing point must be a zero with a sign change; at ``samples`` grid points
        the sign of ``U_a - U_b`` must match membership of ``better_set``/``worse_set``, and
        a proved Pareto improvement must never be refuted (a refuted one must have a
        counterexample with ``U_a < U_b``).

        Examples
        --------
        >>> import symmech as sm
        >>> c = pareto_compare(equal_split(2), sm.war_of_attrition(sm.families.Uniform(0, 1)),
        ...                    sm.families.Uniform(0, 1))
        >>> c.check(dps=20).ok
        True
        """
        return _check_comparison(self, dps, values, samples)


def _payoff_of(m: Any, d: Distribution) -> Tuple[sp.Expr, str]:
    var = d.var
    if isinstance(m, InterimMechanism):
        U = sp.sympify(m.payoff)
        if m.var != var:
            U = U.xreplace({m.var: var})
        return U, m.name
    if hasattr(m, "payoff") and hasattr(m, "as_mechanism"):  # an Equilibrium
        U = sp.sympify(m.payoff)
        mv = getattr(m, "var", var)
        if mv != var:
            U = U.xreplace({mv: var})
        return U, m.name
    if isinstance(m, str):
        from .parsing import parse
        names = {var.name: var, **{p.name: p for p in d.params}}
        U = parse(m, names)
        return sp.sympify(U), f"U = {m}"
    if isinstance(m, sp.Basic):
        U = m
        plain = {s for s in U.free_symbols if s.name == var.name and s != var}
        if plain:
            U = U.xreplace({s: var for s in plain})
        unknown = U.free_symbols - {var} - set(d.params)
        if unknown:
            raise InvalidParameter(f"payoff {m} has symbols {sorted(map(str, unknown))} that are neither "
                                   f"the value symbol {var} nor parameters of the distribution")
        return U, f"U = {U}"
    if isinstance(m, (int, float)) and not isinstance(m, bool):
        return sp.nsimplify(m), f"U = {m}"
    raise InvalidParameter(f"cannot compare a {type(m).__name__}: pass an InterimMechanism, an Equilibrium "
                           "or a payoff expression U(v)")


def pareto_compare(a: Any, b: Any, d: Distribution, *, budget: float = DEFAULT_BUDGET) -> PayoffComparison:
    """Compare the interim payoffs of ``a`` and ``b`` for every type in the support of ``d``.

    Parameters
    ----------
    a, b : InterimMechanism, Equilibrium or expression
        Payoffs ``U(v)``: mechanisms and equilibria contribute their ``.payoff``; a SymPy
        expression or a string (read by :func:`symmech.parsing.parse`) is a payoff itself.
    d : Distribution
        Types range over its support; its parameters may appear in the payoffs.

    Returns
    -------
    PayoffComparison

    Examples
    --------
    >>> import symmech as sm
    >>> d = sm.families.Uniform(0, 1)
    >>> c = pareto_compare(equal_split(2), sm.war_of_attrition(d), d)
    >>> c.difference, c.pareto_improves.holds, c.better_set
    (v*(1 - v)/2, True, Interval.open(0, 1))
    """
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"pareto_compare needs a Distribution as d, got {type(d).__name__}")
    Ua, na = _payoff_of(a, d)
    Ub, nb = _payoff_of(b, d)
    calc = _Calculus(d, budget)
    V = calc.V
    raw = (Ua - Ub).xreplace({d.var: V})
    D = calc.tidy(raw)
    notes = list(calc.notes)
    lo, hi = calc.lo, calc.hi
    params = tuple(sorted((D.free_symbols - {V}), key=lambda s: s.name))
    var = d.var
    Dv = D.xreplace({V: var})
    span = f"[{lo}, {hi}]" if hi.is_finite else f"[{lo}, {hi})"
    weak = _sign(Dv, var, lo, hi, ">=", d, f"U_a >= U_b for every type in {span}", budget)
    strict = _sign(Dv, var, lo, hi, ">", d, f"U_a > U_b for every type in ({lo}, {hi})", budget)
    if params:
        region = sp.Interval(lo, hi)
        better = sp.ConditionSet(var, sp.StrictGreaterThan(Dv, 0), region)
        worse = sp.ConditionSet(var, sp.StrictLessThan(Dv, 0), region)
        notes.append("the difference depends on parameters: crossing points are not isolated")
        return PayoffComparison(na, nb, d, Ua, Ub, Dv, better, worse, None, (), False, weak, strict,
                                tuple(dict.fromkeys(notes)))
    bounds, brackets, exact, more = _boundaries(D, V, lo, hi, budget)
    notes += more
    better, worse, crossings, cbrackets = _sets(D, V, lo, hi, bounds, brackets, var)
    return PayoffComparison(na, nb, d, Ua, Ub, Dv, better, worse, tuple(crossings), tuple(cbrackets), exact,
                            weak, strict, tuple(dict.fromkeys(notes)))


def _sign(D: sp.Expr, var: sp.Symbol, lo: Any, hi: Any, rel: str, d: Distribution, statement: str,
          budget: float) -> Verdict:
    """The sign ladder on the open support (payoffs are continuous, so the ends follow)."""
    return sign_on(D, var, (lo, hi), relation=rel, params=tuple(d.params), assumptions=d.assumptions,
                   budget=budget, statement=statement)


# ---------------------------------------------------------------------- roots and sets
def _boundaries(D: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr, budget: float):
    """Zeros of ``D`` strictly inside ``(lo, hi)``: ``(points, brackets, exact, notes)``.

    Exact for rational functions (real-root isolation of the numerator) and where
    ``solveset`` returns a finite set in budget; otherwise sign changes on a grid refined
    to 30 digits, each with a bracket.
    """
    inside = lambda r: (r > lo) is sp.true and (hi == sp.oo or (r < hi) is sp.true)  # noqa: E731
    D = sp.piecewise_fold(D)
    if isinstance(D, sp.Piecewise):
        return _piecewise_boundaries(D, V, lo, hi, budget)
    if D.is_rational_function(V):
        num, den = sp.fraction(sp.together(D))
        polys = [sp.Poly(P, V) for P in (num, den) if P.has(V)]
        if all(P.domain.is_ZZ or P.domain.is_QQ for P in polys):  # exact real-root isolation
            pts = {rt for P in polys for rt in sp.real_roots(P) if inside(rt)}
            return sorted(pts, key=lambda r: sp.N(r, 30)), [None] * len(pts), True, []
    sol, ok = bounded(sp.solveset, D, V, sp.Interval.open(lo, hi), seconds=min(budget, 5.0))
    if ok and isinstance(sol, sp.FiniteSet) and all(p.is_real for p in sol):
        pts = sorted((p for p in sol if inside(p)), key=lambda r: sp.N(r, 30))
        return pts, [None] * len(pts), True, []
    if ok and sol == sp.S.EmptySet:
        return [], [], True, []
    pts, brs = _numeric_roots(D, V, lo, hi)
    return pts, brs, False, [f"crossing points found as sign changes on a {_GRID}-point grid and refined to "
                             "30 digits (not an exact isolation: pairs of roots closer than the grid may be missed)"]


def _piecewise_boundaries(D: sp.Piecewise, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr, budget: float):
    """Breakpoints of a piecewise difference plus the zeros of each piece on its cell."""
    bps = set()
    for _, cond in D.args:
        for rel in cond.atoms(sp.Rel):
            for side in (rel.lhs - rel.rhs,):
                if side.has(V) and side.is_polynomial(V) and sp.degree(side, V) == 1:
                    r = sp.solve(side, V)[0]
                    if (r > lo) is sp.true and (hi == sp.oo or (r < hi) is sp.true):
                        bps.add(r)
    cells = [lo, *sorted(bps, key=lambda r: sp.N(r, 30)), hi]
    pts, brs, exact, notes = list(bps), [None] * len(bps), True, []
    for a, b in zip(cells, cells[1:]):
        mid = (a + b) / 2 if b.is_finite else a + 1
        expr = None
        for e, cond in D.args:
            c = cond.subs(V, mid)
            if c is sp.true:
                expr = e
                break
        if expr is None or not expr.has(V):
            continue
        p, bb, ex, nt = _boundaries(expr, V, a, b, budget)
        pts += p
        brs += bb
        exact &= ex
        notes += nt
    order = sorted(range(len(pts)), key=lambda i: sp.N(pts[i], 30))
    return [pts[i] for i in order], [brs[i] for i in order], exact, notes


def _grid_values(D: sp.Expr, V: sp.Symbol, grid: Sequence[Any], dps: int) -> list:
    """Real parts of ``D`` on an increasing grid at ``dps`` digits (nan where undefined).

    Integrals ``integral_a^V g(s) ds`` in ``D`` are accumulated cell by cell along the grid
    instead of being recomputed from ``a`` at every point.
    """
    integrals = [I for I in D.atoms(sp.Integral)
                 if len(I.limits) == 1 and len(I.limits[0]) == 3 and I.limits[0][2] == V
                 and not (I.function.has(V) or sp.sympify(I.limits[0][1]).has(V))]
    out = []
    with mpmath.workdps(dps):
        if integrals:
            dums = [sp.Dummy(f"I{i}") for i in range(len(integrals))]
            outer = sp.lambdify((V, *dums), D.xreplace(dict(zip(integrals, dums))), modules=["mpmath"])
            running = []
            for I in integrals:
                s, a, _ = I.limits[0]
                g = mp_callable(I.function, s)
                acc, prev, vals = mpmath.mpf(0), _mp(a), []
                for p in grid:
                    x = _mp(p)
                    acc += mpmath.quad(g, [prev, x]) if x != prev else 0
                    prev = x
                    vals.append(acc)
                running.append(vals)
            fn = lambda i, x: outer(x, *[r[i] for r in running])  # noqa: E731
        else:
            g0 = mp_callable(D, V)
            fn = lambda i, x: g0(x)  # noqa: E731
        for i, p in enumerate(grid):
            try:
                out.append(mpmath.re(fn(i, _mp(p))))
            except (ZeroDivisionError, ValueError, OverflowError):
                out.append(mpmath.nan)
    return out


def _numeric_roots(D: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr):
    from .numeric import grid_points
    grid = [lo if lo.is_finite else None, *grid_points(lo, hi, _GRID), hi if hi.is_finite else None]
    grid = [g for g in grid if g is not None]
    # signs only: 20 digits suffice on the grid; each root is then refined at 30 digits
    vals = _grid_values(D, V, grid, 20)
    pts, brs = [], []
    for (a, fa), (b, fb) in zip(zip(grid, vals), zip(grid[1:], vals[1:])):
        if mpmath.isnan(fa) or mpmath.isnan(fb):
            continue
        if fa * fb < 0:
            r = find_root(D, V, (a, b), dps=30)
            pts.append(sp.Float(r, 30))
            brs.append((a, b))
    return pts, brs


def _sign_at(D: sp.Expr, V: sp.Symbol, p: Any) -> int:
    """Sign of ``D`` at ``p`` at 30 digits (0 when below 1e-25 in relative terms)."""
    val = None
    if not isinstance(p, sp.Float) and not D.has(sp.Integral):
        e = D.subs(V, p)
        if e.is_zero:
            return 0
        if not e.free_symbols:
            val = sp.N(e, 40)
    if val is None or not val.is_real:
        with mpmath.workdps(40):
            val = mpmath.re(mp_callable(D, V)(_mp(p)))
        return 0 if abs(val) < mpmath.mpf(10) ** -25 else (1 if val > 0 else -1)
    return 0 if abs(val) < 1e-25 else (1 if val > 0 else -1)


def _sets(D: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr, bounds: Sequence[Any], brackets: Sequence[Any],
          var: sp.Symbol):
    """Better and worse sets and the sign-change points from the zeros of ``D``."""
    cells = [lo, *bounds, hi]
    signs = []
    for a, b in zip(cells, cells[1:]):
        if a.is_finite and b.is_finite:
            mid = (a + b) / 2
            if isinstance(mid, sp.Float) or mid.has(sp.Float):
                mid = sp.nsimplify(sp.N(mid, 30), rational=True)
        else:
            mid = a + 1 if a.is_finite else b - 1
        signs.append(_sign_at(D, V, mid))
    better, worse = sp.S.EmptySet, sp.S.EmptySet
    for (a, b), s in zip(zip(cells, cells[1:]), signs):
        piece = sp.Interval.open(a, b)
        if s > 0:
            better = sp.Union(better, piece)
        elif s < 0:
            worse = sp.Union(worse, piece)
    # the ends of the support, and interior breakpoints where D does not vanish (a kink of a
    # piecewise payoff), belong to the set their own sign says
    for end in (lo, hi, *bounds):
        if end.is_finite:
            s = _sign_at(D, V, end)
            if s > 0:
                better = sp.Union(better, sp.FiniteSet(end))
            elif s < 0:
                worse = sp.Union(worse, sp.FiniteSet(end))
    crossings, cb = [], []
    for i, r in enumerate(bounds):
        if signs[i] * signs[i + 1] < 0:
            crossings.append(r)
            if brackets[i] is not None:
                cb.append(brackets[i])
    return better, worse, crossings, cb


# ---------------------------------------------------------------------- independent check
def _check_comparison(c: PayoffComparison, dps: int, values: Optional[dict], samples: int) -> CheckReport:
    d = c.distribution
    var = d.var
    free = (sp.sympify(c.difference).free_symbols | sp.sympify(c.payoff_a).free_symbols
            | sp.sympify(c.payoff_b).free_symbols) - {var}
    if values:
        by_name = {s.name: s for s in free | set(d.params)}
        vals = {}
        for key, val in values.items():
            sym = by_name.get(key.name if isinstance(key, sp.Symbol) else str(key))
            if sym is None:
                raise InvalidParameter(f"unknown parameter '{key}' in values: free symbols are {sorted(by_name)}")
            vals[sym] = _sympify_input(val, f"values[{key}]")
    else:
        vals = _sample_values(free, d.assumptions)
    sub = lambda e: sp.sympify(e).xreplace(vals)  # noqa: E731
    D, Ua, Ub = sub(c.difference), sub(c.payoff_a), sub(c.payoff_b)
    lo, hi = sub(d.lo), sub(d.hi)
    from .numeric import grid_points
    pts = grid_points(lo, hi, samples)
    items = []
    errs = []
    for prec in (dps, dps + 15):
        with mpmath.workdps(prec):
            fD, fa, fb = (mp_callable(e, var) for e in (D, Ua, Ub))
            worst = mpmath.mpf(0)
            for p in pts[:: max(1, samples // 5)]:
                x = _mp(p)
                ref = fa(x) - fb(x)
                worst = max(worst, abs(fD(x) - ref) / max(1, abs(ref)))
            errs.append(worst)
    items.append(_item("difference = U_a - U_b", errs, dps))
    if c.crossing_points:
        errs = []
        for prec in (dps, dps + 15):
            with mpmath.workdps(prec):
                fa, fb = mp_callable(Ua, var), mp_callable(Ub, var)
                worst = mpmath.mpf(0)
                for r in c.crossing_points:
                    x = _mp(r)
                    scale = max(1, abs(fa(x)))
                    worst = max(worst, abs(fa(x) - fb(x)) / scale)
                    h = mpmath.mpf(10) ** (-dps // 3)
                    if (fa(x - h) - fb(x - h)) * (fa(x + h) - fb(x + h)) >= 0:
                        worst = mpmath.mpf(1)
                errs.append(worst)
        tol_digits = dps if all(not isinstance(r, sp.Float) for r in c.crossing_points) else 28
        it = _item("crossing points are sign-changing zeros", errs, dps)
        items.append(CheckItem(it.name, it.digits, it.max_error, it.stable, min(dps, tol_digits + 5)))
    bad = 0
    refuted = False
    diffs = _grid_values(Ua - Ub, var, pts, dps)
    scales = _grid_values(Ua, var, pts, dps)
    with mpmath.workdps(dps):
        better, worse = c.better_set, c.worse_set
        if isinstance(better, sp.ConditionSet):
            better, worse = better.xreplace(vals), worse.xreplace(vals)
        for p, diff, sc in zip(pts, diffs, scales):
            tol = mpmath.mpf(10) ** (-dps + 8) * max(1, abs(sc))
            if diff > tol and not _contains(better, p):
                bad += 1
            if diff < -tol and not _contains(worse, p):
                bad += 1
            if diff < -tol:
                refuted = True
    items.append(CheckItem("better/worse sets match the sign", float(dps) if bad == 0 else 0.0,
                           mpmath.mpf(bad), True, dps))
    holds = c.pareto_improves.holds
    if not vals:
        consistent = not (holds is True and refuted)
        if holds is False and c.pareto_improves.counterexample is not None:
            consistent = consistent and _counterexample_ok(c, Ua, Ub, var)
        items.append(CheckItem("verdict consistent with samples", float(dps) if consistent else 0.0,
                               mpmath.mpf(0 if consistent else 1), True, dps))
    return CheckReport(tuple(items), dps, tuple(pts[:: max(1, samples // 5)]), vals,
                       ("set membership checked at %d grid points" % len(pts),))


def _contains(S: sp.Set, p: Any) -> bool:
    """Membership, deciding with 40-digit endpoints when SymPy leaves it symbolic."""
    r = S.contains(p)
    if r in (sp.true, sp.false):
        return bool(r)
    ends = {a: sp.Float(sp.N(a, 40), 40) for a in S.atoms(sp.AlgebraicNumber, sp.CRootOf, sp.Pow, sp.Add, sp.Mul)
            if a.is_number and a.is_real}
    r = S.xreplace(ends).contains(p)
    return bool(r) if r in (sp.true, sp.false) else False


def _counterexample_ok(c: PayoffComparison, Ua: sp.Expr, Ub: sp.Expr, var: sp.Symbol) -> bool:
    cx = c.pareto_improves.counterexample
    if not isinstance(cx, dict):
        return True
    p = None
    for k, val in cx.items():
        if str(k) == var.name:
            p = val
    if p is None:
        return True
    with mpmath.workdps(30):
        x = _mp(sp.sympify(p))
        return mpmath.re(mp_callable(Ua, var)(x) - mp_callable(Ub, var)(x)) < 0
