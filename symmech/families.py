"""Named families of value distributions with closed-form CDFs and densities.

Each family is a function returning a :class:`~symmech.distribution.Distribution` built
directly from its textbook closed forms (Johnson, Kotz & Balakrishnan, *Continuous
Univariate Distributions*, vols. 1-2), so construction is cheap and no antiderivative has
to be searched for. Parameters may be numbers, SymPy numbers, numeric strings (``"1/2"``),
symbol names (``"k"``) or SymPy expressions.

Parameters and their assumptions
--------------------------------
A family needs some parameters positive (shapes, rates, scales) and the rest real. A
symbol name passed as a string becomes a Symbol with the assumption its role needs. A
Symbol passed without that assumption (``Symbol("k")`` for a shape) is *replaced* by a
same-named Symbol that carries it, keeping the assumptions it already had (so
``Symbol("k", integer=True)`` becomes ``Symbol("k", integer=True, positive=True)``); the
distribution's ``notes`` record every replacement, and ``d.params`` holds the Symbols
actually used. A parameter that is provably outside its domain raises
:class:`~symmech.errors.InvalidParameter` with a one-line message naming the rule
(``Power needs k > 0, got k = -1``); a condition SymPy assumptions cannot carry
(``lo < hi``, ``lo < mode < hi``) is recorded in ``d.assumptions``.

Examples
--------
>>> from symmech import families
>>> families.Beta(2, 5).cdf
5*v**6 - 24*v**5 + 45*v**4 - 40*v**3 + 15*v**2
>>> d = families.Power("k")
>>> d.cdf, d.params[0].is_positive
(v**k, True)
>>> d.subs(k=3).pdf
3*v**2
"""

from __future__ import annotations

import ast
import keyword
import math
import numbers
from typing import Any, Callable, Dict, List, Sequence, Tuple

import sympy as sp

from .distribution import Distribution, v
from .errors import InvalidParameter, ParseError

__all__ = [
    "Uniform", "Power", "Beta", "Kumaraswamy", "Exponential", "TruncatedExponential",
    "Triangular", "TruncatedNormal", "TruncatedPareto", "Pareto", "Weibull",
    "LinearDensity", "Normal", "Logistic", "Gumbel", "FAMILIES", "from_spec",
]

# Roles a parameter can play: which SymPy assumption its symbols get, and which values
# it admits ("real": a finite real number; "lower"/"upper": also -oo/+oo; "positive": > 0).
_POSITIVE, _REAL, _LOWER, _UPPER = "positive", "real", "lower", "upper"

# Words the safe parser reads as constants rather than as parameter names.
_CONSTANT_WORDS = frozenset({"pi", "E", "oo", "inf", "infinity", "Infinity"})

# Numeric Beta CDFs are written as sums of powers only while the largest coefficient stays
# below this bound: the terms alternate in sign, so evaluating at d digits keeps about
# d - log10(bound) of them. Past it a positive-term form (Bernstein) or betainc is used.
_MAX_COEFFICIENT = 1000
_BETA_BERNSTEIN_MAX_DEGREE = 40
_BETA_SUM_MAX_TERMS = 8


# ---------------------------------------------------------------------- parameter handling
def _to_sympy(family: str, pname: str, raw: Any) -> sp.Expr:
    """One raw argument -> a SymPy expression (numbers exact, names as plain Symbols)."""
    if isinstance(raw, bool) or raw is None:
        raise InvalidParameter(f"{family} needs a number or a symbol for {pname}, got {raw!r}")
    if isinstance(raw, str):
        text = raw.strip()
        if text.isidentifier() and text not in _CONSTANT_WORDS and not text.startswith("_") \
                and not keyword.iskeyword(text):
            return sp.Symbol(text)
        from .parsing import parse, parse_number
        names = _names_in(text)
        try:
            return parse(text, {n: sp.Symbol(n) for n in names}) if names else parse_number(text)
        except ParseError as exc:
            raise ParseError(f"{family} parameter {pname}: {exc}") from None
    if isinstance(raw, sp.Basic):
        if not isinstance(raw, sp.Expr):
            raise InvalidParameter(f"{family} needs a number or a symbol for {pname}, got {raw}")
        floats = raw.atoms(sp.Float)
        if floats:  # exact parameters: Float(0.5) means 1/2, as the float 0.5 does
            raw = raw.xreplace({x: sp.nsimplify(x, rational=True) for x in floats if x.is_finite})
        return raw
    if isinstance(raw, numbers.Integral):
        return sp.Integer(int(raw))
    if isinstance(raw, numbers.Real):
        x = float(raw)
        if math.isnan(x):
            raise InvalidParameter(f"{family} needs a real {pname}, got {pname} = nan")
        if math.isinf(x):
            return sp.oo if x > 0 else -sp.oo
        # the shortest decimal reading: 0.1 means 1/10, not 3602879701896397/36028797018963968
        return sp.nsimplify(x, rational=True)
    if isinstance(raw, numbers.Complex):
        raise InvalidParameter(f"{family} needs a real {pname}, got {pname} = {raw}")
    raise InvalidParameter(f"{family} needs a number or a symbol for {pname}, got {type(raw).__name__}")


def _names_in(text: str) -> List[str]:
    """Parameter names in ``text`` (read with :mod:`ast`, never evaluated): the free names
    that are neither called as functions, constants, nor private; the parser checks the rest."""
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError):
        return []  # the parser reports the error
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called
                   and n.id not in _CONSTANT_WORDS and not n.id.startswith("_")})


def _canonical_symbol(family: str, name: str, found: Sequence[sp.Symbol], positive: bool,
                      roles: str, notes: List[str], from_text: bool) -> sp.Symbol:
    """The Symbol called ``name`` carrying the assumption its roles need."""
    key = "positive" if positive else "real"
    for s in sorted(set(found), key=sp.default_sort_key):
        if getattr(s, f"is_{key}") is True:
            return s
    for s in found:
        if getattr(s, f"is_{key}") is False:
            rule = f"{roles} > 0" if positive else f"real {roles}"
            raise InvalidParameter(f"{family} needs {rule}, got symbol {s} declared otherwise "
                                   f"({', '.join(k for k, val in s.assumptions0.items() if val)})")
    base = {}
    for s in found:
        base.update({k: val for k, val in s.assumptions0.items() if val is True})
    base[key] = True
    try:
        new = sp.Symbol(name, **base)
    except Exception as exc:  # sympy raises InconsistentAssumptions
        raise InvalidParameter(f"{family} needs {key} {roles}: symbol {name} cannot also be {key} ({exc})") from None
    if not from_text:
        notes.append(f"symbol {name} replaced by a {key} Symbol {name} (the family needs {roles} {key})")
    return new


class _Params:
    """Coerced parameter values of one family call, with recorded conditions and notes."""

    def __init__(self, family: str, spec: Sequence[Tuple[str, str, Any]]):
        self.family = family
        self.names = [name for name, _, _ in spec]
        self.notes: List[str] = []
        self.conditions: List[sp.Basic] = []
        values = [_to_sympy(family, name, raw) for name, _, raw in spec]
        # Symbols made here from names in strings: replacing them is not worth a note
        ours = {s for (_, _, raw), val in zip(spec, values) if isinstance(raw, str) for s in val.free_symbols}
        # one Symbol per name, with the strongest assumption any of its roles needs
        found: Dict[str, List[sp.Symbol]] = {}
        positive: Dict[str, bool] = {}
        roles: Dict[str, List[str]] = {}
        for (pname, role, _), val in zip(spec, values):
            for s in val.free_symbols:
                if s.name == v.name:
                    raise InvalidParameter(f"{family} parameter {pname} cannot use the name '{v.name}' "
                                           f"of the value symbol, got {pname} = {val}")
                found.setdefault(s.name, []).append(s)
                bare_positive = role == _POSITIVE and val == s
                positive[s.name] = positive.get(s.name, False) or bare_positive
                roles.setdefault(s.name, []).append(pname)
        canon = {name: _canonical_symbol(family, name, syms, positive[name],
                                         "/".join(dict.fromkeys(roles[name])), self.notes,
                                         from_text=all(s in ours for s in syms))
                 for name, syms in found.items()}
        rename = {s: canon[s.name] for syms in found.values() for s in syms if s is not canon[s.name]}
        values = [val.xreplace(rename) if rename else val for val in values]
        self.values = dict(zip(self.names, values))
        order = []
        for val in values:
            for s in sorted(val.free_symbols, key=lambda s: s.name):
                if s not in order:
                    order.append(s)
        self.params = tuple(order)
        for (pname, role, _), val in zip(spec, values):
            self._check_role(pname, role, val)

    def __getitem__(self, name: str) -> sp.Expr:
        return self.values[name]

    def shown(self, *names: str) -> str:
        return ", ".join(f"{n} = {self.values[n]}" for n in names)

    def _check_role(self, pname: str, role: str, val: sp.Expr) -> None:
        fam = self.family
        if val.has(sp.nan, sp.zoo) or val.is_extended_real is False:
            raise InvalidParameter(f"{fam} needs a real {pname}, got {pname} = {val}")
        if val.is_infinite:
            allowed = {_LOWER: -sp.oo, _UPPER: sp.oo}.get(role)
            if val != allowed:
                which = {_LOWER: "finite or -oo", _UPPER: "finite or oo"}.get(role, "finite")
                raise InvalidParameter(f"{fam} needs a {which} {pname}, got {pname} = {val}")
            return
        if role == _POSITIVE:
            self.require(sp.Gt(val, 0), f"{pname} > 0", pname)
        elif val.is_extended_real is None:
            self.notes.append(f"{pname} = {val} is not known to be real; the family assumes it is")

    def require(self, cond: Any, rule: str, *names: str) -> None:
        """Raise if ``cond`` is provably false, record it (readably) if undecided."""
        cond = sp.sympify(cond)
        if cond is sp.true:
            return
        if cond is sp.false:
            raise InvalidParameter(f"{self.family} needs {rule}, got {self.shown(*names)}")
        parts = cond.args if isinstance(cond, sp.And) else (cond,)
        self.conditions.extend(_solved(c) for c in parts)

    def assumptions(self) -> Any:
        return sp.And(*self.conditions) if self.conditions else sp.true


def _solved(cond: sp.Basic) -> sp.Basic:
    """``k - 1 > 0`` -> ``k > 1``: a relation linear in its one symbol, solved for it."""
    if not isinstance(cond, sp.core.relational.Relational) or len(cond.free_symbols) != 1:
        return cond
    (s,) = cond.free_symbols
    diff = cond.lhs - cond.rhs
    slope = sp.diff(diff, s)
    if slope.free_symbols or slope == 0 or sp.diff(slope, s) != 0 or slope.is_real is not True:
        return cond
    rhs = sp.simplify(-(diff - slope * s) / slope)
    flipped = {sp.Lt: sp.Gt, sp.Gt: sp.Lt, sp.Le: sp.Ge, sp.Ge: sp.Le}
    op = type(cond) if slope > 0 else flipped.get(type(cond), type(cond))
    return op(s, rhs)


def _build(family: str, p: _Params, cdf: sp.Expr, pdf: sp.Expr, lo: Any, hi: Any,
           shown: Sequence[str] = ()) -> Distribution:
    """The Distribution, named ``Family(args)`` after the parameters in ``shown`` (default all)."""
    name = f"{family}({', '.join(str(p[n]) for n in (shown or p.names))})"
    return Distribution(cdf, pdf, (sp.sympify(lo), sp.sympify(hi)), v, p.params, p.assumptions(),
                        name, tuple(p.notes))


def _is_int(x: sp.Expr) -> bool:
    return x.is_Integer and x > 0


# ---------------------------------------------------------------------- bounded support
def Uniform(lo: Any = 0, hi: Any = 1) -> Distribution:
    """Uniform distribution on ``[lo, hi]``: ``F = (v - lo)/(hi - lo)``.

    Parameters
    ----------
    lo, hi : number, str or Symbol
        Finite real bounds; ``lo < hi`` is checked or recorded.

    Examples
    --------
    >>> Uniform(0, 2).cdf
    v/2
    >>> Uniform("a", "b").assumptions
    a < b
    """
    p = _Params("Uniform", [("lo", _REAL, lo), ("hi", _REAL, hi)])
    lo, hi = p["lo"], p["hi"]
    p.require(sp.Lt(lo, hi), "lo < hi", "lo", "hi")
    return _build("Uniform", p, (v - lo) / (hi - lo), 1 / (hi - lo), lo, hi)


def Power(k: Any) -> Distribution:
    """Power distribution ``F = v**k`` on ``[0, 1]`` (Beta(k, 1)), ``k > 0``.

    Examples
    --------
    >>> Power(3).pdf
    3*v**2
    >>> Power("1/2").cdf
    sqrt(v)
    """
    p = _Params("Power", [("k", _POSITIVE, k)])
    k = p["k"]
    return _build("Power", p, v**k, k * v**(k - 1), 0, 1)


def LinearDensity(slope: Any) -> Distribution:
    """Linear density ``f = 1 + slope*(v - 1/2)`` on ``[0, 1]``, ``-2 <= slope <= 2``.

    Examples
    --------
    >>> LinearDensity(2).cdf
    v**2
    >>> LinearDensity(-1).pdf
    3/2 - v
    """
    p = _Params("LinearDensity", [("slope", _REAL, slope)])
    s = p["slope"]
    p.require(sp.And(sp.Le(-2, s), sp.Le(s, 2)), "-2 <= slope <= 2", "slope")
    pdf = sp.expand(1 + s * (v - sp.Rational(1, 2)))
    cdf = sp.expand(v + s * (v**2 - v) / 2)
    return _build("LinearDensity", p, cdf, pdf, 0, 1)


def Beta(a: Any, b: Any) -> Distribution:
    """Beta distribution on ``[0, 1]``: ``f = v**(a-1) (1-v)**(b-1) / B(a, b)``, ``a, b > 0``.

    The CDF is a polynomial when ``a`` and ``b`` are positive integers (expanded while its
    coefficients are small, else in the positive Bernstein form that evaluates without
    cancellation), a finite sum of powers when one of them is a small positive integer,
    and otherwise the incomplete beta function written ``betainc(a, b, 0, v)/beta(a, b)``
    (not ``betainc_regularized``, which SymPy's mpmath printer evaluates unnormalised).

    Examples
    --------
    >>> Beta(2, 2).cdf
    -2*v**3 + 3*v**2
    >>> Beta("a", 2).cdf
    -a*v**(a + 1) + v**a*(a + 1)
    >>> Beta("a", "b").cdf
    betainc(a, b, 0, v)/beta(a, b)
    """
    p = _Params("Beta", [("a", _POSITIVE, a), ("b", _POSITIVE, b)])
    a, b = p["a"], p["b"]
    # with an integer parameter, 1/B(a, b) is a polynomial in the other (a rising factorial)
    inv_beta = sp.gammasimp(sp.expand_func(1 / sp.beta(a, b))) if (_is_int(a) or _is_int(b)) else 1 / sp.beta(a, b)
    pdf = inv_beta * v**(a - 1) * (1 - v)**(b - 1)
    cdf, cancels = None, True
    if _is_int(a) and _is_int(b) and a + b - 1 <= _BETA_BERNSTEIN_MAX_DEGREE:
        # I_v(a, b) = sum_{j=a}^{n} C(n, j) v^j (1-v)^(n-j), n = a + b - 1: the binomial
        # tail identity (Abramowitz & Stegun 26.5.24)
        n = int(a + b - 1)
        bernstein = sp.Add(*(sp.binomial(n, j) * v**j * (1 - v)**(n - j) for j in range(int(a), n + 1)))
        expanded = sp.expand(bernstein)
        cdf, cancels = (expanded, True) if _modest(expanded) else (bernstein, False)
    elif _is_int(b) and b <= _BETA_SUM_MAX_TERMS:
        cdf = _beta_power_sum(a, b, v, inv_beta)
    elif _is_int(a) and a <= _BETA_SUM_MAX_TERMS:
        # I_v(a, b) = 1 - I_{1-v}(b, a)
        cdf = 1 - _beta_power_sum(b, a, 1 - v, inv_beta)
    if cdf is None or (cancels and not _modest(cdf)):
        cdf = sp.betainc(a, b, 0, v) / sp.beta(a, b)
    return _build("Beta", p, cdf, pdf, 0, 1)


def _modest(expr: sp.Expr) -> bool:
    """Symbolic, or a sum whose numeric coefficients stay below ``_MAX_COEFFICIENT``."""
    if expr.free_symbols - {v}:
        return True
    terms = sp.Add.make_args(sp.expand(expr))
    return all(abs(t.as_coeff_Mul()[0]) <= _MAX_COEFFICIENT for t in terms)


def _beta_power_sum(a: sp.Expr, b: sp.Expr, x: sp.Expr, inv_beta: sp.Expr) -> sp.Expr:
    """``I_x(a, b)`` for a positive integer ``b``: expand ``(1-t)**(b-1)`` and integrate."""
    m = int(b) - 1
    return sp.Add(*(sp.factor(sp.cancel(inv_beta * sp.binomial(m, j) * (-1)**j / (a + j))) * x**(a + j)
                    for j in range(m + 1)))


def Kumaraswamy(a: Any, b: Any) -> Distribution:
    """Kumaraswamy distribution on ``[0, 1]``: ``F = 1 - (1 - v**a)**b``, ``a, b > 0``.

    Examples
    --------
    >>> Kumaraswamy(2, 3).cdf
    1 - (1 - v**2)**3
    """
    p = _Params("Kumaraswamy", [("a", _POSITIVE, a), ("b", _POSITIVE, b)])
    a, b = p["a"], p["b"]
    return _build("Kumaraswamy", p, 1 - (1 - v**a)**b, a * b * v**(a - 1) * (1 - v**a)**(b - 1), 0, 1)


def TruncatedExponential(rate: Any, hi: Any, lo: Any = 0) -> Distribution:
    """Exponential(rate) conditioned on ``[lo, hi]``; ``rate > 0``, ``lo < hi`` finite.

    ``F = (exp(-rate lo) - exp(-rate v)) / (exp(-rate lo) - exp(-rate hi))``.

    Examples
    --------
    >>> TruncatedExponential(1, 1).cdf
    (1 - exp(-v))/(1 - exp(-1))
    """
    p = _Params("TruncatedExponential", [("rate", _POSITIVE, rate), ("hi", _REAL, hi), ("lo", _REAL, lo)])
    r, lo, hi = p["rate"], p["lo"], p["hi"]
    p.require(sp.Lt(lo, hi), "lo < hi", "lo", "hi")
    z = sp.exp(-r * lo) - sp.exp(-r * hi)
    cdf = (sp.exp(-r * lo) - sp.exp(-r * v)) / z
    pdf = r * sp.exp(-r * v) / z
    shown = ("rate", "hi") if lo == 0 else ()  # lo is named only when it is not the default
    return _build("TruncatedExponential", p, cdf, pdf, lo, hi, shown)


def Triangular(lo: Any, mode: Any, hi: Any) -> Distribution:
    """Triangular distribution on ``[lo, hi]`` with peak at ``mode`` (piecewise density).

    ``lo <= mode <= hi`` and ``lo < hi``; with symbolic parameters ``lo < mode < hi`` is
    recorded (the degenerate ends are the one-piece densities, built when they are numeric).

    Examples
    --------
    >>> Triangular(0, 1, 2).pdf
    Piecewise((v, v < 1), (2 - v, True))
    >>> Triangular(0, 0, 1).cdf
    1 - (1 - v)**2
    """
    p = _Params("Triangular", [("lo", _REAL, lo), ("mode", _REAL, mode), ("hi", _REAL, hi)])
    lo, c, hi = p["lo"], p["mode"], p["hi"]
    p.require(sp.Lt(lo, hi), "lo < hi", "lo", "hi")
    at_lo, at_hi = (c - lo).is_zero is True, (hi - c).is_zero is True
    for left, right in ((lo, c), (c, hi)):
        if (right - left).is_zero is not True:
            if sp.Le(left, right) is sp.false:
                raise InvalidParameter(f"Triangular needs lo <= mode <= hi, got {p.shown('lo', 'mode', 'hi')}")
            # strict when undecided: both pieces of the density must be well defined
            p.require(sp.Lt(left, right), "lo <= mode <= hi", "lo", "mode", "hi")
    w = hi - lo
    rising = (2 * (v - lo) / (w * (c - lo)), (v - lo)**2 / (w * (c - lo))) if not at_lo else None
    falling = (2 * (hi - v) / (w * (hi - c)), 1 - (hi - v)**2 / (w * (hi - c))) if not at_hi else None
    if rising is None or falling is None:
        pdf, cdf = rising or falling
    else:
        pdf = sp.Piecewise((rising[0], v < c), (falling[0], True))
        cdf = sp.Piecewise((rising[1], v < c), (falling[1], True))
    return _build("Triangular", p, cdf, pdf, lo, hi)


def TruncatedNormal(mu: Any, sigma: Any, lo: Any, hi: Any) -> Distribution:
    """Normal(mu, sigma**2) conditioned on ``[lo, hi]`` (either end may be infinite).

    ``F = (erf(z(v)) - erf(z(lo))) / (erf(z(hi)) - erf(z(lo)))`` with
    ``z(x) = (x - mu)/(sigma sqrt(2))``; when ``lo >= mu`` the same quantity is written
    with ``erfc`` when ``lo >= mu + sqrt(2) sigma``, which keeps full relative precision
    far in the upper tail.

    Examples
    --------
    >>> TruncatedNormal(0, 1, 0, 1).cdf
    erf(sqrt(2)*v/2)/erf(sqrt(2)/2)
    """
    p = _Params("TruncatedNormal", [("mu", _REAL, mu), ("sigma", _POSITIVE, sigma),
                                    ("lo", _LOWER, lo), ("hi", _UPPER, hi)])
    mu, s, lo, hi = p["mu"], p["sigma"], p["lo"], p["hi"]
    p.require(sp.Lt(lo, hi), "lo < hi", "lo", "hi")

    def z(x):
        return (x - mu) / (s * sp.sqrt(2))

    if sp.Ge(z(lo), 1) is sp.true:
        num, den = sp.erfc(z(lo)) - sp.erfc(z(v)), sp.erfc(z(lo)) - sp.erfc(z(hi))
    else:
        num, den = sp.erf(z(v)) - sp.erf(z(lo)), sp.erf(z(hi)) - sp.erf(z(lo))
    pdf = sp.sqrt(2) * sp.exp(-(v - mu)**2 / (2 * s**2)) / (sp.sqrt(sp.pi) * s * den)
    return _build("TruncatedNormal", p, num / den, pdf, lo, hi)


def TruncatedPareto(alpha: Any, lo: Any, hi: Any) -> Distribution:
    """Pareto(alpha) with scale ``lo`` conditioned on ``[lo, hi]``; ``alpha > 0``, ``0 < lo < hi``.

    ``F = (1 - (lo/v)**alpha) / (1 - (lo/hi)**alpha)``; ``hi = oo`` gives the Pareto law.

    Examples
    --------
    >>> TruncatedPareto(1, 1, 2).cdf
    2 - 2/v
    """
    p = _Params("TruncatedPareto", [("alpha", _POSITIVE, alpha), ("lo", _POSITIVE, lo), ("hi", _UPPER, hi)])
    al, lo, hi = p["alpha"], p["lo"], p["hi"]
    p.require(sp.Lt(lo, hi), "lo < hi", "lo", "hi")
    z = 1 - (lo / hi)**al
    cdf = (1 - (lo / v)**al) / z
    pdf = al * (lo / v)**al / (v * z)
    if not cdf.free_symbols - {v}:
        cdf, pdf = sp.expand(cdf), sp.powsimp(pdf)
    return _build("TruncatedPareto", p, cdf, pdf, lo, hi)


def Pareto(alpha: Any, lo: Any = 1) -> Distribution:
    """Pareto law on ``[lo, oo)``: ``F = 1 - (lo/v)**alpha``; ``alpha > 0``, ``lo > 0``.

    Examples
    --------
    >>> Pareto(2).cdf
    1 - 1/v**2
    """
    d = TruncatedPareto(alpha, lo, sp.oo)
    return Distribution(d.cdf, d.pdf, d.support, d.var, d.params, d.assumptions,
                        d.name.replace("TruncatedPareto", "Pareto").replace(", oo)", ")"), d.notes)


# ---------------------------------------------------------------------- unbounded support
def Exponential(rate: Any = 1) -> Distribution:
    """Exponential distribution on ``[0, oo)``: ``F = 1 - exp(-rate v)``, ``rate > 0``.

    Examples
    --------
    >>> Exponential(2).pdf
    2*exp(-2*v)
    """
    p = _Params("Exponential", [("rate", _POSITIVE, rate)])
    r = p["rate"]
    return _build("Exponential", p, 1 - sp.exp(-r * v), r * sp.exp(-r * v), 0, sp.oo)


def Weibull(k: Any, lam: Any = 1) -> Distribution:
    """Weibull distribution on ``[0, oo)``: ``F = 1 - exp(-(v/lam)**k)``, ``k, lam > 0``.

    Examples
    --------
    >>> Weibull(2, 1).cdf
    1 - exp(-v**2)
    """
    p = _Params("Weibull", [("k", _POSITIVE, k), ("lam", _POSITIVE, lam)])
    k, lam = p["k"], p["lam"]
    x = v / lam
    return _build("Weibull", p, 1 - sp.exp(-x**k), k / lam * x**(k - 1) * sp.exp(-x**k), 0, sp.oo)


def Normal(mu: Any = 0, sigma: Any = 1) -> Distribution:
    """Normal distribution on the real line: ``F = (1 + erf((v - mu)/(sigma sqrt 2)))/2``.

    Examples
    --------
    >>> Normal().cdf
    erf(sqrt(2)*v/2)/2 + 1/2
    """
    p = _Params("Normal", [("mu", _REAL, mu), ("sigma", _POSITIVE, sigma)])
    mu, s = p["mu"], p["sigma"]
    cdf = sp.erf((v - mu) / (s * sp.sqrt(2))) / 2 + sp.Rational(1, 2)
    pdf = sp.exp(-(v - mu)**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    return _build("Normal", p, cdf, pdf, -sp.oo, sp.oo)


def Logistic(mu: Any = 0, s: Any = 1) -> Distribution:
    """Logistic distribution on the real line: ``F = 1/(1 + exp(-(v - mu)/s))``, ``s > 0``.

    Examples
    --------
    >>> Logistic().cdf
    1/(1 + exp(-v))
    """
    p = _Params("Logistic", [("mu", _REAL, mu), ("s", _POSITIVE, s)])
    mu, s = p["mu"], p["s"]
    e = sp.exp(-(v - mu) / s)
    return _build("Logistic", p, 1 / (1 + e), e / (s * (1 + e)**2), -sp.oo, sp.oo)


def Gumbel(mu: Any = 0, beta: Any = 1) -> Distribution:
    """Gumbel (maximum) distribution on the real line: ``F = exp(-exp(-(v - mu)/beta))``.

    Examples
    --------
    >>> Gumbel().cdf
    exp(-exp(-v))
    """
    p = _Params("Gumbel", [("mu", _REAL, mu), ("beta", _POSITIVE, beta)])
    mu, b = p["mu"], p["beta"]
    x = (v - mu) / b
    return _build("Gumbel", p, sp.exp(-sp.exp(-x)), sp.exp(-x - sp.exp(-x)) / b, -sp.oo, sp.oo)


# ---------------------------------------------------------------------- lookup by name
FAMILIES: Dict[str, Callable[..., Distribution]] = {
    f.__name__: f for f in (Uniform, Power, Beta, Kumaraswamy, Exponential, TruncatedExponential,
                            Triangular, TruncatedNormal, TruncatedPareto, Pareto, Weibull,
                            LinearDensity, Normal, Logistic, Gumbel)
}


def from_spec(text: str) -> Distribution:
    """A family from text such as ``"Beta(2, 5)"`` or ``"Power(k)"``, without evaluating it.

    Arguments are read like string parameters: numbers, fractions (``1/2``), ``oo``,
    parameter names and expressions in them (``2*k``); the text is read with :mod:`ast`
    and :mod:`symmech.parsing`, and nothing in it is executed.

    Examples
    --------
    >>> from_spec("Kumaraswamy(2, 3)").name
    'Kumaraswamy(2, 3)'
    >>> from_spec("TruncatedNormal(0, 1, 0, oo)").support
    (0, oo)
    """
    if not isinstance(text, str) or len(text) > 500:
        raise ParseError(f"a family spec must be a short string like 'Beta(2, 5)', got {text!r:.60}")
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ParseError(f"cannot read family spec {text!r}: expected Name(arg, ...)") from None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)) or node.keywords:
        raise ParseError(f"family spec must be Name(arg, ...) with positional arguments, got {text!r}")
    fam = FAMILIES.get(node.func.id)
    if fam is None:
        raise ParseError(f"unknown family '{node.func.id}': known are {', '.join(FAMILIES)}")
    # each argument is handed over as text, read by the family like any string parameter
    return fam(*[ast.get_source_segment(text.strip(), arg) or "" for arg in node.args])
