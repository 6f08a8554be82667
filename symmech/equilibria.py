"""Symmetric equilibria of wars of attrition and standard auctions with iid private values.

Values are iid ``F`` on ``[lo, hi]`` (density ``f``), players are risk neutral, and every
format below has the symmetric increasing equilibrium in which the lowest type gets
``U(lo) = 0``. Writing ``x(v)`` for the interim probability of winning, the envelope
theorem gives ``U(v) = integral_lo^v x`` and the interim payment ``t(v) = v x(v) - U(v)``
(Myerson 1981; Krishna, *Auction Theory*, 2nd ed., ch. 2-3). The strategies:

* war of attrition, ``n`` players, flow cost ``c`` (the highest type wins and pays the
  second-highest exit time, the others pay their own; Krishna sec. 3.2.3, Bulow & Klemperer
  1999): with ``H = F**(n-1)``, ``T(v) = (1/c) integral_lo^v s h(s) / (1 - H(s)) ds``
  from the first-order condition ``v h(v) = c T'(v) (1 - H(v))``; ``n = 2`` gives
  ``T = (1/c) integral s f / (1 - F)`` (uniform: ``-v - log(1 - v)``);
* generalized war of attrition, ``N`` prizes, ``N + K`` players (Bulow & Klemperer 1999): a
  type wins iff at most ``N - 1`` of the other ``N + K - 1`` are above it; for ``K = 1``
  (the game ends at the first exit) the opponent that matters is the lowest of the other
  ``N``, ``1 - H = (1 - F)**N`` and ``T(v) = (N/c) integral_lo^v s f / (1 - F) ds``;
* all-pay ``b = v G - integral G``, first-price ``b = v - integral G / G``, second-price
  ``b = v``, with ``G = F**(n-1)`` (Krishna sec. 2.2-2.3, 3.2.2).

Closed forms are derived with SymPy under time budgets and put in a real form on the
support (``log(1 - v)``, never ``log(v - 1) + I*pi``); where no antiderivative is found the
result keeps an unevaluated ``Integral`` that :mod:`symmech.numeric` evaluates by
quadrature, and says so. :meth:`Equilibrium.check` recomputes every quantity from the
rules of the game with mpmath, without the closed forms.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import mpmath
import sympy as sp

from .budget import DEFAULT_BUDGET, bounded
from .distribution import Distribution
from .errors import InvalidParameter, SymmechError
from .interim import InterimMechanism
from .numeric import mp_callable, verify
from .numeric import to_mp as _mp
from .signs import sign_on
from .verdict import Certificate, Verdict

__all__ = [
    "Equilibrium",
    "CheckItem",
    "CheckReport",
    "war_of_attrition",
    "generalized_war_of_attrition",
    "all_pay_auction",
    "first_price_auction",
    "second_price_auction",
    "revenue_equivalence",
]


# ====================================================================== check reports
@dataclass(frozen=True)
class CheckItem:
    """One recomputed quantity: worst relative discrepancy and digits of agreement."""

    name: str
    digits: float
    max_error: Any
    stable: bool
    dps: int

    @property
    def ok(self) -> bool:
        """At least ``dps - 5`` digits agree and the discrepancy is not a precision artefact."""
        return self.stable and self.digits >= self.dps - 5

    def to_dict(self) -> dict:
        return {"name": self.name, "digits": self.digits, "max_error": mpmath.nstr(self.max_error, 5),
                "stable": self.stable, "ok": self.ok}


@dataclass(frozen=True)
class CheckReport:
    """Outcome of an independent high-precision recomputation (``.check()`` methods).

    Attributes
    ----------
    items : tuple of CheckItem
    dps : int
        Working precision of the comparison (each item is also recomputed at ``dps + 15``).
    points : tuple
        Types at which the interim quantities were compared.
    values : dict
        Parameter values substituted (empty for a numeric distribution).
    notes : tuple of str
    """

    items: Tuple[CheckItem, ...]
    dps: int
    points: Tuple[Any, ...] = ()
    values: Any = None
    notes: Tuple[str, ...] = ()

    @property
    def digits(self) -> float:
        """Digits of agreement of the worst item."""
        return min((i.digits for i in self.items), default=float(self.dps))

    @property
    def max_error(self) -> Any:
        return max((i.max_error for i in self.items), default=mpmath.mpf(0))

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    def item(self, name: str) -> CheckItem:
        for i in self.items:
            if i.name == name:
                return i
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "digits": self.digits, "dps": self.dps,
                "points": [str(p) for p in self.points],
                "values": {str(k): str(val) for k, val in (self.values or {}).items()},
                "items": [i.to_dict() for i in self.items], "notes": list(self.notes)}

    def __str__(self) -> str:
        worst = ", ".join(f"{i.name}: {i.digits:.1f}" for i in self.items)
        return f"check at {self.dps} digits: {'ok' if self.ok else 'FAILED'} ({worst})"


def _item(name: str, errs: Sequence[Any], dps: int) -> CheckItem:
    """Item from the worst errors measured at ``dps`` and ``dps + 15``."""
    e_lo, e_hi = errs
    digits = float(dps) if e_lo == 0 else min(float(dps), float(-mpmath.log10(e_lo)))
    return CheckItem(name, digits, e_lo, (e_lo == 0) or e_hi <= e_lo * 10, dps)


def _from_agreement(name: str, a: Any) -> CheckItem:
    return CheckItem(name, a.digits, a.max_error, a.stable, a.dps)


# ====================================================================== closed-form calculus
_INT_NAMES = ("s", "y", "u", "w", "z", "t", "r")


class _Calculus:
    """Budgeted real closed forms of integrals over the support of one distribution.

    The value symbol is replaced by a positive dummy ``V`` when ``lo >= 0`` so that SymPy
    can use the sign; every closed form is put in real form and compared with quadrature
    at sample points before it is accepted (a safety net, not the independent check).
    """

    def __init__(self, d: Distribution, budget: float, extra: Dict[sp.Symbol, Any] | None = None):
        self.d = d
        self.var = d.var
        self.lo, self.hi = (sp.sympify(b) for b in d.support)
        self.pos = self.lo.is_nonnegative is True
        self.V = sp.Dummy(d.var.name, positive=True) if self.pos else d.var
        self.F = sp.sympify(d.cdf).xreplace({d.var: self.V})
        self.f = sp.sympify(d.pdf).xreplace({d.var: self.V})
        self.budget = float(budget)
        self.notes: list = []
        self.extra = dict(extra or {})
        self.bps = _breakpoints(self.F + self.f, self.V)

    # ------------------------------------------------------------------ helpers
    def back(self, expr: Any) -> Any:
        return sp.sympify(expr).xreplace({self.V: self.var})

    def int_symbol(self, *exprs: Any) -> sp.Symbol:
        taken = set()
        for e in exprs:
            taken |= {s.name for s in sp.sympify(e).atoms(sp.Symbol)}
        taken |= {p.name for p in self.d.params} | {self.var.name}
        for name in _INT_NAMES:
            if name not in taken:
                return sp.Symbol(name, positive=True) if self.pos else sp.Symbol(name, real=True)
        return sp.Dummy("s", positive=True) if self.pos else sp.Dummy("s", real=True)

    def sample_values(self, exprs: Sequence[Any]) -> Dict[sp.Symbol, Any]:
        free = set()
        for e in exprs:
            free |= sp.sympify(e).free_symbols
        free -= {self.V, self.var}
        return _sample_values(free, self.d.assumptions, self.extra)

    def prep(self, e: Any) -> sp.Expr:
        """An integrand SymPy integrates more easily: a sum of monomials, else ``cancel``led."""
        e = sp.sympify(e)
        if e.has(sp.Integral, sp.Piecewise):
            return e
        V = self.V
        p = sp.powsimp(e)
        # a sum of monomials c * V**a integrates term by term: prefer it when it exists
        if self.pos and not p.has(sp.Piecewise):
            ex = sp.expand(p)
            terms = [sp.powsimp(t) for t in sp.Add.make_args(ex)]
            if all(_is_monomial(t, V) for t in terms) and len(terms) <= 40:
                return sp.Add(*terms)
        cands = [e, p]
        c, ok = bounded(sp.cancel, p, seconds=min(1.0, self.budget))
        if ok and not c.has(sp.nan, sp.zoo):
            cands.append(c)
        return min(cands, key=sp.count_ops)

    # ------------------------------------------------------------------ integrals
    def integral(self, integrand: Any, lower: Any, label: str) -> Tuple[sp.Expr, bool]:
        """``integral_lower^V integrand(s) ds`` as ``(expr in V, exact)``."""
        integrand = self.prep(integrand)
        s = self.int_symbol(integrand)
        e = integrand.xreplace({self.V: s})
        lower = sp.sympify(lower)
        fallback = sp.Integral(e, (s, lower, self.V))
        if e.has(sp.Integral):
            self.notes.append(f"{label}: left as an integral (the CDF itself is an integral); evaluated by quadrature")
            return fallback, False
        raw = self._antiderivative(e, s, lower)
        if raw is not None:
            for cand in self._finish(raw):
                if self._agrees_integral(cand, integrand, lower):
                    return cand, True
            self.notes.append(f"{label}: SymPy's closed form failed the numeric cross-check; kept as an integral")
            return fallback, False
        self.notes.append(f"{label}: no closed form within the {self.budget:g} s budget; "
                          "kept as an unevaluated integral, evaluated by quadrature")
        return fallback, False

    def definite(self, integrand: Any, label: str) -> Tuple[sp.Expr, bool]:
        """``integral_lo^hi integrand(V) dV`` (an ex ante quantity) as ``(expr, exact)``."""
        integrand = self.prep(integrand)
        s = self.int_symbol(integrand)
        e = integrand.xreplace({self.V: s})
        fallback = sp.Integral(e, (s, self.lo, self.hi))
        if not e.has(sp.Integral):
            r, ok = bounded(sp.integrate, e, (s, self.lo, self.hi), seconds=self.budget)
            if ok and r is not None and not r.has(sp.Integral) and not r.has(sp.nan, sp.zoo):
                for cand in self._finish(r):
                    if self._agrees_definite(cand, integrand):
                        return cand, True
        self.notes.append(f"{label}: no closed form within the {self.budget:g} s budget; "
                          "kept as an unevaluated integral, evaluated by quadrature")
        return fallback, False

    def _antiderivative(self, e: sp.Expr, s: sp.Symbol, lower: sp.Expr) -> Optional[sp.Expr]:
        V = self.V
        r, ok = bounded(sp.integrate, e, (s, lower, V), seconds=self.budget)
        if ok and r is not None and not r.has(sp.Integral) and not r.has(sp.nan, sp.zoo):
            return r
        if not ok:  # the indefinite integral is no easier than the definite one that timed out
            return None
        A, ok = bounded(sp.integrate, e, s, seconds=self.budget)
        if not ok or A is None or A.has(sp.Integral):
            return None
        at_lo = A.subs(s, lower)
        if at_lo.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not at_lo.is_finite:
            at_lo, ok = bounded(sp.limit, A, s, lower, "+", seconds=self.budget)
            if not ok or at_lo.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.Limit):
                return None
        return A.subs(s, V) - at_lo

    def _finish(self, r: sp.Expr) -> list:
        """Real, simplified candidates for ``r``, best first."""
        r = r.replace(lambda a: isinstance(a, sp.exp_polar), lambda a: sp.exp(a.args[0]))
        r = self.realify(r)
        if r is None:
            return []
        cands = [r, *self._forms(r)]
        if r.has(sp.gamma):
            g, ok2 = bounded(sp.gammasimp, cands[-1], seconds=1.0)
            if ok2:
                cands.append(g)
        if r.has(sp.Min, sp.Max):
            pw = self._piecewise_form(r)
            if pw is not None:
                cands.insert(0, pw)
        real = []
        for c in cands:
            if c.has(sp.I):
                c = self.realify(c)
                if c is None:
                    continue
            if c.has(sp.nan, sp.zoo):
                continue
            real.append(c)
        first = [c for c in real if isinstance(c, sp.Piecewise)]  # one formula per piece reads best
        return first + sorted((c for c in dict.fromkeys(real) if c not in first), key=sp.count_ops)

    def _piecewise_form(self, r: sp.Expr) -> Optional[sp.Expr]:
        """``Min``/``Max`` rewritten as a Piecewise with each branch simplified."""
        pw = sp.piecewise_fold(r.rewrite(sp.Piecewise))
        if not isinstance(pw, sp.Piecewise):
            return None
        args = []
        for e, c in pw.args:
            e2, ok = bounded(sp.simplify, e, seconds=min(2.0, self.budget))
            e2 = e2 if ok and not e2.has(sp.I) else e
            e3 = self.realify(e2) if e2.has(sp.log) else e2
            args.append((e3 if e3 is not None else e2, c))
        return sp.Piecewise(*args)

    def realify(self, r: sp.Expr) -> Optional[sp.Expr]:
        """Rewrite ``log(g)`` with ``g < 0`` on the support as ``log(-g) + I*pi``, cancel ``I``."""
        reps = {}
        for L in r.atoms(sp.log):
            g = L.args[0]
            if g.is_extended_negative or (g.free_symbols and self._negative_on_support(g)):
                reps[L] = sp.log(sp.expand(-g)) + sp.I * sp.pi
        if reps:
            r = r.xreplace(reps)
        if not r.has(sp.I):
            return r
        iu = sp.Dummy("iu")  # I as a symbol: the imaginary part is the coefficient of iu
        e = sp.expand_mul(r.xreplace({sp.I: iu}))
        if not e.is_polynomial(iu) or sp.Poly(e, iu).degree() > 1:
            return None
        im = e.coeff(iu, 1)
        zero, ok = bounded(sp.simplify, im, seconds=min(2.0, self.budget))
        if ok and zero == 0:
            out = e.coeff(iu, 0)
            return None if out.has(iu) else out
        return None

    def _negative_on_support(self, g: sp.Expr) -> bool:
        """Whether ``g < 0`` on the open support: exact for polynomials, else by the sign ladder."""
        if g.is_negative:
            return True
        if g.is_nonnegative:
            return False
        lo, hi = self.lo, self.hi
        if g.is_polynomial(self.V) and not (g.free_symbols - {self.V}):
            P = sp.Poly(g, self.V)
            if P.domain.is_ZZ or P.domain.is_QQ:
                inside = [rt for rt in sp.real_roots(P)
                          if (rt > lo) is sp.true and (hi == sp.oo or (rt < hi) is sp.true)]
                if inside:
                    return False
                mid = (lo + hi) / 2 if hi.is_finite else lo + 1
                return bool(P.eval(mid) < 0)
        try:  # the sign ladder (symbolic, then certified interval arithmetic)
            verdict = sign_on(g, self.V, (lo, hi), relation="<", params=tuple(self.d.params),
                              assumptions=self.d.assumptions, budget=min(2.0, self.budget))
            if verdict.holds is True and verdict.method != "sampled":
                return True
            if verdict.holds is False:
                return False
        except (SymmechError, NotImplementedError, TypeError, ValueError):
            pass  # undecided: fall through to the sampled branch choice below
        # last resort: sampled sign; the closed form is then accepted only after the numeric
        # cross-check in integral(), and the note says the branch was chosen by sampling
        vals = self.sample_values([g])
        try:
            with mpmath.workdps(20):
                fn = mp_callable(g.xreplace(vals), self.V)
                pts = [_mp(p) for p in _grid(lo, hi, 16)]
                neg = all(mpmath.re(fn(p)) < 0 for p in pts)
        except Exception:  # noqa: BLE001
            return False
        if neg:
            self.notes.append(f"branch of log({g}) chosen from its sampled sign")
        return neg

    # ------------------------------------------------------------------ numeric safety net
    def _agrees_integral(self, cand: sp.Expr, integrand: sp.Expr, lower: sp.Expr) -> bool:
        vals = self.sample_values([cand, integrand, lower])
        c = _numeric_form(cand.xreplace(vals))
        g = integrand.xreplace(vals)
        a = sp.sympify(lower).xreplace(vals)
        pts = _grid(sp.sympify(self.lo).xreplace(vals), sp.sympify(self.hi).xreplace(vals), 3)
        try:
            with mpmath.workdps(20):
                bps = [_mp(b.xreplace(vals)) for b in self.bps]
                fc, fg = mp_callable(c, self.V), mp_callable(g, self.V)
                for p in pts:
                    x = _mp(p)
                    ref = mpmath.quad(fg, _span(_mp(a), x, bps))
                    val = fc(x)
                    if abs(val - ref) > mpmath.mpf(10) ** -14 * max(1, abs(ref)):
                        return False
        except Exception:  # noqa: BLE001
            return False
        return True

    def _agrees_definite(self, cand: sp.Expr, integrand: sp.Expr) -> bool:
        vals = self.sample_values([cand, integrand])
        c = cand.xreplace(vals)
        if c.free_symbols:
            return False
        g = integrand.xreplace(vals)
        lo, hi = (sp.sympify(b).xreplace(vals) for b in (self.lo, self.hi))
        try:
            with mpmath.workdps(20):
                fg = mp_callable(g, self.V)
                bps = [_mp(b.xreplace(vals)) for b in self.bps]
                ref = mpmath.quad(fg, _nodes(lo, hi, bps))
                val = _mp(c)
                return abs(val - ref) <= mpmath.mpf(10) ** -14 * max(1, abs(ref))
        except Exception:  # noqa: BLE001
            return False

    def _forms(self, e: sp.Expr) -> list:
        """Cheap normal forms, plus a budgeted ``simplify`` only where it can pay off.

        Rational functions (also in parameters and in powers with symbolic exponents) are
        normalised by ``cancel``/``factor``; ``simplify`` is reserved for expressions with
        transcendental functions, where it is slow but the gain is real.
        """
        out = [sp.powsimp(e), sp.factor_terms(e)]
        if sp.count_ops(e) <= 3:
            return out
        gens = e.atoms(sp.Function) - e.atoms(sp.Min, sp.Max)
        if not gens:
            for fn in (sp.cancel, sp.factor):
                r, ok = bounded(fn, sp.powsimp(e), seconds=min(1.0, self.budget))
                if ok and not r.has(sp.nan, sp.zoo):
                    out.append(r)
            return out
        if sp.count_ops(e) <= 10:  # short sums of logs: simplify only merges them into one log
            return out
        r, ok = bounded(sp.simplify, e, seconds=min(3.0, self.budget))
        if ok and not r.has(sp.nan, sp.zoo):
            out += [r, sp.factor_terms(r), sp.powsimp(r)]
        return out

    def tidy(self, e: Any) -> sp.Expr:
        """Shortest real form among a few budgeted simplifications."""
        e = sp.sympify(e)
        if e.has(sp.Integral):
            return e
        forms = [c for c in self._forms(e) if not c.has(sp.I)]
        # powsimp each: v**(k + 1) rather than v*v**k (count_ops calls them equal)
        cands = [sp.powsimp(c) for c in [e] + forms]
        return min(cands, key=sp.count_ops)


def _is_monomial(t: sp.Expr, V: sp.Symbol) -> bool:
    """``t = c * V**a`` with ``c`` and ``a`` free of ``V``."""
    _, dep = t.as_independent(V, as_Add=False)
    if dep == 1 or dep == V:
        return True
    return dep.is_Pow and dep.base == V and not dep.exp.has(V)


# ====================================================================== numeric helpers


def _grid(lo: Any, hi: Any, n: int) -> list:
    """``n`` points strictly inside ``(lo, hi)`` avoiding round numbers."""
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    if hi.is_finite:
        return [lo + (hi - lo) * sp.Rational(2 * i + 1, 2 * n + 1) * sp.Rational(7, 8) + (hi - lo) / 17
                for i in range(n)]
    return [lo + sp.Rational(3 * i + 2, 5) for i in range(n)]


def _breakpoints(expr: Any, var: sp.Symbol) -> list:
    """Points where a Piecewise/Min/Max in ``expr`` switches (linear conditions in ``var``)."""
    expr = sp.sympify(expr)
    out = set()
    diffs = []
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            diffs += [r.lhs - r.rhs for r in cond.atoms(sp.Rel)]
    for m in expr.atoms(sp.Min, sp.Max):
        diffs += [a - b for a, b in itertools.combinations(m.args, 2)]
    for dlt in diffs:
        if dlt.has(var) and dlt.is_polynomial(var) and sp.degree(dlt, var) == 1:
            out.add(sp.solve(dlt, var)[0])
    return sorted(out, key=lambda r: sp.N(r, 30) if r.is_number else 0)


def _span(a: Any, b: Any, bps: Sequence[Any]) -> list:
    """Quadrature nodes ``[a, breakpoints inside (a, b), b]`` (mpmath numbers)."""
    inner = [x for x in bps if a < x < b] if b > a else [x for x in reversed(bps) if b < x < a]
    return [a, *inner, b]


def _nodes(lo: Any, hi: Any, bps: Sequence[Any] = ()) -> list:
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    if lo.is_finite and hi.is_finite and not bps:
        return [_mp(lo), (_mp(lo) + _mp(hi)) / 2, _mp(hi)]
    return _span(_mp(lo), _mp(hi), list(bps))


_CANDIDATES_POS = (sp.Integer(2), sp.Rational(3, 2), sp.Integer(3), sp.Rational(1, 2), sp.Rational(5, 2))
_CANDIDATES_REAL = (sp.Integer(0), sp.Integer(1), sp.Rational(1, 2), sp.Integer(2), sp.Integer(-1))


def _sample_values(free: Any, assumptions: Any = sp.true, extra: Dict[sp.Symbol, Any] | None = None
                   ) -> Dict[sp.Symbol, Any]:
    """Values for free symbols that satisfy their assumptions and ``assumptions``."""
    extra = dict(extra or {})
    syms = sorted((s for s in free if s not in extra), key=lambda s: s.name)
    if not syms:
        return {s: extra[s] for s in free if s in extra}
    pools = []
    for s in syms:
        if s.is_integer:
            pools.append((sp.Integer(3), sp.Integer(2), sp.Integer(4)))
        elif s.is_positive or s.is_nonnegative:
            pools.append(_CANDIDATES_POS)
        else:
            pools.append(_CANDIDATES_REAL)
    for combo in itertools.islice(itertools.product(*pools), 400):
        vals = dict(zip(syms, combo))
        cond = sp.sympify(assumptions).xreplace(vals) if assumptions not in (None, sp.true) else sp.true
        if cond is sp.true or cond == sp.true:
            vals.update({s: extra[s] for s in free if s in extra})
            return vals
    raise InvalidParameter(f"no sample values found for {', '.join(map(str, syms))} satisfying {assumptions}; "
                           "pass values={...} explicitly")


# ====================================================================== validation
def _sympify_input(x: Any, what: str) -> sp.Basic:
    """A user argument as a SymPy object; text goes through the safe parser, never sympify."""
    if isinstance(x, str):
        from .parsing import parse_number
        try:
            return sp.sympify(parse_number(x))
        except SymmechError as exc:
            raise InvalidParameter(f"{what}: {exc}") from None
    if isinstance(x, (sp.Basic, int, float)):
        return sp.sympify(x)
    raise InvalidParameter(f"{what} must be a number or a SymPy expression, got {type(x).__name__}")


def _as_int(x: Any, what: str, least: int) -> Any:
    if isinstance(x, bool):
        raise InvalidParameter(f"{what} must be an integer >= {least}, got {x!r}")
    if isinstance(x, sp.Symbol):
        if x.is_integer is not True:
            raise InvalidParameter(f"{what} must be an integer >= {least}: declare Symbol('{x}', integer=True), got {x}")
        if (x - least).is_negative:
            raise InvalidParameter(f"{what} must be an integer >= {least}, got {x} declared smaller")
        return x
    val = _sympify_input(x, what)
    if not (val.is_Integer or (val.is_Number and val == int(val) and not isinstance(x, float))):
        raise InvalidParameter(f"{what} must be an integer >= {least}, got {x!r}")
    val = sp.Integer(int(val))
    if val < least:
        raise InvalidParameter(f"{what} must be an integer >= {least}, got {what} = {val}")
    return val


def _as_cost(c: Any) -> sp.Expr:
    if isinstance(c, bool):
        raise InvalidParameter(f"cost must be a positive number, got {c!r}")
    val = sp.nsimplify(c, rational=True) if isinstance(c, float) else _sympify_input(c, "cost")
    if not isinstance(val, sp.Expr) or val.is_extended_real is False or val.has(sp.nan, sp.zoo):
        raise InvalidParameter(f"cost must be a positive number, got cost = {c!r}")
    if val.is_positive is False:
        raise InvalidParameter(f"cost must be > 0, got cost = {val}")
    if val.is_finite is False:
        raise InvalidParameter(f"cost must be finite, got cost = {val}")
    return val


def _as_distribution(d: Any) -> Distribution:
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"expected a symmech Distribution, got {type(d).__name__}")
    return d


# ====================================================================== the result object
@dataclass(frozen=True)
class Equilibrium:
    """A symmetric equilibrium and its interim and ex ante quantities.

    Attributes
    ----------
    kind : str
        ``"war_of_attrition"``, ``"generalized_war_of_attrition"``, ``"all_pay"``,
        ``"first_price"`` or ``"second_price"``.
    name : str
    distribution : Distribution
    players : int or Symbol
    strategy : sympy.Expr or None
        Bid ``b(v)`` or exit time ``T(v)``; None where it is not derived.
    allocation : sympy.Expr
        Interim probability of winning ``x(v)``.
    payment : sympy.Expr
        Expected interim payment ``t(v) = v x(v) - U(v)`` (cost burnt, in value units, for a
        war of attrition).
    payoff : sympy.Expr
        Interim payoff ``U(v) = integral_lo^v x`` (envelope, ``U(lo) = 0``).
    expected_payment : sympy.Expr
        Ex ante payment of one player, ``E[t(v)]``.
    revenue : sympy.Expr
        Total over players (for a war of attrition, the total cost burnt).
    exact : bool
        True when every field is a closed form; otherwise some hold unevaluated integrals,
        named in ``notes`` and evaluated by quadrature.
    cost : sympy.Expr
        Flow cost of waiting (wars of attrition; 1 otherwise).
    prizes : int
        Number of prizes (generalized war of attrition; 1 otherwise).
    split_comparison : PayoffComparison or None
        Generalized war of attrition: the equal split ``N/(N+K)`` compared with it.
    notes : tuple of str

    Examples
    --------
    >>> import symmech as sm
    >>> eq = sm.war_of_attrition(sm.families.Uniform(0, 1))
    >>> eq.strategy, eq.payoff
    (-v - log(1 - v), v**2/2)
    """

    kind: str
    name: str
    distribution: Distribution
    players: Any
    strategy: Any
    allocation: Any
    payment: Any
    payoff: Any
    expected_payment: Any
    revenue: Any
    exact: bool
    cost: Any = sp.Integer(1)
    prizes: Any = sp.Integer(1)
    split_comparison: Any = None
    notes: Tuple[str, ...] = field(default_factory=tuple)

    @property
    def var(self) -> sp.Symbol:
        return self.distribution.var

    @property
    def strategy_name(self) -> str:
        return "T" if "attrition" in self.kind else "b"

    def as_mechanism(self) -> InterimMechanism:
        """The interim mechanism ``(x, t, U)`` this equilibrium implements."""
        return InterimMechanism(self.name, self.var, self.allocation, self.payment, self.payoff, self.notes)

    def evaluate(self, quantity: str, at: Any = None, dps: int = 30) -> mpmath.mpf:
        """Value of a field (``"strategy"``, ``"payoff"``, ``"revenue"``, ...) at ``dps`` digits.

        Examples
        --------
        >>> import symmech as sm
        >>> eq = sm.second_price_auction(sm.families.Uniform(0, 1), 3)
        >>> eq.evaluate("revenue")
        mpf('0.5')
        """
        expr = getattr(self, quantity)
        if expr is None:
            raise InvalidParameter(f"{quantity} is not derived for this {self.kind} equilibrium")
        if sp.sympify(expr).free_symbols - {self.var}:
            raise InvalidParameter(f"{quantity} depends on parameters "
                                   f"{sorted(map(str, sp.sympify(expr).free_symbols - {self.var}))}; substitute them first")
        with mpmath.workdps(dps):
            g = mp_callable(_numeric_form(expr), self.var)
            return +g(_mp(at) if at is not None else mpmath.mpf(0))

    def latex(self) -> str:
        v = sp.latex(self.var)
        rows = []
        if self.strategy is not None:
            rows.append(f"{self.strategy_name}({v}) &= {sp.latex(self.strategy)}")
        rows += [f"x({v}) &= {sp.latex(self.allocation)}",
                 f"t({v}) &= {sp.latex(self.payment)}",
                 f"U({v}) &= {sp.latex(self.payoff)}",
                 r"\mathbb{E}[t] &= " + sp.latex(self.expected_payment),
                 r"\text{total} &= " + sp.latex(self.revenue)]
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "distribution": self.distribution.to_dict(),
                "players": str(self.players), "prizes": str(self.prizes), "cost": str(self.cost),
                "strategy": None if self.strategy is None else str(self.strategy),
                "allocation": str(self.allocation), "payment": str(self.payment),
                "payoff": str(self.payoff), "expected_payment": str(self.expected_payment),
                "revenue": str(self.revenue), "exact": self.exact,
                "split_comparison": None if self.split_comparison is None else self.split_comparison.to_dict(),
                "notes": list(self.notes)}

    def __str__(self) -> str:
        s = f"{self.name}: x = {self.allocation}, U = {self.payoff}"
        if self.strategy is not None:
            s = f"{self.name}: {self.strategy_name}(v) = {self.strategy}, x = {self.allocation}, U = {self.payoff}"
        return s

    # ------------------------------------------------------------------ independent check
    def check(self, dps: int = 30, points: Optional[Sequence[Any]] = None,
              values: Optional[Dict[Any, Any]] = None) -> CheckReport:
        """Recompute strategy, payoff and payments from the rules of the game with mpmath.

        Never uses the derived closed forms as references: the strategy is compared with the
        quadrature of its defining integral and its first-order-condition residual, the
        payment with the expected payment the rules of the game imply for that strategy,
        the payoff with the envelope integral of the allocation (itself recomputed from
        ``F``) and with ``v x - t``, and the ex ante payment with quadrature of ``t f``.

        Parameters
        ----------
        dps : int
            Working precision; each comparison is repeated at ``dps + 15``.
        points : sequence, optional
            Types to compare at (default three interior points).
        values : dict, optional
            Values of symbolic parameters (default: sample values satisfying the assumptions).

        Examples
        --------
        >>> import symmech as sm
        >>> sm.first_price_auction(sm.families.Uniform(0, 1), 3).check(dps=20).ok
        True
        """
        return _check(self, dps, points, values)


# ====================================================================== builders
def war_of_attrition(d: Distribution, players: Any = 2, cost: Any = 1, *,
                     budget: float = DEFAULT_BUDGET) -> Equilibrium:
    """Symmetric equilibrium of the war of attrition with ``players`` bidders and flow cost ``cost``.

    The highest type wins and pays ``cost`` times the second-highest exit time; the others
    pay ``cost`` times their own. With ``H = F**(n-1)``: ``x = H``,
    ``T(v) = (1/c) integral_lo^v s h(s)/(1 - H(s)) ds``, ``U(v) = integral_lo^v H`` (Krishna,
    *Auction Theory*, 2nd ed., sec. 3.2.3; Bulow & Klemperer 1999). ``U`` does not depend on
    ``c``: the waiting cost scales time, not payments.

    Parameters
    ----------
    d : Distribution
        Value distribution with ``lo >= 0``.
    players : int >= 2 (or an integer Symbol)
    cost : positive number or Symbol
    budget : float
        Seconds granted to each symbolic step before falling back to quadrature.

    Examples
    --------
    >>> import symmech as sm
    >>> eq = sm.war_of_attrition(sm.families.Exponential(1))
    >>> eq.strategy, eq.payoff
    (v**2/2, v - 1 + exp(-v))
    """
    d = _as_distribution(d)
    n = _as_int(players, "players", 2)
    c = _as_cost(cost)
    _require_nonnegative_values(d, "war of attrition")
    return _cached("war_of_attrition", d, n, c, sp.Integer(1), float(budget), True)


def generalized_war_of_attrition(d: Distribution, prizes: Any = 1, players: Any = 2, cost: Any = 1, *,
                                 compare_split: bool = True, budget: float = DEFAULT_BUDGET) -> Equilibrium:
    """Generalized war of attrition: ``prizes = N`` prizes, ``players = N + K`` players.

    A type wins iff at most ``N - 1`` of the other ``N + K - 1`` values are above it, so
    ``x(v) = sum_{j<N} C(N+K-1, j) (1-F)^j F^(N+K-1-j)`` and ``U = integral_lo^v x`` (Bulow &
    Klemperer 1999). For ``K = 1`` the game ends at the first exit and the exit time is
    ``T(v) = (N/c) integral_lo^v s f/(1 - F) ds`` (first-order condition against the lowest of
    the other ``N``); for ``K >= 2`` ``strategy`` is None and only allocation and payoff are
    derived. ``split_comparison`` compares the equal split ``N/(N+K)`` with this payoff.

    Examples
    --------
    >>> import symmech as sm
    >>> eq = sm.generalized_war_of_attrition(sm.families.Uniform(0, 1), prizes=2, players=3,
    ...                                      compare_split=False)
    >>> eq.strategy, eq.allocation
    (-2*v - 2*log(1 - v), 1 - (1 - v)**2)
    """
    d = _as_distribution(d)
    N = _as_int(prizes, "prizes", 1)
    n = _as_int(players, "players", 2)
    if not (N.is_Integer and n.is_Integer):
        raise InvalidParameter(f"generalized_war_of_attrition needs integer prizes and players, got {prizes}, {players}")
    if N >= n:
        raise InvalidParameter(f"prizes must be fewer than players, got prizes = {N}, players = {n}")
    c = _as_cost(cost)
    _require_nonnegative_values(d, "war of attrition")
    return _cached("generalized_war_of_attrition", d, n, c, N, float(budget), bool(compare_split))


def all_pay_auction(d: Distribution, players: Any = 2, *, budget: float = DEFAULT_BUDGET) -> Equilibrium:
    """All-pay auction: ``b(v) = v G(v) - integral_lo^v G``, ``G = F**(n-1)`` (Krishna sec. 3.2.2).

    Examples
    --------
    >>> import symmech as sm
    >>> sm.all_pay_auction(sm.families.Uniform(0, 1), 3).strategy
    2*v**3/3
    """
    d = _as_distribution(d)
    n = _as_int(players, "players", 2)
    return _cached("all_pay", d, n, sp.Integer(1), sp.Integer(1), float(budget), True)


def first_price_auction(d: Distribution, players: Any = 2, *, budget: float = DEFAULT_BUDGET) -> Equilibrium:
    """First-price auction: ``b(v) = v - integral_lo^v G / G(v)``, ``G = F**(n-1)`` (Krishna sec. 2.3).

    Examples
    --------
    >>> import symmech as sm
    >>> sm.first_price_auction(sm.families.Uniform(0, 1), 4).strategy
    3*v/4
    """
    d = _as_distribution(d)
    n = _as_int(players, "players", 2)
    return _cached("first_price", d, n, sp.Integer(1), sp.Integer(1), float(budget), True)


def second_price_auction(d: Distribution, players: Any = 2, *, budget: float = DEFAULT_BUDGET) -> Equilibrium:
    """Second-price auction: bidding ``b(v) = v`` is weakly dominant (Krishna sec. 2.2).

    Examples
    --------
    >>> import symmech as sm
    >>> sm.second_price_auction(sm.families.Uniform(0, 1), 4).revenue
    3/5
    """
    d = _as_distribution(d)
    n = _as_int(players, "players", 2)
    return _cached("second_price", d, n, sp.Integer(1), sp.Integer(1), float(budget), True)


def _require_nonnegative_values(d: Distribution, what: str) -> None:
    if sp.sympify(d.lo).is_extended_negative:
        raise InvalidParameter(f"a {what} needs values >= 0 (exit times cannot be negative), got lo = {d.lo}")


_TITLES = {"war_of_attrition": "war of attrition", "generalized_war_of_attrition": "generalized war of attrition",
           "all_pay": "all-pay auction", "first_price": "first-price auction", "second_price": "second-price auction"}


@functools.lru_cache(maxsize=256)
def _cached(kind: str, d: Distribution, n: Any, c: Any, N: Any, budget: float, compare: bool) -> Equilibrium:
    return _derive(kind, d, n, c, N, budget, compare)


def _allocation(kind: str, F: sp.Expr, n: Any, N: Any) -> sp.Expr:
    if kind != "generalized_war_of_attrition":
        return F ** (n - 1)
    M = int(n) - 1
    if N == 1:
        return F ** M
    if int(n) - int(N) == 1:
        return 1 - (1 - F) ** int(N)
    return sp.Add(*[sp.binomial(M, j) * (1 - F) ** j * F ** (M - j) for j in range(int(N))])


def _decisive(kind: str, F: sp.Expr, f: sp.Expr, n: Any, N: Any) -> Tuple[sp.Expr, sp.Expr]:
    """CDF ``H`` and density ``h`` of the opponent whose exit ends the game for a player."""
    if kind == "war_of_attrition":
        return F ** (n - 1), (n - 1) * F ** (n - 2) * f
    # generalized, K = 1: the lowest of the other N players
    return 1 - (1 - F) ** N, N * (1 - F) ** (N - 1) * f


def _derive(kind: str, d: Distribution, n: Any, c: Any, N: Any, budget: float, compare: bool) -> Equilibrium:
    calc = _Calculus(d, budget, extra=_extra_values(n, c))
    V, F, f, lo = calc.V, calc.F, calc.f, calc.lo
    x = _allocation(kind, F, n, N)
    exact = True
    U, ok = calc.integral(x, lo, "payoff U(v) = integral of x")
    exact &= ok
    t = calc.tidy(V * x - U) if ok else V * x - U
    strategy = None
    if kind in ("war_of_attrition", "generalized_war_of_attrition"):
        if kind == "war_of_attrition" or int(n) - int(N) == 1:
            H, h = _decisive(kind, F, f, n, N)
            T, ok = calc.integral(V * h / (1 - H), lo, "exit time T(v)")
            exact &= ok
            strategy = calc.tidy(T / c) if ok else T / c
        else:
            calc.notes.append("K >= 2: the exit-time strategy is not derived; only the interim allocation "
                              "and payoff (envelope theorem) are")
    elif kind == "all_pay":
        strategy = t
    elif kind == "first_price":
        strategy = calc.tidy(V - U / x) if ok else V - U / x
    elif kind == "second_price":
        strategy = V
    # ex ante payment by Fubini: E[t] = integral x (v f - (1 - F)) dv (uses U(lo) = 0)
    Et, ok = calc.definite(x * (V * f - (1 - F)), "expected payment E[t]")
    exact &= ok
    if ok:
        Et = calc.tidy(Et)
        total = calc.tidy(n * Et)
    else:
        total = n * Et
    title = _TITLES[kind]
    label = d.name or f"F = {d.cdf}"
    if kind == "generalized_war_of_attrition":
        name = f"{title}, {N} prizes, {n} players ({label})"
    else:
        name = f"{title}, {n} players ({label})"
    if kind in ("war_of_attrition", "generalized_war_of_attrition") and c != 1:
        name += f", cost {c}"
    back = calc.back
    eq = Equilibrium(kind=kind, name=name, distribution=d, players=n,
                     strategy=None if strategy is None else back(strategy),
                     allocation=back(calc.tidy(x)), payment=back(t), payoff=back(U),
                     expected_payment=back(Et), revenue=back(total), exact=bool(exact), cost=c, prizes=N,
                     notes=tuple(dict.fromkeys(calc.notes)))
    if kind == "generalized_war_of_attrition" and compare:
        from .mechanism import equal_split, pareto_compare
        comp = pareto_compare(equal_split(n, prizes=N, var=d.var), eq, d)
        eq = Equilibrium(**{**eq.__dict__, "split_comparison": comp})
    return eq


def _extra_values(n: Any, c: Any) -> Dict[sp.Symbol, Any]:
    out = {}
    for s in sp.sympify(n).free_symbols:
        out[s] = sp.Integer(3)
    for s in sp.sympify(c).free_symbols:
        out[s] = sp.Integer(2)
    return out


# ====================================================================== the independent check
def _check(eq: Equilibrium, dps: int, points: Optional[Sequence[Any]], values: Optional[Dict[Any, Any]]) -> CheckReport:
    d = eq.distribution
    var = d.var
    free = set()
    for e in (eq.strategy, eq.allocation, eq.payment, eq.payoff, eq.expected_payment, eq.players, eq.cost,
              d.cdf, d.pdf, *d.support):
        if e is not None:
            free |= sp.sympify(e).free_symbols
    free.discard(var)
    by_name = {s.name: s for s in free}
    if values:
        vals = {}
        for k, val in values.items():
            key = by_name.get(k.name if isinstance(k, sp.Symbol) else str(k))
            if key is None:
                raise InvalidParameter(f"unknown parameter '{k}' in values: free symbols are {sorted(by_name)}")
            vals[key] = _sympify_input(val, f"values[{k}]")
    else:
        vals = _sample_values(free, d.assumptions, _extra_values(eq.players, eq.cost))
    missing = free - set(vals)
    if missing:
        raise InvalidParameter(f"check needs values for {sorted(map(str, missing))}")

    def sub(e: Any) -> Any:
        return None if e is None else _freeze(_numeric_form(sp.sympify(e).xreplace(vals)), dps + 40)

    n, c, N = sub(eq.players), sub(eq.cost), sub(eq.prizes)
    lo, hi = sub(d.lo), sub(d.hi)
    Fx, fx = sub(d.cdf), sub(d.pdf)
    pts = list(points) if points is not None else _check_points(Fx, var, lo, hi)
    kind = eq.kind
    items = []
    notes = []
    n_int, N_int = int(n), int(N)

    compiled = (mp_callable(Fx, var), mp_callable(fx, var))

    def fns():
        """mpmath callables of F and f (they evaluate at the caller's working precision)."""
        return compiled

    def x_def(Fv):
        if kind == "generalized_war_of_attrition":
            M = n_int - 1
            # P(Bin(M, 1 - F) <= N - 1) = I_F(M - N + 1, N): regularized incomplete beta
            return mpmath.betainc(M - N_int + 1, N_int, 0, Fv, regularized=True)
        return Fv ** (n_int - 1)

    def g_def(Fv, fv):  # density of the highest other value
        return (n_int - 1) * Fv ** (n_int - 2) * fv

    def H_def(Fv):
        if kind == "generalized_war_of_attrition":
            return 1 - (1 - Fv) ** N_int
        return Fv ** (n_int - 1)

    def h_def(Fv, fv):
        if kind == "generalized_war_of_attrition":
            return N_int * (1 - Fv) ** (N_int - 1) * fv
        return (n_int - 1) * Fv ** (n_int - 2) * fv

    a0 = lambda: _mp(lo)  # noqa: E731
    breaks = _breakpoints(Fx + fx, var)

    def bps():
        return [_mp(b) for b in breaks]

    def span(p):
        """Nodes from lo to p, split where a piecewise F or f switches."""
        return _span(a0(), p, bps())

    # allocation: closed x against x recomputed from F
    def ref_x(p):
        F, _ = fns()
        return x_def(F(p))
    items.append(_from_agreement("allocation", verify(sub(eq.allocation), ref_x, var, pts, dps)))

    # payoff: envelope integral of x recomputed from F
    def ref_U(p):
        F, _ = fns()
        return mpmath.quad(lambda s: x_def(F(s)), span(p))
    items.append(_from_agreement("payoff (envelope)", verify(sub(eq.payoff), ref_U, var, pts, dps)))

    strat = sub(eq.strategy)
    wa = kind in ("war_of_attrition", "generalized_war_of_attrition")
    if strat is not None:
        # strategy from its defining equation, by quadrature
        if wa:
            def ref_s(p):
                F, f = fns()
                return mpmath.quad(lambda s: s * h_def(F(s), f(s)) / (1 - H_def(F(s))), span(p)) / _mp(c)
        elif kind == "all_pay":
            def ref_s(p):
                F, f = fns()
                return mpmath.quad(lambda s: s * g_def(F(s), f(s)), span(p))
        elif kind == "first_price":
            def ref_s(p):
                F, f = fns()
                return mpmath.quad(lambda s: s * g_def(F(s), f(s)), span(p)) / F(p) ** (n_int - 1)
        else:
            def ref_s(p):
                return p
        items.append(_from_agreement("strategy (definition)", verify(strat, ref_s, var, pts, dps)))
        # first-order condition residual of the closed-form strategy (differentiated exactly:
        # differentiation is mechanical, and an Integral differentiates to its integrand)
        dstrat = sp.diff(strat, var).doit() if strat.has(sp.Integral) else sp.diff(strat, var)
        errs = []
        for prec in (dps, dps + 15):
            with mpmath.workdps(prec):
                F, f = fns()
                S = mp_callable(strat, var)
                dSf = mp_callable(dstrat, var)
                worst = mpmath.mpf(0)
                for p in pts:
                    x0 = _mp(p)
                    Fv, fv = F(x0), f(x0)
                    dS = dSf(x0)
                    if wa:
                        res, scale = x0 * h_def(Fv, fv) - _mp(c) * dS * (1 - H_def(Fv)), x0 * h_def(Fv, fv)
                    elif kind == "all_pay":
                        res, scale = x0 * g_def(Fv, fv) - dS, x0 * g_def(Fv, fv)
                    elif kind == "first_price":
                        G = Fv ** (n_int - 1)
                        res, scale = (x0 - S(x0)) * g_def(Fv, fv) - dS * G, x0 * g_def(Fv, fv)
                    else:
                        res, scale = S(x0) - x0, x0
                    worst = max(worst, abs(res) / max(1, abs(scale)))
                errs.append(worst)
        items.append(_item("first-order condition", errs, dps))

    # payment implied by the rules of the game, given the (closed-form) strategy
    if strat is not None:
        S_fn = mp_callable(strat, var)
        if wa and strat.has(sp.Integral):
            # T is kept as its defining integral (1/c) integral tau: swap the order of integration
            # in integral_lo^v T h dy (Fubini) instead of nesting quadratures
            def ref_t(p):
                F, f = fns()
                tau = lambda s: s * h_def(F(s), f(s)) / (1 - H_def(F(s)))  # noqa: E731
                Hp = H_def(F(p))
                inner = mpmath.quad(lambda s: tau(s) * (Hp - H_def(F(s))), span(p))
                return inner + mpmath.quad(tau, span(p)) * (1 - Hp)
        elif wa:
            def ref_t(p):
                F, f = fns()
                T = S_fn
                cc = _mp(c)
                return cc * (mpmath.quad(lambda y: T(y) * h_def(F(y), f(y)), span(p)) + T(p) * (1 - H_def(F(p))))
        elif kind == "all_pay":
            def ref_t(p):
                return S_fn(p)
        elif kind == "first_price":
            def ref_t(p):
                F, _ = fns()
                return F(p) ** (n_int - 1) * S_fn(p)
        else:
            def ref_t(p):
                F, f = fns()
                return mpmath.quad(lambda y: y * g_def(F(y), f(y)), span(p))
        ref_t = _memo(ref_t)
        items.append(_from_agreement("payment (rules of the game)", verify(sub(eq.payment), ref_t, var, pts, dps)))

        # U = v x - t with x and t from the definitions
        def ref_vxt(p):
            F, _ = fns()
            return p * x_def(F(p)) - ref_t(p)
        items.append(_from_agreement("payoff = v x - t", verify(sub(eq.payoff), ref_vxt, var, pts, dps)))
    else:
        notes.append("no strategy derived: payment checked only through U = v x - t with the envelope payoff")

        def ref_t2(p):
            F, _ = fns()
            return p * x_def(F(p)) - ref_U(p)
        items.append(_from_agreement("payment = v x - U", verify(sub(eq.payment), ref_t2, var, pts, dps)))

    # ex ante: with x = F**(n-1) the total payment is the expected second-highest value
    # (n (n-1) F^(n-2) (1-F) f is its density), a formula the derivation never uses; for the
    # generalized war of attrition the payment t(v) f(v) is integrated directly when closed,
    # and E[v x] - E[U] with E[U] = integral x (1 - F) (Fubini) otherwise
    Et = sub(eq.expected_payment)
    tt = sub(eq.payment)
    total = sub(eq.revenue)
    same = sp.simplify(total - n * Et) == 0 if not total.has(sp.Integral) else (total == n * Et)
    errs = []
    for prec in (dps, dps + 15):
        with mpmath.workdps(prec):
            F, f = fns()
            if kind != "generalized_war_of_attrition":
                ref = mpmath.quad(lambda s: s * n_int * (n_int - 1) * F(s) ** (n_int - 2) * (1 - F(s)) * f(s),
                                  _nodes(lo, hi, bps())) / n_int
            elif tt.has(sp.Integral):
                ref = mpmath.quad(lambda s: x_def(F(s)) * (s * f(s) - (1 - F(s))), _nodes(lo, hi, bps()))
            else:
                T = mp_callable(tt, var)
                ref = mpmath.quad(lambda s: T(s) * f(s), _nodes(lo, hi, bps()))
            val = mp_callable(Et, var)(mpmath.mpf(0))
            err = abs(val - ref) / max(1, abs(ref))
            if not same:
                tot = mp_callable(total, var)(mpmath.mpf(0))
                err = max(err, abs(tot - n_int * ref) / max(1, abs(n_int * ref)))
            errs.append(err)
    items.append(_item("expected payment and total", errs, dps))
    return CheckReport(tuple(items), dps, tuple(pts), vals, tuple(notes))


def _numeric_form(e: Any) -> Any:
    """An equal expression that mpmath evaluates fast: ``lerchphi(z, 1, a) = 2F1(1, a; a+1; z)/a``.

    (DLMF 25.14.3 with 15.2.1: ``sum z**m/(m + a) = (1/a) sum (a)_m (1)_m/((a+1)_m m!) z**m``;
    mpmath's ``lerchphi`` is two orders of magnitude slower than its ``hyp2f1``.)
    """
    if not isinstance(e, sp.Basic) or not e.has(sp.lerchphi):
        return e
    return e.replace(lambda a: isinstance(a, sp.lerchphi) and a.args[1] == 1,
                     lambda a: sp.hyper((1, a.args[2]), (a.args[2] + 1,), a.args[0]) / a.args[2])


def _freeze(e: Any, digits: int) -> Any:
    """Replace constant special-function values (``erf(sqrt(2)/2)``) by ``digits``-digit Floats.

    ``lambdify`` would recompute them at every quadrature node; ``digits`` exceeds every
    working precision the checks use, so the values are unchanged at those precisions.
    """
    if not isinstance(e, sp.Basic):
        return e
    reps = {}
    for a in e.atoms(sp.Function):
        if not a.free_symbols and not a.has(sp.Integral) and a.is_number:
            val = sp.N(a, digits)
            if val.is_Float:
                reps[a] = val
    return e.xreplace(reps) if reps else e


def _check_points(F: sp.Expr, var: sp.Symbol, lo: sp.Expr, hi: sp.Expr, qs=(0.25, 0.5, 0.75)) -> list:
    """Short rationals near the quartiles of ``F``: inside the support where ``1 - F`` is not tiny.

    Points spread evenly over a long or unbounded support can sit where ``1 - F`` underflows
    the working precision, so hazard-rate integrands cannot be evaluated there.
    """
    with mpmath.workdps(20):
        Fn = mp_callable(F, var)
        out = []
        for q in qs:
            a, b = _bracket_quantile(Fn, lo, hi, q)
            for _ in range(60):  # bisection: F is only assumed monotone and continuous
                m = (a + b) / 2
                if mpmath.re(Fn(m)) < q:
                    a = m
                else:
                    b = m
            r = sp.Rational(str(mpmath.nstr((a + b) / 2, 12))).limit_denominator(64)
            if not ((r > lo) is sp.true and (not hi.is_finite or (r < hi) is sp.true)):
                r = sp.Rational(str(mpmath.nstr((a + b) / 2, 12)))
            if r not in out:
                out.append(r)
    return out


def _bracket_quantile(Fn: Callable, lo: sp.Expr, hi: sp.Expr, q: float) -> Tuple[Any, Any]:
    """``(a, b)`` inside the support with ``F(a) < q <= F(b)``, growing steps on infinite ends."""
    a = _mp(lo) if lo.is_finite else None
    b = _mp(hi) if hi.is_finite else None
    if a is None or b is None:
        start = (a + 1) if a is not None else (b - 1) if b is not None else mpmath.mpf(0)
        step = mpmath.mpf(1)
        if b is None:
            b = start
            while mpmath.re(Fn(b)) < q:
                a, b = b, b + step
                step *= 2
        if a is None:
            a = min(start, b) - 1
            while mpmath.re(Fn(a)) >= q:
                a -= step
                step *= 2
    return a, b


def _memo(fn: Callable) -> Callable:
    """Cache ``fn(p)`` per point and working precision (references are reused across items)."""
    cache: dict = {}

    def g(p):
        key = (mpmath.mp.prec, p)
        if key not in cache:
            cache[key] = fn(p)
        return cache[key]

    return g


# ====================================================================== revenue equivalence
def _vanishes_identically(D: sp.Expr, V: sp.Symbol, lo: sp.Expr, budget: float) -> bool:
    """Prove ``D(v) = 0`` on the support: ``D' = 0`` after simplification and ``D(lo+) = 0``.

    Differentiation applies the Leibniz rule to integrals with upper limit ``v``, so no
    antiderivative is needed; at ``v = lo`` those integrals vanish.
    """
    deriv = sp.diff(D, V)
    zero = False
    for transform in (lambda e: e, sp.expand_func):
        r, ok = bounded(lambda: sp.simplify(transform(deriv)), seconds=budget)
        if ok and r == 0:
            zero = True
            break
    if not zero:
        return False
    at = D.replace(lambda e: isinstance(e, sp.Integral) and len(e.limits) == 1 and len(e.limits[0]) == 3
                   and e.limits[0][1] == lo and e.limits[0][2] == V, lambda e: sp.Integer(0))
    if at.has(sp.Integral):
        return False
    val = at.subs(V, lo) if lo.is_finite else sp.nan
    if val.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not val.is_finite:
        val, ok = bounded(sp.limit, at, V, lo, "+" if lo.is_finite else "+", seconds=budget)
        if not ok or val is None:
            return False
    z, ok = bounded(sp.simplify, val, seconds=budget)
    return bool(ok and z == 0)


def revenue_equivalence(d: Distribution, players: Any = 2, *, budget: float = DEFAULT_BUDGET,
                        dps: int = 30) -> Verdict:
    """Verdict on revenue equivalence of the first-price, second-price, all-pay auctions and the war of attrition.

    Each format's expected interim payment is computed from its own rules and strategy
    (second price: ``integral_lo^v y g``; first price: ``G b``; all-pay: ``b``; war of
    attrition: ``integral_lo^v T g + T (1 - G)``) and compared with ``v G - integral_lo^v G``.
    The proof is symbolic: each difference has derivative zero (simplified) and vanishes
    at ``lo``. Where SymPy cannot finish, the comparison is numeric at ``dps`` digits and
    the verdict is undecided (``holds=None``) with the evidence in ``notes``.

    Examples
    --------
    >>> import symmech as sm
    >>> sm.revenue_equivalence(sm.families.Uniform(0, 1), 3).holds
    True
    """
    d = _as_distribution(d)
    n = _as_int(players, "players", 2)
    calc = _Calculus(d, budget, extra=_extra_values(n, sp.Integer(1)))
    V, F, f, lo = calc.V, calc.F, calc.f, calc.lo
    kinds = ["first_price", "second_price", "all_pay", "war_of_attrition"]
    notes_pre = []
    if calc.lo.is_extended_negative is not False:  # exit times need values >= 0
        kinds.remove("war_of_attrition")
        notes_pre.append("war of attrition left out: it needs values >= 0")
    eqs = {k: _cached(k, d, n, sp.Integer(1), sp.Integer(1), float(budget), True) for k in kinds}
    G = F ** (n - 1)
    g = (n - 1) * F ** (n - 2) * f
    y = calc.int_symbol(G, g, *[e.strategy for e in eqs.values()])
    Gint = sp.Integral(G.xreplace({V: y}), (y, lo, V))
    reference = V * G - Gint
    rules = {}
    st = {k: sp.sympify(e.strategy).xreplace({d.var: V}) for k, e in eqs.items()}
    rules["second_price"] = sp.Integral((y * g).xreplace({V: y}), (y, lo, V))
    rules["first_price"] = G * st["first_price"]
    rules["all_pay"] = st["all_pay"]
    if "war_of_attrition" in st:
        T = st["war_of_attrition"]
        rules["war_of_attrition"] = sp.Integral((T * g).xreplace({V: y}), (y, lo, V)) + T * (1 - G)
    proved, notes = [], list(notes_pre)
    for k, t in rules.items():
        if _vanishes_identically(t - reference, V, lo, budget):
            proved.append(k)
        else:
            notes.append(f"{_TITLES[k]}: symbolic proof not completed within the budget")
    statement = (f"{', '.join(_TITLES[k] for k in rules)} give the same interim payment "
                 f"and payoff for {d.name or d.cdf} with {n} players")
    if len(proved) == len(rules):
        return Verdict(statement, True, sp.true, "symbolic",
                       Certificate(sp.Integer(0), "for every format d/dv [t_format(v) - (v G(v) - integral_lo^v G)] "
                                   "simplifies to 0 and the difference vanishes at v = lo"), None, tuple(notes))
    # numeric evidence at sample parameters (not a proof)
    vals = calc.sample_values([*rules.values(), reference])
    pts = _grid(sp.sympify(lo).xreplace(vals), sp.sympify(calc.hi).xreplace(vals), 3)
    worst = mpmath.mpf(0)
    with mpmath.workdps(dps):
        ref = mp_callable(reference.xreplace(vals), V)
        for k in rules:
            if k in proved:
                continue
            fn = mp_callable(rules[k].xreplace(vals), V)
            for p in pts:
                a, b = fn(_mp(p)), ref(_mp(p))
                err = abs(a - b) / max(1, abs(b))
                worst = max(worst, err)
                if err > mpmath.mpf(10) ** (-dps // 2):
                    return Verdict(statement, False, sp.false, "sampled", None,
                                   {str(d.var): p, **{str(s): val for s, val in vals.items()}, "format": k},
                                   tuple(notes) + (f"{_TITLES[k]} payment differs by {mpmath.nstr(err, 5)}",))
    notes.append(f"numeric agreement to {mpmath.nstr(worst, 3)} (relative) at {len(pts)} points, {dps} digits"
                 + (f", parameters {vals}" if vals else ""))
    return Verdict(statement, None, sp.true, "sampled",
                   Certificate(None, "symbolic proof incomplete; numeric agreement only"), None, tuple(notes))
