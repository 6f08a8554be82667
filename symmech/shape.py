"""Shape reports: convexity and log-concavity facts about a value distribution, with certificates.

``shape(d)`` decides the six shape properties of THEORY.md section 1 on the interior of the
support, each as a sign condition handed to the decision ladder of :mod:`symmech.signs`:

=====================  ======================================  ===========================
property               monotone function                       sign condition used
=====================  ======================================  ===========================
``cdf_convex``         ``f`` nondecreasing                     ``f' >= 0``
``cdf_concave``        ``f`` nonincreasing                     ``f' <= 0``
``pdf_log_concave``    ``(log f)'`` nonincreasing              ``(log f)'' <= 0``
``cdf_log_concave``    ``f/F`` nonincreasing                   ``f' F - f^2 <= 0``
``demand_log_concave`` ``f/(1-F)`` nondecreasing (MHR)         ``f' (1-F) + f^2 >= 0``
``regular``            ``v - (1-F)/f`` nondecreasing (Myerson) ``2 f^2 + f' (1-F) >= 0``
=====================  ======================================  ===========================

Positive denominators (``f^2``, ``F^2``, ``(1-F)^2``) are dropped before the ladder sees the
expression. A piecewise density is split at its breakpoints; the monotone function must then
also jump the right way there. The implications of An (1998) and Bagnoli & Bergstrom (2005,
Theorems 1 and 3: ``f`` log-concave => ``F`` and ``1-F`` log-concave), ``F`` convex => MHR,
``F`` concave => ``F`` log-concave, and MHR => regular (Myerson 1981; Barlow & Proschan
1975) are used only to decide a property the ladder left open, and as consistency checks;
a verdict obtained that way says so in its certificate. With parameters, a property implied
under each of several exact premise conditions that together cover the parameter domain
holds outright (a case split, named in the certificate); a single premise condition is
reported as a sufficient condition in the verdict's notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sympy as sp

from .budget import DEFAULT_BUDGET
from .errors import InvalidParameter
from .signs import _monotone_pieces, _segments, condition_truth, log_derivative, sign_on
from .verdict import Certificate, Verdict

__all__ = ["ShapeReport", "shape", "SHAPE_PROPERTIES"]

#: the properties of a ShapeReport, in display order, with a short label
SHAPE_PROPERTIES: Tuple[Tuple[str, str, str], ...] = (
    ("cdf_convex", "F convex (f' >= 0)", r"F \text{ convex}"),
    ("cdf_concave", "F concave (f' <= 0)", r"F \text{ concave}"),
    ("pdf_log_concave", "f log-concave", r"f \text{ log-concave}"),
    ("cdf_log_concave", "F log-concave", r"F \text{ log-concave}"),
    ("demand_log_concave", "1-F log-concave (MHR)", r"1-F \text{ log-concave (MHR)}"),
    ("regular", "regular (Myerson)", r"\text{regular (Myerson)}"),
)

#: seconds per rung for a property that an already proved property implies
_LIGHT_BUDGET = 0.5

# (premise, conclusion, citation): premise holds => conclusion holds
_IMPLICATIONS = (
    ("pdf_log_concave", "cdf_log_concave", "f log-concave (Bagnoli & Bergstrom 2005, Thm 1; An 1998)"),
    ("pdf_log_concave", "demand_log_concave", "f log-concave (Bagnoli & Bergstrom 2005, Thm 3; An 1998)"),
    ("cdf_convex", "demand_log_concave", "F convex: f' >= 0 makes f'(1-F) + f^2 >= 0"),
    ("cdf_concave", "cdf_log_concave", "F concave: f' <= 0 makes f'F - f^2 <= 0"),
    ("demand_log_concave", "regular", "MHR (Myerson 1981; Barlow & Proschan 1975): v - 1/h(v) increases"),
    ("pdf_log_concave", "regular", "f log-concave => MHR => regular (Bagnoli & Bergstrom 2005)"),
    ("cdf_convex", "regular", "F convex => MHR => regular"),
)


@dataclass(frozen=True)
class ShapeReport:
    """The six shape verdicts of a distribution (see the module docstring).

    Examples
    --------
    >>> import symmech as sm
    >>> r = sm.shape(sm.families.Beta(2, 2))
    >>> r.cdf_convex.holds, r.cdf_convex.counterexample["v"]
    (False, 3/4)
    >>> r.pdf_log_concave.holds, r.pdf_log_concave.method
    (True, 'symbolic')
    """

    name: str
    support: Tuple[Any, Any]
    cdf_convex: Optional[Verdict]
    cdf_concave: Optional[Verdict]
    pdf_log_concave: Optional[Verdict]
    cdf_log_concave: Optional[Verdict]
    demand_log_concave: Optional[Verdict]
    regular: Optional[Verdict]
    params: Tuple[sp.Symbol, ...] = ()
    notes: Tuple[str, ...] = field(default_factory=tuple)

    def verdicts(self) -> Dict[str, Verdict]:
        """The decided verdicts by property name, in display order (skipping ones not requested)."""
        return {key: getattr(self, key) for key, _, _ in SHAPE_PROPERTIES if getattr(self, key) is not None}

    def to_dict(self) -> dict:
        return {"distribution": self.name, "support": [str(b) for b in self.support],
                "params": [str(p) for p in self.params],
                "properties": {k: vd.to_dict() for k, vd in self.verdicts().items()},
                "notes": list(self.notes)}

    def latex(self, env: str = "array") -> str:
        """The report as a LaTeX ``array`` (math mode, MathJax-friendly) or ``tabular``."""
        rows = []
        for key, _, tex in SHAPE_PROPERTIES:
            vd = getattr(self, key)
            if vd is None:
                continue
            word = {True: r"\text{holds}", False: r"\text{fails}", None: r"\text{undecided}"}[vd.holds]
            extra = ""
            if vd.condition is not None and vd.condition not in (sp.true, sp.false):
                extra = r"\text{ iff }" + sp.latex(vd.condition)
            if vd.counterexample:
                pt = next(iter(vd.counterexample.items()))
                extra += r"\text{ at }" + sp.latex(sp.Symbol(pt[0])) + "=" + sp.latex(pt[1])
            method = r"\text{" + vd.method + "}"
            if env == "tabular":
                rows.append(f"${tex}$ & ${word}{extra}$ & ${method}$ \\\\")
            else:
                rows.append(f"{tex} & {word}{extra} & {method} \\\\")
        head = (r"\text{property} & \text{verdict} & \text{method} \\ \hline" if env != "tabular"
                else r"property & verdict & method \\ \hline")
        body = "\n".join([head] + rows)
        if env == "tabular":
            return "\\begin{tabular}{lll}\n\\hline\n" + body + "\n\\hline\n\\end{tabular}"
        return "\\begin{array}{lll}\n" + body + "\n\\end{array}"

    def _repr_latex_(self) -> str:
        return "$$" + self.latex("array") + "$$"

    def __str__(self) -> str:
        lines = [f"Shape of {self.name} on ({self.support[0]}, {self.support[1]})"]
        w = max(len(label) for _, label, _ in SHAPE_PROPERTIES)
        lines.append(f"{'property':<{w}}  {'verdict':<9}  {'method':<8}  detail")
        for key, label, _ in SHAPE_PROPERTIES:
            vd = getattr(self, key)
            if vd is None:
                lines.append(f"{label:<{w}}  {'-':<9}  {'-':<8}  not requested")
                continue
            word = {True: "holds", False: "fails", None: "undecided"}[vd.holds]
            detail = ""
            if vd.condition is not None and vd.condition not in (sp.true, sp.false):
                detail = f"iff {vd.condition}"
            elif vd.counterexample:
                k, val = next(iter(vd.counterexample.items()))
                detail = f"counterexample {k} = {val}"
            elif vd.holds is None:
                suff = [n for n in vd.notes if n.startswith("sufficient condition: ")]
                detail = (suff[0].split("; ")[0] if suff else
                          (vd.certificate.reason[:70] if vd.certificate is not None else ""))
            lines.append(f"{label:<{w}}  {word:<9}  {vd.method:<8}  {detail}")
        return "\n".join(lines)


def _sign_exprs(f: sp.Expr, F: sp.Expr, x: sp.Symbol) -> Dict[str, Tuple[int, sp.Expr, sp.Expr]]:
    """For one smooth piece: property -> (direction, monotone function g, expression with the sign of g')."""
    fp = sp.diff(f, x)
    dlogf = log_derivative(f, x)
    return {
        "cdf_convex": (+1, f, fp),
        "cdf_concave": (-1, f, fp),
        "pdf_log_concave": (-1, dlogf, sp.diff(dlogf, x)),
        "cdf_log_concave": (-1, f / F, fp * F - f**2),
        "demand_log_concave": (+1, f / (1 - F), fp * (1 - F) + f**2),
        "regular": (+1, x - (1 - F) / f, 2 * f**2 + fp * (1 - F)),
    }


def _statement(key: str, lo: Any, hi: Any, var: sp.Symbol) -> str:
    text = {
        "cdf_convex": "F convex: f'({v}) >= 0",
        "cdf_concave": "F concave: f'({v}) <= 0",
        "pdf_log_concave": "f log-concave: (log f)''({v}) <= 0",
        "cdf_log_concave": "F log-concave: (log F)''({v}) <= 0",
        "demand_log_concave": "1-F log-concave (MHR): (log(1-F))''({v}) <= 0",
        "regular": "regular: ({v} - (1-F)/f)' >= 0",
    }[key].format(v=var)
    return f"{text} for {var} in ({lo}, {hi})"


def _implied(vd: Verdict, premise: Verdict, why: str, positive: bool) -> Verdict:
    """``vd`` decided from ``premise`` (positive: premise holds; else contrapositive)."""
    if positive:
        return Verdict(vd.statement, True, sp.true, premise.method,
                       Certificate(premise.certificate.expr if premise.certificate else None,
                                   f"implied by {why}"), None, vd.notes)
    return Verdict(vd.statement, False, sp.false, premise.method,
                   Certificate(premise.certificate.expr if premise.certificate else None,
                               f"contrapositive of: {why}"), None, vd.notes)


def _apply_implications(res: Dict[str, Verdict], notes: List[str], params=(), assumptions=sp.true
                        ) -> Dict[str, Verdict]:
    res = dict(res)
    changed = True
    while changed:
        changed = False
        for prem, concl, why in _IMPLICATIONS:
            p, c = res.get(prem), res.get(concl)
            if p is None or c is None:
                continue
            if p.holds is True and c.holds is None:
                res[concl] = _implied(c, p, why, True)
                changed = True
            elif c.holds is False and p.holds is None and p.condition is None:
                res[prem] = _implied(p, c, f"{why} (the conclusion fails)", False)
                changed = True
            elif p.holds is True and c.holds is False:
                notes.append(f"inconsistent verdicts: {prem} holds but {concl} fails although "
                             f"{why}; both are reported as undecided")
                for key in (prem, concl):
                    vd = res[key]
                    res[key] = Verdict(vd.statement, None, None, vd.method, vd.certificate, vd.counterexample,
                                       vd.notes + ("inconsistent with an implication: see the report notes",))
                changed = True
            elif (p.holds is None and c.holds is None and p.condition is not None
                  and not any(n.startswith(f"sufficient condition: {p.condition};") for n in c.notes)):
                # the premise's exact condition is sufficient for the conclusion
                res[concl] = Verdict(c.statement, None, c.condition, c.method, c.certificate, None,
                                     c.notes + (f"sufficient condition: {p.condition}; implied by {why}, "
                                                f"necessity not established",))
                changed = True
    return _case_split(res, params, assumptions)


def _case_split(res: Dict[str, Verdict], params, assumptions) -> Dict[str, Verdict]:
    """A conclusion implied under each premise's exact condition holds wherever one of them
    does: if those conditions cover the whole parameter domain, it holds outright (e.g.
    Weibull: F log-concave for k >= 1 because f is, and for k <= 1 because F is concave)."""
    if not params:
        return res
    for concl in {c for _, c, _ in _IMPLICATIONS}:
        c = res.get(concl)
        if c is None or c.holds is not None:
            continue
        cases = [(res[p].condition, why) for p, cc, why in _IMPLICATIONS
                 if cc == concl and res.get(p) is not None and res[p].holds is None
                 and res[p].condition is not None]
        if len(cases) < 2:
            continue
        _, truth = condition_truth(sp.Or(*[cond for cond, _ in cases]), params, assumptions)
        if truth is True:
            split = "; ".join(f"{cond}: {why}" for cond, why in cases)
            res[concl] = Verdict(c.statement, True, sp.true, "symbolic",
                                 Certificate(None, f"case split covering every parameter value: {split}"),
                                 None, c.notes)
    return res


_ORDER = ("pdf_log_concave", "cdf_convex", "cdf_concave", "cdf_log_concave", "demand_log_concave", "regular")


def shape(d: Any, budget: float = DEFAULT_BUDGET, properties: Optional[Sequence[str]] = None) -> ShapeReport:
    """Decide the six shape properties of ``d`` on the interior of its support.

    Parameters
    ----------
    d : Distribution
    budget : float
        Seconds granted to each rung of each decision.
    properties : sequence of str, optional
        Decide only these (names as in :data:`SHAPE_PROPERTIES`); the others are None.

    Returns
    -------
    ShapeReport

    Examples
    --------
    >>> import symmech as sm
    >>> r = sm.shape(sm.families.Uniform(0, 1))
    >>> r.cdf_convex.holds, r.cdf_concave.holds
    (True, True)
    >>> sm.shape(sm.families.Power("k")).cdf_convex.condition
    k >= 1
    """
    from .distribution import Distribution
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"shape needs a Distribution (e.g. sm.families.Beta(2, 5)), got {type(d).__name__}")
    if not (isinstance(budget, (int, float)) and budget > 0):
        raise InvalidParameter(f"budget must be a positive number of seconds, got {budget!r}")
    if properties is not None:
        unknown = [p for p in properties if p not in _ORDER]
        if unknown:
            raise InvalidParameter(f"unknown shape property {unknown[0]!r}: choose from {', '.join(_ORDER)}")
    x = d.var
    lo, hi = (sp.sympify(b) for b in d.support)
    f, F = sp.sympify(d.pdf), sp.sympify(d.cdf)
    kw = {"params": tuple(d.params), "assumptions": d.assumptions, "budget": budget}
    notes: List[str] = []
    if F.has(sp.Integral):
        notes.append("F has no closed form: properties involving F use F as an integral, enclosed "
                     "rigorously on the interval rung (midpoint sums with a second-derivative "
                     "remainder) or computed by quadrature on the sampled rung")
    segs = _segments(f + F, x, lo, hi) if (f.has(sp.Piecewise) or F.has(sp.Piecewise)) else None
    results: Dict[str, Verdict] = {}
    if segs is None or len(segs[0]) <= 1:
        exprs = _sign_exprs(f, F, x)

        def decide(key, kw_):
            direction, _, s = exprs[key]
            return sign_on(s, x, (lo, hi), relation=">=" if direction > 0 else "<=",
                           statement=_statement(key, lo, hi, x), **kw_)
    else:
        from .signs import _piece_at, _rat_between
        pieces = []
        for a, b, _ in segs[0]:
            m = _rat_between(a, b)
            pieces.append((a, b, _sign_exprs(_piece_at(f, x, m), _piece_at(F, x, m), x)))
        notes.append("piecewise density split at " + ", ".join(str(c) for c in segs[1]))

        def decide(key, kw_):
            direction = pieces[0][2][key][0]
            parts = [(a, b, ex[key][1], ex[key][2]) for a, b, ex in pieces]
            return _monotone_pieces(parts, x, direction, _statement(key, lo, hi, x), kw_)
    # premises first: a property already implied by a proved one gets a short budget and the
    # certifying rungs only (its ladder run is then a consistency check; the implication
    # decides if the ladder cannot)
    light = dict(kw, budget=min(budget, _LIGHT_BUDGET), rungs=("symbolic", "interval"))
    wanted = _ORDER if properties is None else [k for k in _ORDER if k in properties]
    for key in wanted:
        implied = any(results.get(prem) is not None and results[prem].holds is True
                      for prem, concl, _ in _IMPLICATIONS if concl == key)
        results[key] = decide(key, light if implied else kw)
    results = _apply_implications(results, notes, tuple(d.params), d.assumptions)
    name = d.name or str(F)
    full = {key: results.get(key) for key in _ORDER}
    return ShapeReport(name, (lo, hi), params=tuple(d.params), notes=tuple(notes), **full)
