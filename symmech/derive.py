"""Builders of verified derivations from the results of the other symmech modules.

Each builder returns a :class:`~symmech.derivation.Derivation` whose content comes from a
result object (``sm.war_of_attrition``, ``sm.virtual_value``, ``sm.reserve_price``,
``sm.pareto_compare``, ``sm.shape``, ``sm.bulow_puzzle``, ``sm.check``) or is derived here
with SymPy (first-order conditions solved, envelope integrals formed), never typed in by
hand; the engine then checks every step. A distribution may be *generic*
(:func:`generic`: an undefined ``F`` with density ``f = F'``), so that general-``F``
derivations read as in a paper; the notation ``F``, ``f`` is also used for concrete
distributions, with a substitution step showing the concrete form.

References: Krishna, *Auction Theory*, 2nd ed. (ch. 2-3: envelope theorem, war of
attrition); Bulow & Klemperer (1999) (generalized war of attrition); Myerson (1981)
(virtual values, revenue equivalence); Kang & Skrzypacz (2025) (the Bulow puzzle).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, List, Optional, Sequence, Tuple

import sympy as sp

from .derivation import (Definition, Derivation, DerivationSetting, Statement, Step, _apply_map, _doit_derivatives,
                         equation)
from .errors import InvalidParameter

__all__ = ["generic", "war_of_attrition", "generalized_war_of_attrition", "virtual_values",
           "revenue_equivalence", "bulow_puzzle", "shape", "money_burning", "proposition"]

_F = sp.Function("F")
_f = sp.Function("f")
_x = sp.Symbol("x", real=True)
_s = sp.Symbol("s", real=True)
_u = sp.Symbol("u", real=True)
_w = sp.Symbol("w", real=True)


def generic(support: Tuple[Any, Any] = (0, 1), *, description: Sequence[str] = (),
            instances: Optional[Sequence] = None) -> DerivationSetting:
    """A generic value distribution: undefined ``F`` with density ``f = F'`` on ``support``.

    Numeric checks of general-``F`` steps run on concrete instances (uniform, ``v^2``,
    ``1-(1-v)^2`` and Beta(2,2) on [0, 1] by default).

    Examples
    --------
    >>> generic().cdf
    F(v)
    """
    return DerivationSetting.generic(support=support, description=description, instances=instances)


# ---------------------------------------------------------------------------- notation
class _Ctx:
    """The setting of a builder and its notation ``F``, ``f`` (concrete or generic)."""

    def __init__(self, d: Any, description: Sequence[str] = ()):
        if d is None:
            d = generic()
        if isinstance(d, DerivationSetting):
            if not d.is_generic:
                raise InvalidParameter("a builder needs a Distribution or sm.derive.generic(...)")
            self.setting = _replace_description(d, description)
            self.distribution = None
        else:
            base = DerivationSetting.of(d, description)
            V = base.var
            fns = ((_F, sp.Lambda(_x, sp.sympify(base.cdf).xreplace({V: _x}))),
                   (_f, sp.Lambda(_x, sp.sympify(base.pdf).xreplace({V: _x}))))
            self.setting = replace(base, functions=fns)
            self.distribution = d
        self.V = self.setting.var
        self.lo, self.hi = self.setting.support
        if self.setting.cdf is not None and self.distribution is None:
            self.Fn, self.fn = self.setting.cdf.func, self.setting.pdf.func
        else:
            self.Fn, self.fn = _F, _f

    @property
    def concrete(self) -> bool:
        return self.distribution is not None

    def inst(self, expr: Any) -> Any:
        """The concrete form of an expression written with ``F``, ``f`` (identity if generic)."""
        if not self.concrete:
            return expr
        return _doit_derivatives(_apply_map(expr, self.setting.functions))

    def F(self, x: Any) -> Any:
        return self.Fn(x)

    def f(self, x: Any) -> Any:
        return self.fn(x)


def _replace_description(s: DerivationSetting, description: Sequence[str]) -> DerivationSetting:
    return replace(s, description=tuple(description) + s.description) if description else s


def _with_f(ctx: _Ctx, expr: Any) -> Any:
    """Write ``F'(x)`` as ``f(x)``."""
    Fn, fn = ctx.Fn, ctx.fn
    return expr.replace(lambda a: isinstance(a, sp.Derivative) and a.expr.func == Fn and len(a.variable_count) == 1
                        and a.variable_count[0][1] == 1 and a.expr.args == (a.variable_count[0][0],),
                        lambda a: fn(*a.expr.args))


def _density_of(ctx: _Ctx, G: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``x -> d/dx G(x)`` written with ``f`` for ``F'``."""
    def g(x):
        return _with_f(ctx, sp.diff(G(x), x))
    return g


def _flip_pref(a: Any) -> bool:
    """``F - 1`` reads better as ``-(1 - F)``: a negative constant with positive other terms."""
    if not isinstance(a, sp.Add):
        return a.could_extract_minus_sign()
    nums = [t for t in a.args if t.is_Number]
    rest = [t for t in a.args if not t.is_Number]
    return (len(nums) == 1 and nums[0].is_negative and bool(rest)
            and not any(t.could_extract_minus_sign() for t in rest))


def _module_chain(ctx: "_Ctx", lhs: Any, generic_expr: Any, module_expr: Any, source: str,
                  rule: str = "simplification") -> List[Step]:
    """``lhs = generic form with F substituted = result of another module`` (the substitution
    step is dropped when it already is the module's expression)."""
    sub = _sub_step(ctx, lhs, generic_expr, "the formula")
    if sub and sub[0].claim.rhs == module_expr:
        return [Step(equation(lhs, module_expr), f"substitute the distribution (agrees with {source})",
                     "substitution")]
    return sub + [Step(equation(lhs, module_expr), f"as computed by {source}", rule)]


def _paper_ratio(expr: Any) -> Any:
    """``-a/(F - 1)`` -> ``a/(1 - F)``: denominators without a leading minus sign."""
    n, d = sp.fraction(expr)
    if _flip_pref(d):
        n, d = -n, -d
    return n / d if d != 1 else n


def _paper_sum(expr: Any, term: Any) -> Any:
    """Collect ``expr`` in ``term`` and write its coefficient as ``-(1 - F)`` rather than ``(F - 1)``."""
    coeffs = sp.collect(sp.expand(expr), term, evaluate=False)
    out = []
    for key in sorted(coeffs, key=sp.default_sort_key):
        coef = sp.factor_terms(coeffs[key])
        if key == term and _flip_pref(coef):
            out.append(sp.Mul(-1, -coef, term))
        else:
            out.append(coef * key)
    return sp.Add(*out)


def _sub_step(ctx: _Ctx, lhs: Any, expr: Any, what: str) -> List[Step]:
    """``lhs = expr`` with the concrete F substituted, when the setting is concrete."""
    if not ctx.concrete:
        return []
    conc = ctx.inst(expr)
    if conc == expr:
        return []
    return [Step(equation(lhs, conc), f"substitute the distribution into {what}", "substitution")]


# ---------------------------------------------------------------------------- war of attrition
def war_of_attrition(d: Any = None, players: int = 2, cost: Any = 1) -> Derivation:
    """The symmetric equilibrium of the war of attrition, derived step by step.

    The exit time comes from the first-order condition of a type that mimics another, the
    payoff from the envelope theorem, the payment from ``t = v x - U`` and, as a cross-check,
    from the expected waiting cost. For a concrete distribution the closed forms are those
    of :func:`symmech.war_of_attrition`; ``d=None`` (or :func:`generic`) gives the
    general-``F`` derivation.

    Examples
    --------
    >>> import symmech as sm
    >>> der = war_of_attrition(sm.families.Uniform(0, 1))
    >>> der.counts()["failed"], der.counts()["unchecked"]
    (0, 0)
    """
    n = sp.sympify(players)
    if not (n.is_Integer and n >= 2):
        raise InvalidParameter(f"players must be an integer >= 2, got {players!r}")
    n = int(n)
    c = sp.sympify(cost)
    if c.is_positive is False:
        raise InvalidParameter(f"cost must be positive, got cost = {cost!r}")
    ctx = _Ctx(d, [f"{n} players with values drawn independently from $F$; waiting costs "
                   f"${sp.latex(c)}$ per unit of time; the last to quit wins (war of attrition)"])
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    eq = None
    if ctx.concrete:
        from .equilibria import war_of_attrition as _woa
        eq = _woa(ctx.distribution, players=n, cost=c)
    T, Pi, x, U, t = (sp.Function(name) for name in ("T", "Pi", "x", "U", "t"))
    H = lambda z: ctx.F(z) ** (n - 1)  # noqa: E731 - the CDF of the highest other value
    h = _density_of(ctx, H)
    others = "the highest of the other values" if n > 2 else "the other value"
    steps: List[Step] = []
    # (1) the payoff of type v mimicking w against opponents who use T
    pi = sp.Integral((V - c * T(_s)) * h(_s), (_s, lo, _w)) - c * T(_w) * (1 - H(_w))
    pay = "" if c == 1 else f"${sp.latex(c)}$ times "
    steps.append(Step(Definition(Pi(_w), pi),
                      f"A type $v$ who quits at $T(w)$ while the others use an increasing $T$ wins when "
                      f"{others} is below $w$, paying {pay}that rival's exit time, and otherwise pays "
                      f"{pay}her own exit time $T(w)$.", "definition"))
    # (2) its derivative at w = v
    dpi = sp.expand(_with_f(ctx, _doit_derivatives(sp.diff(pi, _w)).subs(_w, V)))
    foc = _paper_sum(dpi, sp.Derivative(T(V), V))
    steps.append(Step(equation(sp.Subs(sp.Derivative(Pi(_w), _w), _w, V), foc),
                      "Differentiate under the integral sign (Leibniz rule) and set $w = v$.", "differentiation"))
    # (3) the first-order condition solved, with T(lo) = 0
    sol = sp.solve(sp.Eq(foc, 0), sp.Derivative(T(V), V))
    if len(sol) != 1:
        raise InvalidParameter(f"the first-order condition {foc} = 0 has no unique solution for T'")
    tprime = _paper_ratio(sp.factor_terms(sol[0]))
    Tdef = sp.Integral(tprime.xreplace({V: _u}), (_u, lo, V))
    steps.append(Step(Definition(T(V), Tdef),
                      "Truth-telling must be optimal, so the derivative vanishes at $w = v$; solve for "
                      "$T'(v)$ and integrate from the lowest type, who quits at once ($T(" + sp.latex(lo)
                      + ") = 0$).", "first-order condition"))
    steps += _sub_step(ctx, T(V), Tdef, "the exit time")
    if eq is not None and eq.strategy is not None:
        steps.append(Step(equation(T(V), eq.strategy), "closed form of the integral (sm.war_of_attrition)",
                          "integration"))
    steps.append(Step(equation(foc, 0), "The exit time satisfies the first-order condition.",
                      "first-order condition"))
    steps.append(Step(sp.Gt(sp.Derivative(T(V), V), 0),
                      "The exit time is increasing, as the construction assumed.", "sign analysis"))
    # (4) allocation, payoff through the envelope theorem, payment
    steps.append(Step(Definition(x(V), H(V)),
                      f"Type $v$ wins exactly when {others} is lower.", "definition"))
    if eq is not None:
        steps += [st for st in _sub_step(ctx, x(V), H(V), "the allocation")]
        steps.append(Step(equation(x(V), eq.allocation), "allocation of sm.war_of_attrition", "simplification"))
    steps.append(Step(Definition(U(V), Pi(V)), "The equilibrium payoff is the payoff of mimicking $w = v$.",
                      "definition"))
    steps.append(Step(equation(sp.Derivative(U(V), V), x(V)),
                      "Envelope theorem: the first-order condition removes the effect of $v$ through $w$, "
                      "leaving $\\partial \\Pi/\\partial v$, the probability of winning.", "envelope theorem"))
    Uint = sp.Integral(x(_s), (_s, lo, V))
    steps.append(Step(equation(U(V), Uint),
                      f"Integrate from the lowest type, whose payoff is $U({sp.latex(lo)}) = 0$.",
                      "fundamental theorem of calculus"))
    if eq is not None:
        steps += _sub_step(ctx, U(V), sp.Integral(H(_s), (_s, lo, V)), "the payoff")
        steps.append(Step(equation(U(V), eq.payoff), "closed form of the payoff (sm.war_of_attrition)",
                          "integration"))
    steps.append(Step(Definition(t(V), V * x(V) - U(V)),
                      "The expected cost of waiting is what the type's value of winning exceeds its payoff by.",
                      "definition"))
    cost_rule = c * (sp.Integral(T(_s) * h(_s), (_s, lo, V)) + T(V) * (1 - H(V)))
    steps.append(Step(equation(t(V), cost_rule),
                      f"Cross-check from the rules of the game: the winner waits until {others} quits, "
                      "a loser waits until her own exit time.", "algebra"))
    if eq is not None:
        steps.append(Step(equation(t(V), eq.payment), "payment of sm.war_of_attrition", "simplification"))
    title = f"War of attrition with {n} players: " + (ctx.setting.name or "general F")
    return Derivation(title, ctx.setting, steps)


# ---------------------------------------------------------------------------- helpers for verdicts
def _relational(expr: Any, relation: str) -> Any:
    return sp.Rel(expr, 0, relation, evaluate=False)


_NEGATE = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


def _cx_value(cx: Any, name: str) -> Any:
    if not isinstance(cx, dict):
        return None
    for k, val in cx.items():
        if str(k) == name:
            try:
                return sp.nsimplify(sp.sympify(val), rational=True) if not isinstance(val, sp.Basic) else val
            except (sp.SympifyError, TypeError, ValueError):
                return None
    return None


def _sign_steps(expr: Any, relation: str, verdict: Any, V: sp.Symbol, what: str, rule_text: str,
                params: Sequence[sp.Symbol] = (), interval: Any = None, concrete: Any = None) -> List[Step]:
    """Steps stating ``expr <relation> 0`` on the support as a verdict decided it.

    Holds: the claim itself. Parametric: the claim under the verdict's condition, and a
    refutation at one parameter value outside it. Fails: the opposite strict sign at the
    counterexample point (found again here if the verdict carries none)."""
    steps: List[Step] = []
    concrete = expr if concrete is None else concrete
    reason = verdict.certificate.reason if getattr(verdict, "certificate", None) is not None else ""
    why = f" ({reason})" if reason else ""
    if verdict.holds is True:
        steps.append(Step(_relational(expr, relation), f"{what} holds on the support{why}. {rule_text}",
                          "sign analysis", interval=interval))
        return steps
    cond = verdict.condition
    if verdict.holds is None and cond not in (None, sp.true, sp.false):
        steps.append(Step(_relational(expr, relation), f"{what} holds exactly when ${sp.latex(cond)}${why}. "
                          f"{rule_text}", "sign analysis", where=cond, interval=interval))
        point = _violation(concrete, relation, V, sp.Not(cond), params, interval)
        if point is not None:
            at = expr.subs(V, point[V])
            fix = sp.And(*[sp.Eq(p, val) for p, val in point.items() if p != V])
            steps.append(Step(_relational(at, _NEGATE[relation]),
                              f"Outside that condition it fails, e.g. at "
                              + ", ".join(f"${sp.latex(k)} = {sp.latex(val)}$" for k, val in point.items()) + ".",
                              "substitution", where=fix))
        return steps
    if verdict.holds is False:
        point = None
        vx = _cx_value(verdict.counterexample, V.name)
        if vx is not None and vx.is_Rational:
            point = {V: vx}
        else:
            point = _violation(concrete, relation, V, sp.true, params, interval)
        if point is not None:
            fix = sp.And(*[sp.Eq(p, val) for p, val in point.items() if p != V])
            steps.append(Step(_relational(expr.subs(V, point[V]), _NEGATE[relation]), where=fix,
                              justification=
                              f"{what} fails: at " + ", ".join(f"${sp.latex(k)} = {sp.latex(val)}$"
                                                               for k, val in point.items())
                              + f" the sign is wrong{why}.", rule="substitution"))
    return steps


def _violation(expr: Any, relation: str, V: sp.Symbol, cond: Any, params: Sequence[sp.Symbol],
               interval: Any) -> Optional[dict]:
    """A rational point (parameters satisfying ``cond``, and V) where ``expr <relation> 0`` is
    strictly violated, found on a grid with exact evaluation."""
    from .derivation import _param_points
    lo, hi = interval if interval is not None else (sp.Integer(0), sp.Integer(1))
    pts = _param_points(list(params), cond, 6) if params else [{}]
    for pv in pts:
        a, b = sp.sympify(lo).xreplace(pv), sp.sympify(hi).xreplace(pv)
        if not (a.is_finite and b.is_finite):
            b = a + 8 if a.is_finite else b
        for i in (1, 2, 3, 5, 7, 9, 10, 11, 13, 15, 17, 19, 20, 21, 23, 25, 27, 29, 30, 31, 33, 35, 37, 39):
            x = sp.nsimplify(a + (b - a) * sp.Rational(i, 40))
            pt = dict(pv)
            pt[V] = x
            val = sp.N(expr.xreplace(pt), 30)
            if not val.is_real:
                continue
            if (relation in (">=", ">") and val < -1e-20) or (relation in ("<=", "<") and val > 1e-20):
                return pt
    return None


# ---------------------------------------------------------------------------- generalized war of attrition
def generalized_war_of_attrition(d: Any, prizes: int = 1, players: int = 2, cost: Any = 1) -> Derivation:
    """The generalized war of attrition (``N`` prizes, ``N + K`` players) against the equal split.

    Allocation (probability of being among the top ``N``), payoff through the envelope
    theorem and the comparison with the equal split ``N/(N+K)`` come from
    :func:`symmech.generalized_war_of_attrition` and its ``split_comparison``
    (:func:`symmech.pareto_compare`); the exit time (``K = 1``) is checked against its
    first-order condition.

    Examples
    --------
    >>> import symmech as sm
    >>> der = generalized_war_of_attrition(sm.families.Uniform(0, 1), prizes=2, players=3)
    >>> der.verified
    True
    """
    from .equilibria import generalized_war_of_attrition as _gwoa
    ctx = _Ctx(d)
    if not ctx.concrete:
        raise InvalidParameter("generalized_war_of_attrition needs a concrete Distribution")
    N, n = int(prizes), int(players)
    eq = _gwoa(ctx.distribution, prizes=N, players=n, cost=cost)
    K = n - N
    c = sp.sympify(cost)
    ctx.setting = _replace_description(ctx.setting, [
        f"{n} players with values drawn independently from $F$ compete for {N} identical prizes; waiting "
        f"costs ${sp.latex(c)}$ per unit of time; the game ends when {K} player(s) have quit "
        "(Bulow and Klemperer 1999)"])
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    x, U, T, Us, Dn = (sp.Function(name) for name in ("x", "U", "T", "U_s", "D"))
    M = n - 1
    j = sp.Symbol("j", integer=True, nonnegative=True)
    win = sp.Sum(sp.binomial(M, j) * (1 - ctx.F(V)) ** j * ctx.F(V) ** (M - j), (j, 0, N - 1))
    steps: List[Step] = [
        Step(Definition(x(V), win), f"A type wins a prize exactly when at most {N - 1} of the other {M} "
                                    "values are above hers (binomial count).", "definition"),
    ]
    steps += _sub_step(ctx, x(V), win.doit(), "the allocation")
    steps.append(Step(equation(x(V), eq.allocation), "allocation of sm.generalized_war_of_attrition",
                      "simplification"))
    steps.append(Step(Definition(U(V), sp.Integral(x(_s), (_s, lo, V))),
                      f"Envelope theorem with $U({sp.latex(lo)}) = 0$: the lowest type quits at once.",
                      "envelope theorem"))
    steps += _sub_step(ctx, U(V), sp.Integral(eq.allocation.xreplace({V: _s}), (_s, lo, V)), "the payoff")
    steps.append(Step(equation(U(V), eq.payoff), "closed form of the payoff", "integration"))
    if eq.strategy is not None:
        steps.append(Step(Definition(T(V), eq.strategy), "exit time of sm.generalized_war_of_attrition "
                          f"($K = 1$: the game ends at the first exit)", "definition"))
        H = 1 - (1 - ctx.F(V)) ** N
        h = _with_f(ctx, sp.diff(H, V))
        steps.append(Step(equation(V * h - c * sp.Derivative(T(V), V) * (1 - H), 0),
                          f"First-order condition against the lowest of the other {N} players, whose value has "
                          f"CDF $1 - (1 - F)^{{{N}}}$.", "first-order condition"))
    comp = eq.split_comparison
    share = sp.Rational(N, n)
    steps.append(Step(Definition(Us(V), share * V), f"The equal split gives every type the share "
                                                     f"${sp.latex(share)}$ of a prize at once.", "definition"))
    steps.append(Step(Definition(Dn(V), Us(V) - U(V)), "payoff gain from the split", "definition"))
    steps.append(Step(equation(Dn(V), comp.difference), "difference of sm.pareto_compare", "simplification"))
    steps += _comparison_steps(comp, Dn(V), V, lo, hi, "the equal split", "the war of attrition")
    title = f"Generalized war of attrition, {N} prizes and {n} players, against the equal split: " \
            f"{ctx.setting.name or 'F'}"
    return Derivation(title, ctx.setting, steps)


def _comparison_steps(comp: Any, Dv: Any, V: sp.Symbol, lo: Any, hi: Any, a: str, b: str) -> List[Step]:
    """Crossing points and sign of a PayoffComparison's difference, cell by cell."""
    steps: List[Step] = []
    cps = tuple(comp.crossing_points or ())
    exact = getattr(comp, "exact_crossings", True)
    for r in cps:
        if exact:
            steps.append(Step(equation(Dv.subs(V, r), 0), f"The payoffs cross at $v = {sp.latex(r)}$ "
                              "(sm.pareto_compare).", "root"))
    cuts = [lo] + [r for r in cps] + [hi] if exact else [lo, hi]
    if comp.pareto_improves.holds is True:
        steps.append(Step(sp.Ge(Dv, 0), f"{a.capitalize()} Pareto-improves on {b}: every type weakly prefers it "
                          "(sign ladder).", "sign analysis"))
        if comp.strict.holds is True:
            steps.append(Step(sp.Gt(Dv, 0), "and strictly on the interior.", "sign analysis"))
        return steps
    if exact and cps:
        for left, right in zip(cuts[:-1], cuts[1:]):
            mid = (left + right) / 2 if (left.is_finite and right.is_finite) else (left + 1)
            val = sp.N(Dv.subs(V, sp.nsimplify(mid)), 30) if mid.is_finite else None
            if val is None or val == 0:
                continue
            rel = ">" if val > 0 else "<"
            who = a if val > 0 else b
            steps.append(Step(sp.Rel(Dv, 0, rel), f"On this interval the types prefer {who}.", "sign analysis",
                              interval=(left, right)))
    return steps


# ---------------------------------------------------------------------------- virtual values
def virtual_values(d: Any, alphas: Sequence[Any] = (0, sp.Rational(1, 2))) -> Derivation:
    """Myerson's virtual value, its monotonicity, the reserve price, and ``J_alpha`` variants.

    ``J(v) = v - (1 - F)/f`` and the reserve ``J(r) = 0`` come from
    :func:`symmech.virtual_value` and :func:`symmech.reserve_price`; the sign of ``J`` on each
    side of the reserve is checked with the sign ladder. ``alphas`` adds the weighted
    ``J_alpha = alpha v + (1 - 2 alpha)(1 - F)/f`` (Kang & Skrzypacz 2025; ``alpha = 0``:
    money burning, Hartline & Roughgarden 2008).

    Examples
    --------
    >>> import symmech as sm
    >>> der = virtual_values(sm.families.Uniform(0, 1), alphas=())
    >>> der.verified
    True
    """
    from .virtual import reserve_price, virtual_value
    ctx = _Ctx(d)
    if not ctx.concrete:
        raise InvalidParameter("virtual_values needs a concrete Distribution")
    dist = ctx.distribution
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    params = tuple(dist.params)
    vv = virtual_value(dist, alpha=1)
    J, Ja = sp.Function("J"), sp.Function("J_alpha")
    a = sp.Symbol("alpha", real=True)
    generic_J = V - (1 - ctx.F(V)) / ctx.f(V)
    steps: List[Step] = [Step(Definition(J(V), generic_J),
                              "Myerson's virtual value: the marginal revenue of selling to type $v$.",
                              "cited result", citation="Myerson (1981)")]
    steps += _module_chain(ctx, J(V), generic_J, vv.expr, "sm.virtual_value")
    mono = vv.monotone
    steps += _sign_steps(sp.Derivative(J(V), V), ">=", mono, V, "Regularity ($J$ nondecreasing)",
                         "Then the optimal auction needs no ironing.", params, concrete=sp.diff(vv.expr, V))
    r = reserve_price(dist)
    where = mono.condition if (mono.holds is None and mono.condition not in (None, sp.true, sp.false)) else sp.true
    if r.case == "root" and r.value is not None and r.exact:
        rv = r.value
        steps.append(Step(equation(J(rv), 0), f"The reserve price $r = {sp.latex(rv)}$ solves $J(r) = 0$ "
                          "(sm.reserve_price).", "root"))
        if mono.holds is True or where is not sp.true:
            steps.append(Step(sp.Lt(J(V), 0), "Below the reserve the virtual value is negative: those types are "
                              "excluded.", "sign analysis", interval=(lo, rv), where=where))
            steps.append(Step(sp.Gt(J(V), 0), "Above it, positive: they are served.", "sign analysis",
                              interval=(rv, hi), where=where))
    elif r.case == "root" and r.bracket is not None:
        a_, b_ = (sp.nsimplify(x, rational=True) for x in r.bracket)
        steps.append(Step(sp.Lt(J(a_), 0, evaluate=False), f"$J$ is negative at ${sp.latex(a_)}$", "substitution"))
        steps.append(Step(sp.Gt(J(b_), 0, evaluate=False), f"and positive at ${sp.latex(b_)}$: the reserve price "
                          f"$r \\approx {sp.N(r.value, 20)}$ (sm.reserve_price, {r.method}) lies between.",
                          "substitution"))
    elif r.case == "lower end":
        steps.append(Step(sp.Gt(J(V), 0), "The virtual value is positive on the whole support: every type is "
                          "served, no reserve binds.", "sign analysis"))
    elif r.case == "no sale":
        steps.append(Step(sp.Lt(J(V), 0), "The virtual value is negative on the whole support: no sale.",
                          "sign analysis"))
    if alphas:
        steps.append(Step(Definition(Ja(V), a * V + (1 - 2 * a) * (1 - ctx.F(V)) / ctx.f(V)),
                          "Weighted virtual value: revenue weight $\\alpha$, consumer surplus weight $1 - \\alpha$.",
                          "cited result", citation="Kang and Skrzypacz (2025)"))
        for al in alphas:
            al = sp.nsimplify(al)
            vva = virtual_value(dist, alpha=al)
            Jal = sp.Function(f"J_{{{sp.latex(al)}}}")
            gen = (a * V + (1 - 2 * a) * (1 - ctx.F(V)) / ctx.f(V)).xreplace({a: al})
            label = (" the inverse hazard rate (money burning)" if al == 0 else
                     " half the value (efficiency)" if al == sp.Rational(1, 2) else "")
            steps.append(Step(Definition(Jal(V), gen), f"$\\alpha = {sp.latex(al)}$:{label}", "substitution"))
            steps += _module_chain(ctx, Jal(V), gen, vva.expr, f"sm.virtual_value(d, alpha={al})")
    title = f"Virtual values and the Myerson reserve: {ctx.setting.name or 'F'}"
    return Derivation(title, ctx.setting, steps)


# ---------------------------------------------------------------------------- revenue equivalence
def revenue_equivalence(d: Any, players: int = 2) -> Derivation:
    """Revenue equivalence of four standard formats, each payment computed from its own rules.

    Strategies come from :func:`symmech.first_price_auction`, ``second_price_auction``,
    ``all_pay_auction`` and ``war_of_attrition``; each format's expected interim payment,
    computed from the rules of the format, is shown equal to the envelope payment
    ``v G(v) - integral G`` with ``G = F^(n-1)`` (Myerson 1981; Krishna 2nd ed. sec. 3.1),
    and the ex ante revenues agree.

    Examples
    --------
    >>> import symmech as sm
    >>> der = revenue_equivalence(sm.families.Uniform(0, 1), 2)
    >>> der.counts()["failed"]
    0
    """
    from .equilibria import all_pay_auction, first_price_auction, second_price_auction
    from .equilibria import war_of_attrition as _woa
    from .equilibria import revenue_equivalence as _re
    ctx = _Ctx(d)
    if not ctx.concrete:
        raise InvalidParameter("revenue_equivalence needs a concrete Distribution")
    n = int(players)
    dist = ctx.distribution
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    eqs = {"first-price": first_price_auction(dist, n), "second-price": second_price_auction(dist, n),
           "all-pay": all_pay_auction(dist, n), "war of attrition": _woa(dist, n)}
    G, m, b, T = sp.Function("G"), sp.Function("m"), sp.Function("b"), sp.Function("T")
    Gexpr = ctx.F(V) ** (n - 1)
    g = _density_of(ctx, lambda z: ctx.F(z) ** (n - 1))
    ctx.setting = _replace_description(ctx.setting, [
        f"{n} bidders with values drawn independently from $F$; symmetric increasing equilibria, so the "
        "highest value wins (except in the war of attrition's timing, where the last to quit wins)"])
    steps: List[Step] = [
        Step(Definition(G(V), Gexpr), f"probability that the other {n - 1} values are below $v$", "definition"),
        Step(Definition(m(V), V * G(V) - sp.Integral(G(_s), (_s, lo, V))),
             f"Envelope theorem with $U({sp.latex(lo)}) = 0$: in every format the expected payment of type $v$ "
             "is $v\\,G(v) - U(v)$ with $U' = G$.", "envelope theorem"),
    ]
    steps += _sub_step(ctx, m(V), V * Gexpr - sp.Integral(Gexpr.xreplace({V: _s}), (_s, lo, V)),
                       "the envelope payment")
    rules = {
        "second-price": (sp.Integral(_s * g(_s), (_s, lo, V)),
                         "the winner pays the highest other value, whose density is $g = G'$"),
        "first-price": (G(V) * b(V), "the winner pays her bid"),
        "all-pay": (b(V), "everyone pays her bid"),
        "war of attrition": (sp.Integral(T(_s) * g(_s), (_s, lo, V)) + T(V) * (1 - G(V)),
                             "the winner waits until the highest other quits, a loser until her own exit"),
    }
    for name, eq in eqs.items():
        fn = T if name == "war of attrition" else b
        pay, why = rules[name]
        body = [Step(Definition(fn(V), eq.strategy), f"{name} equilibrium strategy (sm.{eq.kind})", "definition")] \
            if name not in ("second-price",) else []
        body.append(Step(equation(pay, m(V)), f"{name.capitalize()}: {why}; this equals the envelope payment.",
                         "integration by parts"))
        # local definitions of b and T must not clash between formats: wrap each in its own names
        steps += [_rename_fn(st, fn, sp.Function(f"{fn.__name__}_{{\\mathrm{{{_short(name)}}}}}")) for st in body]
    EM = sp.Integral(m(_s) * ctx.f(_s), (_s, lo, hi))
    Em = sp.Symbol("R", real=True)
    revenue = {name: eq.revenue for name, eq in eqs.items()}
    first = next(iter(revenue.values()))
    steps.append(Step(equation(n * EM, first), "Expected revenue: each bidder pays $m(v)$ on average over $F$ "
                      "(sm.first_price_auction.revenue).", "integration"))
    for name, rev in list(revenue.items())[1:]:
        steps.append(Step(equation(rev, first), f"{name} revenue (sm.{eqs[name].kind}) is the same.",
                          "simplification"))
    verdict = _re(dist, n)
    steps.append(Step(equation(n * EM, revenue["war of attrition"]),
                      f"Revenue equivalence: sm.revenue_equivalence reports {_word(verdict)} "
                      f"[{verdict.method}]; the steps above check it independently.",
                      "cited result", citation="Myerson (1981); Krishna, Auction Theory, 2nd ed., sec. 3.1"))
    title = f"Revenue equivalence with {n} bidders: {ctx.setting.name or 'F'}"
    return Derivation(title, ctx.setting, steps)


def _short(name: str) -> str:
    return {"first-price": "FP", "second-price": "SP", "all-pay": "AP", "war of attrition": "WA"}[name]


def _word(vd: Any) -> str:
    return {True: "holds", False: "fails", None: "undecided"}[vd.holds]


def _rename_fn(step: Step, old: Any, new: Any) -> Step:
    c = step.claim
    if isinstance(c, Definition):
        claim = Definition(c.lhs.replace(old, new), c.rhs.replace(old, new))
    elif isinstance(c, sp.Equality):
        claim = equation(c.lhs.replace(old, new), c.rhs.replace(old, new))
    else:
        return step
    return replace(step, claim=claim)


# ---------------------------------------------------------------------------- Bulow puzzle
def bulow_puzzle(d: Any, lp: bool = False) -> Derivation:
    """The 50-50 split against the war of attrition (Kang & Skrzypacz 2025, the Bulow puzzle).

    The status-quo payoff, the comparison ``D(v) = v/2 - integral_lo^v F``, its concavity,
    its endpoint values, the crossing points and the verdict come from
    :func:`symmech.bulow_puzzle` (``lp`` is passed on: by default no LP is solved, so
    only symbolic arguments enter); each is restated as a checked step. The split payoff is
    :func:`symmech.equal_split`'s.

    Examples
    --------
    >>> import symmech as sm
    >>> der = bulow_puzzle(sm.families.Uniform(0, 1))
    >>> der.verified
    True
    """
    from .bulow import bulow_puzzle as _bulow
    from .mechanism import equal_split
    ctx = _Ctx(d)
    if not ctx.concrete:
        raise InvalidParameter("bulow_puzzle needs a concrete Distribution")
    dist = ctx.distribution
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    params = tuple(dist.params)
    b = _bulow(dist, lp=lp)
    split = equal_split(2, var=V)
    ctx.setting = _replace_description(ctx.setting, [
        "two players with values drawn independently from $F$ bargain over a pie; status quo: the war of "
        "attrition (the first to quit gets nothing); alternative: the immediate 50-50 split"])
    U0, Us, D = sp.Function("U_0"), sp.Function("U_s"), sp.Function("D")
    steps: List[Step] = [
        Step(Definition(U0(V), sp.Integral(ctx.F(_s), (_s, lo, V))),
             f"War of attrition: the higher type wins ($x_0 = F$) and the lowest type gets nothing, so by the "
             f"envelope theorem $U_0(v) = \\int_{{{sp.latex(lo)}}}^v F$ for any waiting cost.", "envelope theorem"),
    ]
    steps += _module_chain(ctx, U0(V), sp.Integral(ctx.F(_s), (_s, lo, V)), b.status_quo_payoff,
                           "sm.bulow_puzzle", "integration")
    steps.append(Step(Definition(Us(V), split.payoff), "The immediate 50-50 split (sm.equal_split(2)).",
                      "definition"))
    steps.append(Step(Definition(D(V), Us(V) - U0(V)), "gain of type $v$ from the split", "definition"))
    steps.append(Step(equation(D(V), b.difference), "difference of sm.bulow_puzzle", "simplification"))
    steps.append(Step(equation(sp.Derivative(D(V), (V, 2)), -ctx.f(V)), "differentiate twice", "differentiation"))
    steps.append(Step(sp.Le(sp.Derivative(D(V), (V, 2)), 0), "$D$ is concave: a concave function is above "
                      "its chord, so $D \\geq 0$ on the support iff it holds at both ends.", "sign analysis"))
    steps.append(Step(equation(D(lo), lo / 2), "at the lowest type", "substitution"))
    pi = b.split_pareto_improves
    gap = pi.certificate.expr if pi.certificate is not None else None
    if gap is not None:
        steps.append(Step(equation(D(hi), gap), "at the top: $D(\\bar v) = E[v] - \\bar v/2$ (sm.bulow_puzzle)",
                          "integration"))
    Dexpr = b.difference
    if pi.holds is True:
        steps.append(Step(sp.Ge(D(V), 0), "Both ends are nonnegative: the split Pareto-improves on the war of "
                          "attrition (checked directly by the sign ladder).", "sign analysis"))
    elif pi.holds is None and pi.condition not in (None, sp.true, sp.false):
        cond = pi.condition
        if gap is not None and len(params) == 1:
            steps.append(Step(Statement(sp.Equivalent(sp.Ge(gap, 0), cond), "the condition at the top"),
                              f"$D(\\bar v) \\geq 0$ exactly when ${sp.latex(cond)}$.", "algebra"))
        steps.append(Step(sp.Ge(D(V), 0), f"So the split Pareto-improves when ${sp.latex(cond)}$.",
                          "sign analysis", where=cond))
        if gap is not None and len(params) == 1:
            steps.append(Step(sp.Lt(D(hi), 0), "Otherwise the top types prefer the war of attrition.",
                              "sign analysis", where=sp.Not(cond), var=params[0]))
    elif pi.holds is False:
        steps += _sign_steps(D(V), ">=", pi, V, "The Pareto improvement", "", params, concrete=Dexpr)
        for r in b.crossing_points:
            if not r.free_symbols and not r.is_Float:
                steps.append(Step(equation(D(r), 0), f"$D$ vanishes at $v^* = {sp.latex(r)}$ (sm.bulow_puzzle)",
                                  "root"))
        cps = [r for r in b.crossing_points if not r.free_symbols and not r.is_Float]
        if cps:
            cuts = [lo] + cps + [hi]
            for left, right in zip(cuts[:-1], cuts[1:]):
                mid = sp.nsimplify((left + right) / 2)
                val = sp.N(Dexpr.subs(V, mid), 30)
                rel, who = (">", "the split") if val > 0 else ("<", "the war of attrition")
                steps.append(Step(sp.Rel(D(V), 0, rel), f"Types in this interval prefer {who}.", "sign analysis",
                                  interval=(left, right)))
    opt = b.split_optimal
    if opt.holds is True:
        E = b.split_value
        steps.append(Step(equation(sp.Integral(Us(_s) * ctx.f(_s), (_s, lo, hi)), E.value),
                          "ex ante payoff of the split, $E[v]/2$ (sm.bulow_puzzle)", "integration"))
        steps.append(Step(equation(b.optimal_value.value, E.value),
                          "The split attains the bound $E[v]/2$ on the ex ante payoff of any symmetric bargaining "
                          "mechanism with $t \\geq 0$ when $(1-F)/f$ is nonincreasing (Chebyshev's integral "
                          "inequality), and it is Pareto-improving: it is optimal. " + _reason(opt),
                          "cited result", citation="Kang and Skrzypacz (2025), Theorem (i)"))
    sq = b.status_quo_value
    if sq.is_exact if hasattr(sq, "is_exact") else False:
        steps.append(Step(equation(sp.Integral(U0(_s) * ctx.f(_s), (_s, lo, hi)), sq.value),
                          "ex ante payoff of the war of attrition, $\\int F(1-F)$ (sm.bulow_puzzle)",
                          "integration"))
    title = f"The Bulow puzzle: the 50-50 split against the war of attrition, {ctx.setting.name or 'F'}"
    return Derivation(title, ctx.setting, steps)


def _reason(vd: Any) -> str:
    if getattr(vd, "certificate", None) is not None and vd.certificate.reason:
        return f"(sm.bulow_puzzle: {vd.certificate.reason})"
    return ""


# ---------------------------------------------------------------------------- shape
_SHAPES = (
    # (attribute, label, relation, expression builder in terms of F, f)
    ("cdf_convex", "$F$ convex (demand concave)", ">=", lambda F, f, V: sp.Derivative(f, V)),
    ("cdf_concave", "$F$ concave (demand convex)", "<=", lambda F, f, V: sp.Derivative(f, V)),
    ("pdf_log_concave", "$f$ log-concave", "<=", lambda F, f, V: sp.Derivative(sp.log(f), (V, 2))),
    ("cdf_log_concave", "$F$ log-concave", "<=", lambda F, f, V: sp.Derivative(sp.log(F), (V, 2))),
    ("demand_log_concave", "$1 - F$ log-concave (monotone hazard rate)", "<=",
     lambda F, f, V: sp.Derivative(sp.log(1 - F), (V, 2))),
    ("regular", "regular (Myerson)", ">=", lambda F, f, V: sp.Derivative(V - (1 - F) / f, V)),
)


def shape(d: Any) -> Derivation:
    """The shape report of :func:`symmech.shape`, each verdict restated as a checked sign claim.

    For each property (THEORY section 1; Bagnoli & Bergstrom 2005) the defining expression
    (``f'``, ``(log f)''``, ...) is written with ``F``, ``f`` and its sign on the support is
    claimed as the verdict says: everywhere, under the verdict's parameter condition (with a
    refutation outside it), or refuted at a point. The certificate of each verdict is quoted
    in the justification; the engine re-checks every claim with the sign ladder and 50-digit
    sampling.

    Examples
    --------
    >>> import symmech as sm
    >>> der = shape(sm.families.Uniform(0, 1))
    >>> der.counts()["failed"]
    0
    """
    from .shape import shape as _shape
    ctx = _Ctx(d)
    if not ctx.concrete:
        raise InvalidParameter("shape needs a concrete Distribution")
    dist = ctx.distribution
    V = ctx.V
    params = tuple(dist.params)
    report = _shape(dist)
    steps: List[Step] = []
    for attr, label, rel, build in _SHAPES:
        vd = getattr(report, attr)
        expr = build(ctx.F(V), ctx.f(V), V)
        conc = sp.diff(ctx.inst(expr.expr if isinstance(expr, sp.Derivative) else expr),
                       *expr.variable_count) if isinstance(expr, sp.Derivative) else ctx.inst(expr)
        steps += _sign_steps(expr, rel, vd, V, label, f"[sm.shape: {vd.method}]", params, concrete=conc)
    title = f"Shape of the value distribution: {ctx.setting.name or 'F'}"
    return Derivation(title, ctx.setting, steps)


# ---------------------------------------------------------------------------- money burning, Proposition 1
def money_burning(d: Any = None) -> Derivation:
    """Consumer surplus with money burning (``alpha = 0``) through the envelope theorem.

    With ``U(v) = U(lo) + integral_lo^v x`` the consumer surplus is
    ``integral U dF = U(lo) + integral x (1 - F)``, so the weight of ``x(v)`` is the
    inverse hazard rate times the density, ``J_0 f = 1 - F`` (Hartline & Roughgarden 2008;
    Kang & Skrzypacz 2025). Written for a generic ``x``; numeric checks instantiate ``x``.

    Examples
    --------
    >>> der = money_burning()
    >>> der.counts()["failed"]
    0
    """
    ctx = _Ctx(d)
    S = ctx.setting
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    x, U, t = sp.Function("x"), sp.Function("U"), sp.Function("t")
    b = sp.Symbol("b", real=True)
    xs = (("x(v) = v", sp.Lambda(_x, _x)), ("x(v) = v^2", sp.Lambda(_x, _x**2)),
          ("x(v) = 1/(2 - v)", sp.Lambda(_x, 1 / (2 - _x))))
    if S.instances:
        inst = tuple((f"{lbl} with {xl}", subs + ((x, xl_fn),)) for (lbl, subs), (xl, xl_fn)
                     in zip(S.instances, xs * len(S.instances)))
    else:
        inst = tuple((xl, ((x, fn),)) for xl, fn in xs)
    ctx.setting = replace(_replace_description(S, [
        "a mechanism $(x, t)$ with nondecreasing allocation $x$; payments are burnt (alpha = 0: the designer "
        "maximises consumer surplus)"]), instances=inst)
    Ulo = sp.Symbol("U_lo", real=True)  # the payoff of the lowest type, U(lo)
    steps: List[Step] = [
        Step(Definition(U(V), Ulo + sp.Integral(x(_s), (_s, lo, V))),
             "Incentive compatibility: by the envelope theorem the payoff grows at the rate of the allocation.",
             "envelope theorem"),
        Step(equation(sp.Integral(U(_s) * ctx.f(_s), (_s, lo, V)),
                      Ulo * ctx.F(V) + sp.Integral(x(_s) * (ctx.F(V) - ctx.F(_s)), (_s, lo, V))),
             "Exchange the order of integration (Fubini) up to any type $v$.", "integration by parts"),
        Step(equation(sp.Integral(U(_s) * ctx.f(_s), (_s, lo, hi)),
                      Ulo + sp.Integral(x(_s) * (1 - ctx.F(_s)), (_s, lo, hi))),
             f"At the top $F({sp.latex(hi)}) = 1$: consumer surplus is $U_{{lo}} = U({sp.latex(lo)})$ plus the allocation "
             "weighted by the demand $1 - F$, i.e. by $J_0 f$ with the inverse hazard rate $J_0 = (1-F)/f$.",
             "substitution"),
    ]
    title = "Money burning: consumer surplus through the envelope theorem" + \
        (f", {ctx.setting.name}" if ctx.concrete and ctx.setting.name else "")
    return Derivation(title, ctx.setting, steps)


def proposition(check: Any) -> Derivation:
    """A derivation of a :class:`symmech.propositions.PropositionCheck`.

    Supported: Proposition 1 (demand concave: the lottery at price 0 is optimal) when the
    check proved it, with every step of the argument restated as a checkable claim — the
    hypothesis (``f' >= 0``), the Chebyshev bound verified on threshold allocations (the
    extreme points of nondecreasing allocations), the lottery's objective and its Pareto
    improvement over the status quo; and the Bulow theorem (through :func:`bulow_puzzle`).

    Examples
    --------
    >>> import symmech as sm
    >>> c = sm.check(sm.propositions.PROP1, sm.families.Uniform(0, 1), capacity="3/10", grids=None)
    >>> proposition(c).verified
    True
    """
    key = getattr(getattr(check, "proposition", None), "key", None)
    if key is None:
        raise InvalidParameter(f"proposition() needs a PropositionCheck from sm.check, got {type(check).__name__}")
    if key.upper() in ("BULOW_THEOREM", "BULOW"):
        return bulow_puzzle(check.distribution)
    if key.upper() not in ("PROP1", "1", "P1"):
        raise InvalidParameter(f"proposition() supports Proposition 1 and the Bulow theorem, got {key}")
    if check.status != "proved":
        raise InvalidParameter(f"proposition() renders a proved Proposition 1; this check is {check.status}")
    return _prop1(check)


def _prop1(check: Any) -> Derivation:
    from .shape import shape as _shape
    ctx = _Ctx(check.distribution)
    dist = ctx.distribution
    V, lo, hi = ctx.V, ctx.lo, ctx.hi
    st = check.setting
    Q = sp.nsimplify(st.capacity)
    sq = st.status_quo
    ctx.setting = _replace_description(ctx.setting, [
        f"consumer surplus with money burning ($\\alpha = 0$), capacity $Q = {sp.latex(Q)}$, no make-whole "
        "payments ($t \\geq 0$), Pareto improvement over the status quo "
        + (f"({_tex_safe(getattr(sq, 'name', 'given'))})" if sq is not None else "(none)")])
    U0f, Ul, E, m = sp.Function("U_0"), sp.Function("U_L"), sp.Symbol("E"), sp.Symbol("m")
    steps: List[Step] = []
    hyp = _shape(dist).cdf_convex
    steps += _sign_steps(sp.Derivative(ctx.f(V), V), ">=", hyp, V, "Demand $1 - F$ concave ($f' \\geq 0$)",
                         "Hypothesis of Proposition 1.", tuple(dist.params),
                         concrete=sp.diff(dist.pdf, V))
    mean = sp.Integral(_s * ctx.f(_s), (_s, lo, hi))
    tail = sp.Integral(1 - ctx.F(_s), (_s, V, hi))
    steps.append(Step(sp.Ge((1 - ctx.F(V)) * (mean - lo) - tail, 0),
                      "Chebyshev's bound on the threshold allocations $x = 1\\{v \\geq p\\}$ (here $p = v$): "
                      "$\\int_p x(1 - F) \\leq m\\,(E[v] - \\underline v)$ with $m = 1 - F(p)$. Every nondecreasing "
                      "allocation is a mixture of thresholds and both sides are linear in $x$, so the bound holds "
                      "for all of them.", "sign analysis"))
    low = sp.Symbol(r"\underline{v}", real=True)
    steps.append(Step(equation(m * (E - low) + low * m, m * E),
                      "With $U(\\underline v) \\leq \\underline v\\, x(\\underline v) \\leq \\underline v\\, m$ "
                      "(no make-whole payments, $x$ nondecreasing) the objective $U(\\underline v) + \\int x (1-F)$ "
                      "is at most $m E[v] \\leq Q E[v]$.", "algebra"))
    steps.append(Step(Definition(Ul(V), Q * V), "The lottery: $x = Q$ to everyone at price 0.", "definition"))
    steps.append(Step(equation(Ul(lo) + sp.Integral(Q * (1 - ctx.F(_s)), (_s, lo, hi)), Q * mean),
                      "The lottery's objective $U_L(\\underline v) + \\int Q (1 - F)$ equals $Q E[v]$: it attains "
                      "the bound.", "integration by parts"))
    if sq is not None:
        from .mechanism import _payoff_of
        U0, _name = _payoff_of(sq, dist)
        steps.append(Step(Definition(U0f(V), U0), "payoff in the status quo", "definition"))
        steps.append(Step(sp.Ge(Ul(V) - U0f(V), 0), "The lottery is a Pareto improvement over the status quo.",
                          "sign analysis"))
    steps.append(Step(equation(Q * mean, Q * _dist_mean(dist)),
                      "Hence the lottery at price 0 is optimal: " + _word(check.conclusion)
                      + f" [{check.conclusion.method}] in sm.check.", "cited result",
                      citation="Kang and Skrzypacz (2025), Proposition 1"))
    title = f"Proposition 1 (demand concave: free lottery): {ctx.setting.name or 'F'}"
    return Derivation(title, ctx.setting, steps)


def _dist_mean(dist: Any) -> Any:
    from .budget import bounded
    lo, hi = dist.support
    val, ok = bounded(sp.integrate, dist.var * dist.pdf, (dist.var, lo, hi), seconds=5)
    return sp.simplify(val) if ok and not val.has(sp.Integral) else sp.Integral(dist.var * dist.pdf, (dist.var, lo, hi))


def _tex_safe(s: str) -> str:
    return "".join(c for c in str(s) if c not in "$\\{}_^&%#")
