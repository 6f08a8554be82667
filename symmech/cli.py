"""The ``symmech`` command: every capability of the library from a terminal.

Subcommands (each ``--help`` shows a worked example)::

    symmech analyze    shape report, virtual value (ironed), reserve and market-clearing price
    symmech derive     a machine-checked derivation (--what war_of_attrition|virtual_values|...)
    symmech mechanism  the optimal Pareto-improving mechanism (one-sided LP, refined)
    symmech bargain    the optimal Pareto-improving bargaining mechanism (two players, refined)
    symmech check      a proposition of Kang & Skrzypacz (2025) or the Bulow theorem
    symmech bulow      the Bulow puzzle: 50-50 split against the war of attrition

A distribution is given by ``--cdf EXPR``, ``--pdf EXPR`` or ``--family NAME --param k=2``
with ``--support LO HI``; no distribution flag means uniform values. All user text goes
through :mod:`symmech.parsing` (nothing is evaluated as Python). Output is a text report,
or ``--json`` (schema ``symmech/1``), ``--latex``/``--markdown`` (the derivation),
``--pdf FILE.pdf`` (the derivation compiled with latexmk), ``--plot FILE.png``.

Errors are one line on stderr, ``symmech: error: ...``, with exit code 2 for bad input
(:class:`~symmech.errors.SymmechError`, usage errors) and 1 for anything else; ``--debug``
shows the traceback instead. Progress goes to stderr only when it is a terminal and
``--quiet`` is not given.

Examples
--------
>>> from symmech.cli import build_parser, distribution_from_args
>>> args = build_parser().parse_args(["analyze", "--family", "Power", "--param", "k=2"])
>>> distribution_from_args(args).cdf
v**2
>>> main(["analyze", "--cdf", "v", "--quiet"])      # doctest: +ELLIPSIS
Distribution: F(v) = v on [0, 1], density f(v) = 1
...
reserve price r = 1/2 = 0.5 (exact)
0
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import re
import shutil
import sys
import textwrap
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import sympy as sp

from .distribution import Distribution, v as _v
from .errors import InvalidDistribution, InvalidParameter, ParseError, SymmechError
from .parsing import parse, parse_assignment, parse_number

__all__ = ["main", "build_parser", "distribution_from_args", "status_quo_from_spec", "SCHEMA",
           "UsageError"]

#: version tag of the ``--json`` documents; bumped on any incompatible change of their keys
SCHEMA = "symmech/1"

#: default refinement of the LPs (grid sizes); a continuum claim needs at least three
DEFAULT_GRIDS = (50, 100, 200, 400)
#: default directory of ``symmech bulow``'s derivation files
DEFAULT_OUT = "symmech-out"

_DERIVATIONS = ("war_of_attrition", "virtual_values", "bulow", "shape", "revenue_equivalence")
_PROPS = {"1": "PROP1", "2": "PROP2", "3": "PROP3", "bulow": "BULOW_THEOREM"}


class UsageError(SymmechError, ValueError):
    """A command line that argparse rejects (unknown option, missing value, ...)."""


# ====================================================================== progress
class _Progress:
    """Status line on stderr for long work, only on a terminal and without ``--quiet``.

    A ticker thread rewrites one line (``\\r``) with the elapsed time; the work itself runs
    in the main thread, so SymPy time budgets (SIGALRM) keep working.
    """

    def __init__(self, enabled: bool, stream: Any = None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._msg = ""
        self._t0 = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    def __call__(self, msg: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._msg = msg
            self._t0 = time.monotonic()
            self._write()
        if self._thread is None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _write(self) -> None:
        line = f"symmech: {self._msg} ({time.monotonic() - self._t0:.0f} s)"
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r\x1b[K" + line[:width])
        self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            with self._lock:
                if self._msg:
                    self._write()

    def done(self) -> None:
        if not self.enabled:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        with self._lock:
            if self._msg:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self._msg = ""


# ====================================================================== result of a command
@dataclass
class _Outcome:
    """What a subcommand produced; :func:`main` renders it in the requested format."""

    text: str
    doc: Dict[str, Any]
    derivation: Optional[Callable[[], Any]] = None     # builds a Derivation on demand
    figure: Optional[Callable[[], Any]] = None         # builds a matplotlib Figure on demand
    files: Dict[str, Optional[str]] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)


# ====================================================================== argparse
class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (``symmech: error: ...``), not usage + error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


_FORMATTER = argparse.RawDescriptionHelpFormatter

_EPILOG = {
    "main": """\
examples:
  symmech bulow                                    # uniform values: verdict + derivation files
  symmech analyze --family Beta --param a=2 --param b=2
  symmech analyze --cdf "v**k" --param k           # symbolic k: answers are conditions on k
  symmech mechanism --cdf "1-(1-v)**2" --capacity 0.3 --status-quo posted-price:0.2
  symmech check --prop 1 --family Power --param k=2 --capacity 0.3 --status-quo lottery:0.2 --json

Run 'symmech COMMAND --help' for a worked example of each command.""",
    "analyze": """\
what it computes:
  the six shape verdicts (F convex/concave, f, F and 1-F log-concave, Myerson regular), each
  proved symbolically, by interval arithmetic or refuted with a counterexample; the virtual
  value J_alpha(v) = alpha v + (1 - 2 alpha)(1 - F)/f with its ironing intervals; the reserve
  price (J_1(r) = 0) and, with --capacity Q, the market-clearing price (1 - F(p) = Q).

example:
  $ symmech analyze --cdf "v**2"
  Distribution: F(v) = v**2 on [0, 1], density f(v) = 2*v
  ...
  virtual value J_1(v) = (3*v**2 - 1)/(2*v)
  reserve price r = sqrt(3)/3 (exact) = 0.57735026919

more:
  symmech analyze --family Power --param k            # conditions such as k >= 1
  symmech analyze --cdf "v**2" --alpha 0 --plot j.png  # money burning: pooled, level 2/3
  symmech analyze --family Exponential --support 0 5 --capacity 0.3 --json""",
    "derive": """\
derivations (--what):
  war_of_attrition     exit time from the first-order condition, payoff by the envelope theorem
  virtual_values       J(v) and the reserve price
  bulow                v/2 against integral_0^v F, crossing points, verdict
  shape                each shape verdict with its certificate
  revenue_equivalence  first/second price, all-pay, war of attrition pay the same

example:
  $ symmech derive --what war_of_attrition --cdf v --latex > woa.tex
  $ symmech derive --what bulow --family Power --param k=2 --pdf bulow_power2.pdf
  $ symmech derive --what virtual_values --family Beta --param a=2 --param b=2 --markdown""",
    "mechanism": """\
the problem (Kang & Skrzypacz 2025; THEORY section 3):
  maximise (1 - alpha) CS + alpha Rev over IC mechanisms (x, t) subject to capacity
  integral x dF <= Q, no make-whole payments t >= 0 (unless --make-whole) and Pareto
  improvement U(v) >= U0(v) over the status quo. Solved as a linear program on a refinement
  of grids; the continuum value is the extrapolated limit of the sequence.

status quos (--status-quo):
  posted-price:Q0        posted price selling quantity Q0 (also posted-price:price=P)
  lottery:q              x0 = q at price 0
  war-of-attrition       the two-player war of attrition (x0 = F)
  split                  the immediate 50-50 split (x0 = 1/2)
  payoff:EXPR            any status quo payoff U0(v), e.g. payoff:v**2/2
  none                   no Pareto constraint (default)

example:
  $ symmech mechanism --cdf "1-(1-v)**2" --capacity 0.3 --status-quo posted-price:0.2 --grids 50 100 200
  Optimal mechanism for F(v) = 1 - (1 - v)**2 on [0, 1]
  ...""",
    "bargain": """\
the problem (Kang & Skrzypacz 2025; THEORY section 5):
  two players with values iid F bargain over a pie; delay is money burnt (t >= 0); the
  mechanism is symmetric and ex post feasible and must Pareto-improve on the status quo
  (default: the war of attrition). Maximises ex ante surplus; solved as an LP on a
  refinement, with the status quo value and the gain over it extrapolated to the continuum.

example:
  $ symmech bargain --cdf "1-(1-v)**2" --grids 50 100 200
  (the raw grid gain over the war of attrition halves as n doubles: its limit is 0)
  $ symmech bargain --family Power --param k=2 --json""",
    "check": """\
propositions (--prop):
  1      demand concave => price 0, uniform random allocation x = Q
  2      lo > 0 => a positive mass of goods at price 0
  3      certain allocation outside x0^{-1}(1) iff integral x0 dF < Q (as transcribed)
  bulow  f log-concave: F convex => 50-50 split optimal; F strictly concave => no strict
         Pareto improvement over the war of attrition

status: proved (symbolic argument), confirmed / refuted (in the limit of the LP refinement),
hypotheses_fail or undecided.

example:
  $ symmech check --prop 1 --family Power --param k=2 --capacity 0.3 --status-quo lottery:0.2
  $ symmech check --prop 3 --cdf "1-(1-v)**2" --capacity 0.3 --status-quo posted-price:0.2
  $ symmech check --prop bulow --cdf "1-(1-v)**2" --json""",
    "bulow": """\
the puzzle (Bulow; Kang & Skrzypacz 2025):
  two players, values iid F; the war of attrition gives U0(v) = integral_0^v F, the immediate
  50-50 split gives v/2. Does the split Pareto-improve (D(v) = v/2 - U0(v) >= 0)? Is it the
  optimal Pareto-improving mechanism? Can anything strictly Pareto-dominate the war of
  attrition? Writes the derivation to DIR/bulow_<name>.tex (and .pdf when latexmk exists).

example:
  $ symmech bulow
  Bulow puzzle for Uniform(0, 1): F(v) = v on [0, 1]
  ...
  wrote symmech-out/bulow_uniform.tex and symmech-out/bulow_uniform.pdf
  $ symmech bulow --cdf "1-(1-v)**2" --out build/   # split fails above 3/2 - sqrt(3)/2
  $ symmech bulow --family Power --param k --json    # condition k >= 1""",
}

_HELP = {
    "analyze": "shape report, virtual value, ironing, reserve and market-clearing price",
    "derive": "a machine-checked derivation (text, --latex, --markdown, --pdf FILE.pdf)",
    "mechanism": "optimal Pareto-improving mechanism (one-sided LP with refinement)",
    "bargain": "optimal Pareto-improving bargaining mechanism (two players, LP with refinement)",
    "check": "check a proposition (1, 2, 3) or the Bulow theorem on a distribution",
    "bulow": "Bulow's puzzle: the 50-50 split against the war of attrition (writes the derivation)",
}


def _common_parent() -> argparse.ArgumentParser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("distribution (default: uniform on the support)")
    g.add_argument("--cdf", metavar="EXPR", help="CDF F(v), e.g. \"1-(1-v)**2\"")
    g.add_argument("--pdf", metavar="EXPR|FILE.pdf", action="append", default=[],
                   help="density f(v), e.g. \"6*v*(1-v)\"; a value ending in .pdf is instead the "
                        "output file of the derivation PDF (see output)")
    g.add_argument("--density", metavar="EXPR", help="same as --pdf EXPR")
    g.add_argument("--family", metavar="NAME", help="a named family: " + ", ".join(_family_names()))
    g.add_argument("--param", metavar="NAME[=VALUE]", action="append", default=[],
                   help="family or expression parameter, e.g. k=2 or k=3/2; a bare NAME keeps it "
                        "symbolic (positive); repeatable")
    g.add_argument("--support", nargs=2, metavar=("LO", "HI"),
                   help="support [LO, HI] (default: the family's, else [0, 1]); for a family without "
                        "LO/HI parameters it truncates the family to [LO, HI]")
    o = p.add_argument_group("output")
    fmt = o.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help=f"machine-readable JSON (schema {SCHEMA})")
    fmt.add_argument("--latex", action="store_true", help="print the derivation as a LaTeX document")
    fmt.add_argument("--markdown", action="store_true", help="print the derivation as Markdown")
    o.add_argument("--pdf-file", metavar="FILE.pdf", help="write the derivation PDF (and FILE.tex)")
    o.add_argument("--plot", metavar="FILE.png", help="save a figure (png, pdf, svg)")
    o.add_argument("--allow-unverified", action="store_true",
                   help="render a derivation with unverified steps (with a visible warning)")
    o.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    o.add_argument("--debug", action="store_true", help="show tracebacks")
    return p


def _setting_parent(default_grids: Sequence[int] = DEFAULT_GRIDS, status_quo: str = "none",
                    bargaining: bool = False) -> argparse.ArgumentParser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("problem")
    if not bargaining:
        g.add_argument("--alpha", metavar="A", default="0",
                       help="weight on revenue in [0, 1] (default 0: consumer surplus)")
        g.add_argument("--capacity", "-Q", metavar="Q", help="capacity Q in (0, 1)")
        g.add_argument("--make-whole", action="store_true",
                       help="allow make-whole (negative) payments; default t >= 0")
    g.add_argument("--status-quo", metavar="SPEC", default=status_quo,
                   help="posted-price:Q0 | posted-price:price=P | lottery:q | war-of-attrition | split | "
                        f"payoff:EXPR | none (default {status_quo})")
    grid = g.add_mutually_exclusive_group()
    grid.add_argument("--grids", metavar="N", nargs="+", type=_int_arg,
                      help="refinement grid sizes, at least three increasing (default "
                           + " ".join(map(str, default_grids)) + ")")
    grid.add_argument("--grid", metavar="N", type=_int_arg,
                      help="refinement N, 2N, 4N, 8N (shorthand for --grids)")
    p.set_defaults(default_grids=tuple(default_grids))
    return p


def _int_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 4 or n > 100000:
        raise argparse.ArgumentTypeError(f"grid size must lie in [4, 100000], got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``symmech`` command (subcommands and their options)."""
    parser = _Parser(prog="symmech", formatter_class=_FORMATTER,
                     description="Derive, check and write up results in mechanism design and auction theory.",
                     epilog=_EPILOG["main"])
    from . import __version__
    parser.add_argument("--version", action="version", version=f"symmech {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    common = _common_parent()

    def add(name: str, parents: List[argparse.ArgumentParser]) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common] + parents, help=_HELP[name], description=_HELP[name],
                              epilog=_EPILOG[name], formatter_class=_FORMATTER)

    a = add("analyze", [])
    a.add_argument("--alpha", metavar="A", default="1",
                   help="weight on revenue of the virtual value (default 1: Myerson)")
    a.add_argument("--capacity", "-Q", metavar="Q", help="also the market-clearing price for capacity Q")

    d = add("derive", [])
    d.add_argument("--what", choices=_DERIVATIONS, default="war_of_attrition", help="which derivation")
    d.add_argument("--players", metavar="N", default="2", help="players (war of attrition, revenue equivalence)")
    d.add_argument("--cost", metavar="C", default="1", help="waiting cost (war of attrition)")

    add("mechanism", [_setting_parent()])

    b = add("bargain", [_setting_parent((50, 100, 200), "war-of-attrition", bargaining=True)])
    b.add_argument("--formulation", choices=("border", "ex_post"), default="border",
                   help="interim (Border) or ex post shares (default border)")

    c = add("check", [_setting_parent()])
    c.add_argument("--prop", required=True, choices=tuple(_PROPS), help="which proposition")
    c.add_argument("--numeric-only", action="store_true",
                   help="decide from the LP refinement alone (skip the symbolic argument)")

    bu = add("bulow", [])
    bu.add_argument("--out", metavar="DIR", default=None,
                    help=f"directory for the derivation files (default ./{DEFAULT_OUT})")
    bu.add_argument("--no-write", action="store_true", help="do not write the derivation files")
    bu.add_argument("--no-pdf", action="store_true", help="write the .tex only (skip latexmk)")
    bu.add_argument("--lp", action="store_true",
                    help="also solve the bargaining LP refinement as a cross-check")
    bu.add_argument("--grids", metavar="N", nargs="+", type=_int_arg,
                    help="refinement grid sizes for the LP (default 50 100 200 400)")
    return parser


# ====================================================================== distribution
def _family_names() -> List[str]:
    from .families import FAMILIES
    return list(FAMILIES)


def _family(name: str) -> Callable[..., Distribution]:
    from .families import FAMILIES
    key = re.sub(r"[\s_\-]", "", name).lower()
    for fam_name, fam in FAMILIES.items():
        if fam_name.lower() == key:
            return fam
    raise InvalidParameter(f"unknown family {name!r}: known are {', '.join(FAMILIES)}")


def _param_settings(texts: Sequence[str]) -> Dict[str, Optional[sp.Expr]]:
    """``--param`` texts -> {name: value or None (symbolic)}, through symmech.parsing only."""
    out: Dict[str, Optional[sp.Expr]] = {}
    for text in texts:
        if "=" in text:
            try:
                name, value = parse_assignment(text)
            except ParseError as exc:
                raise ParseError(f"--param {text}: {exc}") from None
        else:
            name, value = text.strip(), None
            if not name.isidentifier() or name.startswith("_") or name in ("v", "pi", "E", "oo"):
                raise ParseError(f"not a parameter name {text!r}: write NAME=VALUE (k=2) or a bare NAME (k)")
        if name in out:
            raise InvalidParameter(f"parameter {name} given twice (--param {text})")
        if value is not None and (value.has(sp.zoo, sp.nan) or value.is_extended_real is False):
            raise InvalidParameter(f"parameter {name} must be a real number, got {name} = {value}")
        out[name] = value
    return out


def _support(args: argparse.Namespace, symbols: Dict[str, sp.Symbol]) -> Optional[Tuple[sp.Expr, sp.Expr]]:
    if not args.support:
        return None
    lo, hi = (parse(t, symbols) if symbols else parse_number(t) for t in args.support)
    if lo.is_number and hi.is_number and (hi <= lo) is sp.true:
        raise InvalidDistribution(f"support must have lo < hi, got [{lo}, {hi}]")
    if lo == sp.oo or hi == -sp.oo:
        raise InvalidDistribution(f"support must have lo < hi, got [{lo}, {hi}]")
    return lo, hi


def _density_args(args: argparse.Namespace) -> Tuple[Optional[str], Optional[str]]:
    """Split ``--pdf`` values into (density expression, output PDF file).

    The safe grammar has no attribute access, so text ending in ``.pdf`` can never be a
    density: it names the output file.
    """
    dens, files = [], []
    for text in getattr(args, "pdf", None) or []:
        (files if text.strip().lower().endswith(".pdf") else dens).append(text)
    if getattr(args, "density", None):
        dens.append(args.density)
    if getattr(args, "pdf_file", None):
        files.append(args.pdf_file)
    if len(dens) > 1:
        raise UsageError("give one density (--pdf EXPR / --density EXPR), got " + ", ".join(map(repr, dens)))
    if len(files) > 1:
        raise UsageError("give one output PDF file, got " + ", ".join(map(repr, files)))
    return (dens[0] if dens else None), (files[0] if files else None)


def distribution_from_args(args: argparse.Namespace) -> Distribution:
    """The distribution described by ``--cdf/--pdf/--family``, ``--param`` and ``--support``.

    No distribution flag means uniform values on the support (default [0, 1]). Parameter
    values are exact (``k=3/2``); a bare ``--param k`` keeps ``k`` symbolic (positive).
    """
    density, _ = _density_args(args)
    sources = [s for s, val in (("--cdf", args.cdf), ("--pdf", density), ("--family", args.family)) if val]
    if len(sources) > 1:
        raise UsageError(f"give one of --cdf, --pdf, --family, got {' and '.join(sources)}")
    params = _param_settings(args.param)
    symbolic = {n: sp.Symbol(n, positive=True) for n, val in params.items() if val is None}
    support = _support(args, symbolic)
    if args.family:
        return _from_family(args.family, params, support)
    if not sources:
        if params:
            raise InvalidParameter(f"--param {', '.join(params)} needs --cdf, --pdf or --family")
        from .families import Uniform
        return Uniform(*(support or (0, 1)))
    text = args.cdf if args.cdf else density
    kind = "CDF" if args.cdf else "density"
    names = {"v": _v, **{n: sp.Symbol(n, positive=True) for n in params}}
    expr = parse(text, names)
    unused = [n for n in params if names[n] not in expr.free_symbols]
    if unused:
        raise InvalidParameter(f"parameter {unused[0]} does not appear in the {kind} {text!r}")
    values = {names[n]: val for n, val in params.items() if val is not None}
    expr = expr.xreplace(values)
    sym = tuple(names[n] for n in params if params[n] is None)
    lo_hi = support or (sp.Integer(0), sp.Integer(1))
    label = f"{'F' if args.cdf else 'f'}(v) = {text.strip()}" + (
        "" if not values else " with " + ", ".join(f"{k}={val}" for k, val in values.items()))
    build = Distribution.from_cdf if args.cdf else Distribution.from_pdf
    return build(expr, support=lo_hi, params=sym or None, name=label)


def _from_family(name: str, params: Dict[str, Optional[sp.Expr]],
                 support: Optional[Tuple[sp.Expr, sp.Expr]]) -> Distribution:
    fam = _family(name)
    sig = inspect.signature(fam).parameters
    unknown = [p for p in params if p not in sig]
    if unknown:
        raise InvalidParameter(f"{fam.__name__} has parameters {', '.join(sig)}; got {unknown[0]}")
    kwargs: Dict[str, Any] = {}
    for pname, spec in sig.items():
        if pname in params:
            kwargs[pname] = params[pname] if params[pname] is not None else pname
        elif spec.default is inspect.Parameter.empty and pname not in ("lo", "hi"):
            kwargs[pname] = pname  # not given: a symbolic parameter with the family's assumption
    trunc = None
    if support is not None:
        for bound, val in zip(("lo", "hi"), support):
            if bound in sig:
                if bound in params:
                    raise UsageError(f"{fam.__name__}: give {bound} either by --support or by --param, not both")
                kwargs[bound] = val
        if not ("lo" in sig and "hi" in sig):
            trunc = support
    for bound in ("lo", "hi"):
        if bound in sig and bound not in kwargs and sig[bound].default is inspect.Parameter.empty:
            kwargs[bound] = sp.Integer(0 if bound == "lo" else 1)
    d = fam(**kwargs)
    if trunc is not None and tuple(sp.sympify(b) for b in d.support) != tuple(trunc):
        d = _truncate(d, *trunc)
    return d


def _truncate(d: Distribution, lo: sp.Expr, hi: sp.Expr) -> Distribution:
    """``d`` conditioned on ``[lo, hi]``: ``(F - F(lo)) / (F(hi) - F(lo))``."""
    dlo, dhi = (sp.sympify(b) for b in d.support)
    outside = (sp.Lt(lo, dlo) is sp.true) or (sp.Gt(hi, dhi) is sp.true)
    if outside:
        raise InvalidDistribution(f"support [{lo}, {hi}] is not inside the support of {d.name}, [{dlo}, {dhi}]")
    V = d.var
    F = sp.sympify(d.cdf)
    if F.has(sp.Integral):
        raise InvalidDistribution(f"cannot truncate {d.name}: its CDF has no closed form; use --pdf with --support")
    Flo = F.subs(V, lo) if lo != dlo else sp.Integer(0)
    Fhi = F.subs(V, hi) if hi != dhi else sp.Integer(1)
    Z = Fhi - Flo
    if Z.is_number and not (Z > 0):
        raise InvalidDistribution(f"support [{lo}, {hi}] has no mass under {d.name}")
    # Built from the family's own (tidy) F and f: conditioning on [lo, hi] keeps F nondecreasing
    # with F(lo) = 0 and F(hi) = 1 by construction, and re-deriving f from G can only make it
    # messier (a sign flipped through the constant trips later log-expansions).
    return Distribution((F - Flo) / Z, sp.sympify(d.pdf) / Z, (lo, hi), V, tuple(d.params), d.assumptions,
                        f"{d.name} truncated to [{lo}, {hi}]", tuple(d.notes))


# ====================================================================== status quo specs
def status_quo_from_spec(spec: Optional[str], d: Distribution, *, bargaining: bool = False) -> Any:
    """The status quo named by ``--status-quo`` (see ``symmech mechanism --help``).

    Returns None for ``none``, the string ``"war_of_attrition"`` (the solvers build
    ``U0 = integral_lo^v F`` and ``x0 = F`` themselves), ``"equal_split"`` for the bargaining
    problem, else an :class:`~symmech.interim.InterimMechanism` or a payoff expression.

    Examples
    --------
    >>> from symmech import families
    >>> status_quo_from_spec("lottery:0.3", families.Uniform(0, 1)).payoff
    3*v/10
    """
    from . import mechanism as mech
    if spec is None:
        return None
    text = spec.strip()
    head, sep, arg = text.partition(":")
    key = re.sub(r"[\s_\-]", "", head).lower()
    arg = arg.strip()
    if key in ("none", ""):
        _no_argument(key, arg, text)
        return None
    if key in ("warofattrition", "woa", "war"):
        _no_argument(key, arg, text)
        # by name: the solvers build U0 = integral_lo^v F, x0 = F themselves (no exit-time derivation)
        return "war_of_attrition"
    if key in ("split", "equalsplit", "5050"):
        _no_argument(key, arg, text)
        return "equal_split" if bargaining else mech.equal_split(2)
    if key in ("postedprice", "price", "posted"):
        if not sep or not arg:
            raise ParseError(f"posted price needs a quantity or price: posted-price:0.2 or posted-price:price=0.5, "
                             f"got {text!r}")
        if "=" in arg:
            name, val = parse_assignment(arg)
            if name not in ("quantity", "q", "Q0", "price", "p"):
                raise ParseError(f"posted price takes quantity=Q0 or price=P, got {arg!r}")
            if name in ("price", "p"):
                return mech.posted_price(d, price=val)
            return mech.posted_price(d, quantity=val)
        return mech.posted_price(d, quantity=parse_number(arg))
    if key == "lottery":
        if not arg:
            raise ParseError(f"lottery needs a probability, e.g. lottery:0.3, got {text!r}")
        return mech.lottery(parse_number(arg))
    if key in ("payoff", "u0", "u"):
        if not arg:
            raise ParseError(f"payoff needs an expression in v, e.g. payoff:v**2/2, got {text!r}")
        return parse(arg, {"v": d.var})
    raise ParseError(f"unknown status quo {text!r}: use posted-price:Q0, lottery:q, war-of-attrition, split, "
                     "payoff:EXPR or none")


def _no_argument(key: str, arg: str, text: str) -> None:
    if arg:
        raise ParseError(f"status quo {key!r} takes no argument, got {text!r}")


# ====================================================================== helpers
def _number(text: Optional[str], what: str) -> Optional[sp.Expr]:
    if text is None:
        return None
    try:
        val = parse_number(text)
    except ParseError as exc:
        raise ParseError(f"{what}: {exc}") from None
    if not val.is_number or val.is_extended_real is False:
        raise InvalidParameter(f"{what} must be a real number, got {text!r}")
    return val


def _alpha(text: str) -> sp.Expr:
    a = _number(text, "--alpha")
    if not (a >= 0 and a <= 1):
        raise InvalidParameter(f"alpha must lie in [0, 1], got alpha = {a}")
    return a


def _capacity(text: Optional[str]) -> Optional[sp.Expr]:
    q = _number(text, "--capacity")
    if q is not None and not (q > 0 and q < 1):
        raise InvalidParameter(f"capacity Q must lie in (0, 1), got Q = {q}")
    return q


def _grids(args: argparse.Namespace) -> Tuple[int, ...]:
    if getattr(args, "grid", None):
        n = args.grid
        return (n, 2 * n, 4 * n, 8 * n)
    if getattr(args, "grids", None):
        gs = tuple(args.grids)
        if len(gs) < 3:
            raise InvalidParameter(f"a refinement needs at least three grid sizes (never one grid), got {list(gs)}")
        if any(b <= a for a, b in zip(gs, gs[1:])):
            raise InvalidParameter(f"grid sizes must increase, got {list(gs)}")
        return gs
    return tuple(getattr(args, "default_grids", DEFAULT_GRIDS))


def _float(x: Any) -> Optional[float]:
    """A finite float for JSON, or None (symbolic, infinite, not a number)."""
    try:
        if isinstance(x, sp.Basic):
            if x.free_symbols or x.has(sp.Integral):
                return None
            x = sp.N(x, 20)
            if x.is_real is False:
                return None
        val = float(x)
    except (TypeError, ValueError, OverflowError):
        return None
    return val if math.isfinite(val) else None


def _num(x: Any, exact: Optional[bool] = None) -> Dict[str, Any]:
    """A number in JSON: its exact text, a float (None when symbolic), whether it is exact."""
    if x is None:
        return {"value": None, "float": None, "exact": False}
    if exact is None:
        exact = isinstance(x, sp.Basic) and not isinstance(x, sp.Float) and not x.has(sp.Float)
    return {"value": str(x), "float": _float(x), "exact": bool(exact)}


def _show(x: Any) -> str:
    """``x`` for the text report: exact form, and its decimal value when that adds something."""
    if x is None:
        return "none"
    if isinstance(x, sp.Basic):
        if x.free_symbols or x.is_Integer:
            return str(x)
        if isinstance(x, sp.Float):
            return f"{float(x):.12g}"
        fl = _float(x)
        if x.is_Rational:
            return f"{x} = {fl:.12g}" if fl is not None else str(x)
        return f"{x} = {fl:.12g}" if fl is not None else str(x)
    if isinstance(x, float):
        return f"{x:.12g}"
    return str(x)


def _verdict(vd: Any) -> Dict[str, Any]:
    """A Verdict in the stable JSON form."""
    if vd is None:
        return None  # type: ignore[return-value]
    cond = vd.condition
    cx = vd.counterexample
    if isinstance(cx, dict):
        cx = {str(k): (_float(val) if _float(val) is not None and isinstance(val, float) else str(val))
              for k, val in cx.items()}
    elif cx is not None:
        cx = str(cx)
    return {"statement": vd.statement, "holds": vd.holds,
            "condition": None if cond is None or cond in (sp.true, sp.false) else str(cond),
            "method": vd.method, "counterexample": cx,
            "reason": vd.certificate.reason if vd.certificate is not None else None,
            "notes": list(vd.notes)}


def _word(vd: Any) -> str:
    return {True: "holds", False: "fails", None: "undecided"}[vd.holds]


def _jsonable(obj: Any) -> Any:
    """Recursively turn an object tree into plain JSON types (no NaN/inf)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _jsonable(val) for k, val in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(x) for x in obj]
    try:
        import numpy as np
        if isinstance(obj, np.ndarray):
            return [_jsonable(x) for x in obj.tolist()]
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return _jsonable(float(obj))
    except ImportError:  # pragma: no cover
        pass
    if isinstance(obj, sp.Basic):
        return str(obj)
    return str(obj)


def _dist_doc(d: Distribution) -> Dict[str, Any]:
    return {"name": d.name, "cdf": str(d.cdf), "pdf": str(d.pdf), "support": [str(b) for b in d.support],
            "support_float": [_float(sp.sympify(b)) for b in d.support],
            "params": [p.name for p in d.params], "assumptions": str(d.assumptions)}


def _dist_line(d: Distribution) -> str:
    return f"Distribution: F({d.var}) = {d.cdf} on [{d.lo}, {d.hi}], density f({d.var}) = {d.pdf}" + (
        f"  ({d.name})" if d.name and not d.name.startswith(("F(", "f(")) and d.name not in str(d.cdf) else "")


def _slug(d: Distribution) -> str:
    name = (d.name or str(d.cdf)).lower()
    if name.startswith("uniform(0, 1)"):
        return "uniform"
    s = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    return (s[:48].rstrip("_") or "distribution")


def _need_numeric(d: Distribution, what: str) -> None:
    if not d.is_numeric:
        raise InvalidParameter(f"{what} needs numeric parameters: give values with --param "
                               + " ".join(f"{p.name}=..." for p in d.params))


# ====================================================================== analyze
def _cmd_analyze(args: argparse.Namespace, d: Distribution, progress: _Progress) -> _Outcome:
    from .shape import shape
    from .virtual import ironed_virtual_value, market_clearing_price, reserve_price, virtual_value
    alpha = _alpha(args.alpha)
    Q = _capacity(args.capacity)
    notes: List[str] = []
    progress("deciding shape properties")
    report = shape(d)
    progress("virtual value")
    J = virtual_value(d, alpha)
    mono = J.monotone
    ironed = None
    progress("ironing")
    try:
        ironed = ironed_virtual_value(d, alpha)
    except SymmechError as exc:
        notes.append(f"ironing not computed: {exc}")
    reserve = None
    progress("reserve price")
    try:
        reserve = reserve_price(d)
    except SymmechError as exc:
        notes.append(f"reserve price not computed: {exc}")
    market = None
    if Q is not None:
        progress("market-clearing price")
        try:
            market = market_clearing_price(d, Q)
        except SymmechError as exc:
            notes.append(f"market-clearing price not computed: {exc}")
    progress.done()

    def threshold_doc(t: Any) -> Any:
        if t is None:
            return None
        return {**_num(t.value, t.exact), "case": t.case, "method": t.method,
                "equation": str(t.equation), "notes": list(t.notes)}

    iron_doc = None
    if ironed is not None:
        iron_doc = {"ironed": ironed.ironed, "exact": ironed.exact, "method": ironed.method,
                    "intervals": [{"lo": _num(a), "hi": _num(b), "level": _num(lev)}
                                  for a, b, lev in ironed.intervals],
                    "expr": str(ironed.expr)}
    doc = {"shape": {k: _verdict(vd) for k, vd in report.verdicts().items()},
           "virtual_value": {"alpha": str(alpha), "expr": str(J.expr), "nondecreasing": _verdict(mono),
                             "notes": list(J.notes)},
           "ironing": iron_doc,
           "reserve_price": threshold_doc(reserve),
           "market_clearing_price": None if Q is None else {"capacity": _num(Q), **(threshold_doc(market) or {})}}

    lines = [_dist_line(d), "", str(report)]
    lines += ["", f"virtual value J_{alpha}({d.var}) = {J.expr}",
              f"  nondecreasing: {_word(mono)} [{mono.method}]"
              + (f" iff {mono.condition}" if mono.condition not in (None, sp.true, sp.false) else "")]
    if ironed is not None:
        if ironed.intervals:
            for a, b, lev in ironed.intervals:
                lines.append(f"  ironed (pooled) on [{_show(a)}, {_show(b)}] at level {_show(lev)}")
        else:
            lines.append("  no ironing needed")
    if reserve is not None:
        if reserve.value is None:
            lines.append(f"reserve price r solves {reserve.equation}")
        else:
            lines.append(f"reserve price r = {_show(reserve.value)} ({'exact' if reserve.exact else 'numeric'})"
                         + ("" if reserve.case == "root" else f" [{reserve.case}]"))
    if Q is not None and market is not None:
        if market.value is None:
            lines.append(f"market-clearing price p solves {market.equation}")
        else:
            lines.append(f"market-clearing price for Q = {Q}: p = {_show(market.value)} "
                         f"({'exact' if market.exact else 'numeric'})")

    def derivation():  # the virtual values and the reserve; 'derive --what shape' has the shape proofs
        from . import derive
        fn = getattr(derive, "virtual_values", None)
        if fn is None:
            raise SymmechError("the virtual-value derivation (sm.derive.virtual_values) is not available")
        return fn(d)

    def figure():
        from . import plot
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        plot.distribution(d, ax=axes[0])
        plot.virtual_values(d, alpha=alpha, ax=axes[1])
        fig.tight_layout()
        return fig

    return _Outcome("\n".join(lines), doc, derivation, figure, notes=notes)


# ====================================================================== derive
def _cmd_derive(args: argparse.Namespace, d: Distribution, progress: _Progress) -> _Outcome:
    from . import derive
    what = args.what
    builder_names = {"war_of_attrition": ("war_of_attrition",), "virtual_values": ("virtual_values",),
                     "bulow": ("bulow_puzzle", "bulow"), "shape": ("shape",),
                     "revenue_equivalence": ("revenue_equivalence",)}[what]
    fn = next((getattr(derive, n) for n in builder_names if callable(getattr(derive, n, None))), None)
    if fn is None:
        raise SymmechError(f"the derivation {what!r} is not available in this version of symmech.derive")
    kwargs: Dict[str, Any] = {}
    params = inspect.signature(fn).parameters
    if "players" in params:
        n = _number(args.players, "--players")
        if not (n.is_Integer and n >= 2):
            raise InvalidParameter(f"players must be an integer >= 2, got players = {n}")
        kwargs["players"] = int(n)
    if "cost" in params:
        c = _number(args.cost, "--cost")
        if not c > 0:
            raise InvalidParameter(f"cost must be positive, got cost = {c}")
        kwargs["cost"] = c
    progress(f"deriving {what} and checking every step")
    der = fn(d, **kwargs)
    progress.done()
    counts = der.counts()
    lines = [der.title, _dist_line(d), ""]
    for i, st in enumerate(der.steps, 1):
        claim = st.claim
        text = _claim_text(claim)
        lines.append(f"({i}) {text}")
        lines.append(f"    {st.rule}: {st.justification.replace('$', '')} [{st.status}]")
    lines += ["", "steps checked: " + ", ".join(f"{k} {val}" for k, val in counts.items())]
    doc = {"what": what, "title": der.title, "verified": der.verified, "counts": counts,
           "steps": [{"claim": _claim_text(st.claim), "rule": st.rule, "justification": st.justification,
                      "status": st.status} for st in der.steps]}
    figure = None
    if what == "bulow":
        def figure():
            from . import plot
            from .equilibria import war_of_attrition
            from .mechanism import equal_split
            return plot.payoffs([equal_split(2), war_of_attrition(d)], d)
    elif what == "virtual_values":
        def figure():
            from . import plot
            return plot.virtual_values(d)
    elif what == "shape":
        def figure():
            from . import plot
            return plot.distribution(d)
    return _Outcome("\n".join(lines), doc, lambda: der, figure)


def _claim_text(claim: Any) -> str:
    from .derivation import Definition, Statement
    if isinstance(claim, Definition):
        return f"{claim.lhs} := {claim.rhs}"
    if isinstance(claim, Statement):
        parts = [p for p in (claim.text, None if claim.expr is None else str(claim.expr)) if p]
        return ": ".join(parts)
    if isinstance(claim, sp.Equality):
        return f"{claim.lhs} = {claim.rhs}"
    return str(claim)


# ====================================================================== bulow
def _cmd_bulow(args: argparse.Namespace, d: Distribution, progress: _Progress) -> _Outcome:
    from .bulow import DEFAULT_GRIDS as BULOW_GRIDS, bulow_puzzle
    grids = tuple(args.grids) if args.grids else BULOW_GRIDS
    if args.grids and len(grids) < 3:
        raise InvalidParameter(f"a refinement needs at least three grid sizes (never one grid), got {list(grids)}")
    progress("solving Bulow's puzzle" + (" (LP refinement n = " + ", ".join(map(str, grids)) + ")"
                                        if args.lp else ""))
    b = bulow_puzzle(d, grids, lp=True if args.lp else None)
    progress.done()

    def quantity(q: Any) -> Dict[str, Any]:
        exact = getattr(q, "is_exact", False)
        out = _num(q.value, exact)
        out.update({"error": float(q.error), "method": q.method,
                    "condition": None if q.condition in (sp.true, True) else str(q.condition)})
        return out

    ref = b.refinement
    doc = {"status_quo_payoff": str(b.status_quo_payoff), "difference": str(b.difference),
           "split_pareto_improves": _verdict(b.split_pareto_improves),
           "split_optimal": _verdict(b.split_optimal),
           "strict_improvement": _verdict(b.strict_improvement),
           "crossing_points": [_num(c) for c in b.crossing_points],
           "status_quo_value": quantity(b.status_quo_value), "split_value": quantity(b.split_value),
           "optimal_value": quantity(b.optimal_value),
           "refinement": None if ref is None else {
               "grids": list(ref.grids), "objective": list(ref.objective), "status_quo": list(ref.status_quo),
               "raw_gain": list(ref.gain), "verifier_worst_violation": list(ref.violations),
               "gain_limit": quantity(ref.gain_limit), "gain_judgement": ref.gain_judgement},
           "steps": [[str(c), r] for c, r in b.steps]}
    text = str(b)
    files: Dict[str, Optional[str]] = {}
    notes: List[str] = []

    def derivation():
        from . import derive
        fn = getattr(derive, "bulow_puzzle", None) or getattr(derive, "bulow", None)
        if fn is None:
            raise SymmechError("the Bulow derivation (sm.derive.bulow_puzzle) is not available in this version")
        return fn(d)

    def figure():
        from . import plot
        from .mechanism import equal_split
        return plot.payoffs([equal_split(2), _woa_payoff(d, b)], d)

    out = _Outcome(text, doc, derivation, figure, files, notes)
    if not args.no_write:
        out.files.update(_write_bulow_files(args, d, out, progress))
    return out


def _woa_payoff(d: Distribution, b: Any) -> Any:
    from .interim import InterimMechanism
    return InterimMechanism("war of attrition", d.var, d.cdf, d.var * d.cdf - b.status_quo_payoff,
                            b.status_quo_payoff)


def _write_bulow_files(args: argparse.Namespace, d: Distribution, out: _Outcome,
                       progress: _Progress) -> Dict[str, Optional[str]]:
    folder = Path(args.out or DEFAULT_OUT)
    tex = folder / f"bulow_{_slug(d)}.tex"
    progress("writing the derivation")
    try:
        der = out.derivation()
    except SymmechError as exc:
        progress.done()
        out.notes.append(f"derivation not written: {exc}")
        return {"tex": None, "pdf": None}
    res = der.write(tex, pdf=not args.no_pdf, overwrite=True, allow_unverified=args.allow_unverified)
    progress.done()
    if not args.no_pdf and not res.pdf_made:
        out.notes.append(res.message)
    out.text += "\n" + str(res)
    return {"tex": str(res.path), "pdf": str(res.pdf_path) if res.pdf_made else None}


# ====================================================================== LP commands
def _refinement_doc(ref: Any) -> Dict[str, Any]:
    get = lambda name, default=None: getattr(ref, name, default)  # noqa: E731
    return {"grids": [int(n) for n in get("grids", ())], "values": [float(x) for x in get("values", ())],
            "limit": _float(get("limit")), "error": _float(get("error")),
            "order": _float(get("order"))}


def _run_refinement(label: str, solve: Callable[[int], Any], grids: Sequence[int],
                    progress: _Progress) -> Tuple[List[Any], Any]:
    """Solve on each grid (with progress), then hand the solutions to ``sm.refine``."""
    from .optimize import refine
    sols: List[Any] = []
    for i, n in enumerate(grids, 1):
        progress(f"{label}: LP on grid n = {n} ({i}/{len(grids)})")
        sols.append(solve(n))
    cache = dict(zip(grids, sols))
    progress(f"{label}: extrapolating")
    ref = refine(lambda n: cache[n] if n in cache else solve(n), grids=tuple(grids))
    progress.done()
    return sols, ref


def _verify_all(sols: Sequence[Any]) -> List[Tuple[int, float]]:
    """Grid size and worst violation of each solution, from the verifier (not the LP)."""
    from .optimize import verify_mechanism
    return [(s.n, float(verify_mechanism(s).worst_violation)) for s in sols]


def _grid_size(sol: Any) -> int:
    return int(sol.n)


def _cmd_mechanism(args: argparse.Namespace, d: Distribution, progress: _Progress) -> _Outcome:
    from .optimize import optimal_mechanism
    _need_numeric(d, "the mechanism LP")
    alpha = _alpha(args.alpha)
    Q = _capacity(args.capacity)
    grids = _grids(args)
    sq = status_quo_from_spec(args.status_quo, d)
    kw = dict(alpha=alpha, capacity=Q, status_quo=sq, make_whole=args.make_whole)
    sols, ref = _run_refinement("optimal mechanism", lambda n: optimal_mechanism(d, grid=n, **kw), grids, progress)
    return _lp_outcome("mechanism", d, sols, ref, sq, args, kw)


def _cmd_bargain(args: argparse.Namespace, d: Distribution, progress: _Progress) -> _Outcome:
    from .optimize import optimal_bargaining
    _need_numeric(d, "the bargaining LP")
    grids = _grids(args)
    sq = status_quo_from_spec(args.status_quo, d, bargaining=True)
    kw = dict(status_quo=sq, formulation=args.formulation)
    sols, ref = _run_refinement("optimal bargaining", lambda n: optimal_bargaining(d, grid=n, **kw), grids, progress)
    return _lp_outcome("bargain", d, sols, ref, sq, args, kw)


def _lp_outcome(kind: str, d: Distribution, sols: List[Any], ref: Any, sq: Any,
                args: argparse.Namespace, kw: Dict[str, Any]) -> _Outcome:
    from .optimize import refine
    verif = _verify_all(sols)
    grids = [_grid_size(s) for s in sols]
    finest = sols[-1]
    structures = [s.structure() for s in sols]
    sq_name = None if sq is None else (getattr(finest, "status_quo", None) or
                                       (sq if isinstance(sq, str) else getattr(sq, "name", None) or f"U0 = {sq}"))
    setting = {k: (None if val is None else (val if isinstance(val, (bool, str)) else str(val)))
               for k, val in kw.items() if k != "status_quo"}
    setting["status_quo"] = sq_name
    setting["grids"] = grids
    gain_ref = sq_ref = None
    if all(getattr(s, "gain", None) is not None for s in sols):
        by_n = dict(zip(grids, sols))
        gain_ref = refine(lambda n: by_n[n].gain, grids=tuple(grids))
        sq_ref = refine(lambda n: by_n[n].status_quo_value, grids=tuple(grids))
    doc = {"setting": setting,
           "objective": _refinement_doc(ref),
           "status_quo_value": None if sq_ref is None else _refinement_doc(sq_ref),
           "gain": None if gain_ref is None else _refinement_doc(gain_ref),
           "verifier": [{"grid": n, "worst_violation": w, "passed": w <= 1e-9} for n, w in verif],
           "structure": [st.to_dict() for st in structures],
           "solution": {"grid": grids[-1], "v": _arr(finest.grid), "x": _arr(finest.x), "t": _arr(finest.t),
                        "U": _arr(finest.U), "U0": _arr(getattr(finest, "U0", None)),
                        "objective": _float(finest.objective), "method": getattr(finest, "method", None)}}
    title = "Optimal mechanism" if kind == "mechanism" else "Optimal bargaining mechanism"
    shown = {k: val for k, val in setting.items() if k != "grids" and val is not None}
    lines = [f"{title} for F({d.var}) = {d.cdf} on [{d.lo}, {d.hi}]",
             "  " + ", ".join(f"{k} = {val}" for k, val in shown.items()), ""]

    def table(label: str, r: Any) -> None:
        lines.append(f"{label} along the refinement:")
        for n, val in zip(r.grids, r.values):
            lines.append(f"  n = {n:>6}: {val:.10g}")
        lines.append(f"  extrapolated limit {r.limit:.8g} +- {r.error:.2g}"
                     + (f" (observed order {r.order:.2g})" if r.order is not None else f" ({r.method})"))

    table("objective" if kind == "mechanism" else "ex ante payoff per player", ref)
    if gain_ref is not None:
        table(f"gain over the status quo ({sq_name})", gain_ref)
        lines.append("  (a raw grid gain that shrinks like 1/n is a discretisation artefact: "
                     "only the limit speaks for the continuum)")
    lines.append("verifier (independent of the LP): worst violation "
                 + ", ".join(f"n={n}: {w:.1e}" for n, w in verif))
    lines.append("")
    lines.append("certain allocation (x = 1) along the refinement: "
                 + "; ".join(f"n={st.n}: {_intervals(st.certain_set)}" for st in structures))
    lines.append("goods at price 0 along the refinement: "
                 + "; ".join(f"n={st.n}: {st.free_goods:.4g}" for st in structures))
    lines += ["", f"structure on the finest grid (n = {grids[-1]}):", textwrap.indent(str(structures[-1]), "  ")]

    def figure():
        from . import plot
        return plot.mechanism(sols, status_quo=None if isinstance(sq, str) or isinstance(sq, sp.Basic) else sq)

    return _Outcome("\n".join(lines), doc, None, figure)


def _intervals(iv: Sequence[Tuple[float, ...]]) -> str:
    return "none" if not iv else " u ".join(f"[{a:.4g}, {b:.4g}]" for a, b, *_ in iv)


def _arr(a: Any) -> Optional[List[float]]:
    if a is None:
        return None
    try:
        return [float(x) for x in a]
    except TypeError:
        return None


# ====================================================================== check
def _cmd_check(args: argparse.Namespace, d: Distribution, progress: _Progress) -> _Outcome:
    from . import propositions
    prop = getattr(propositions, _PROPS[args.prop])
    alpha = _alpha(args.alpha)
    Q = _capacity(args.capacity)
    grids = _grids(args)
    sq = status_quo_from_spec(args.status_quo, d)
    setting: Dict[str, Any] = dict(alpha=alpha, make_whole=args.make_whole, grids=grids,
                                   symbolic=not args.numeric_only)
    if Q is not None:
        setting["capacity"] = Q
    if sq is not None:
        setting["status_quo"] = sq
    progress(f"checking {prop.name} (symbolic argument, else LP refinement n = {', '.join(map(str, grids))})")
    res = propositions.check(prop, d, **setting)
    progress.done()
    ev = res.evidence
    doc = {"proposition": prop.key, "name": prop.name, "statement": prop.statement,
           "status": res.status,
           "condition": None if res.condition in (sp.true, True) else str(res.condition),
           "hypotheses": [{"name": n, **_verdict(vd)} for n, vd in ev.hypotheses],
           "conclusion": _verdict(res.conclusion),
           "refinements": [r.to_dict() for r in ev.refinements],
           "exact": [[n, str(x)] for n, x in ev.exact],
           "verifier": [{"grid": int(n), "worst_violation": float(w)} for n, w in ev.verifier],
           "counterexample": None if ev.counterexample is None else _jsonable(
               {str(k): (x if isinstance(x, (int, float, str, bool)) else str(x)) for k, x in ev.counterexample.items()}),
           "steps": [[str(c), r] for c, r in res.steps],
           "setting": res.setting.to_dict(), "notes": list(res.notes)}

    def derivation():
        from . import derive
        fn = getattr(derive, "proposition", None)
        if fn is None:
            raise SymmechError("the proposition derivation (sm.derive.proposition) is not available in this version")
        return fn(res)

    figure = None
    if prop.key == "BULOW_THEOREM":
        def figure():
            from . import plot
            from .equilibria import war_of_attrition
            from .mechanism import equal_split
            return plot.payoffs([equal_split(2), war_of_attrition(d)], d)
    return _Outcome(str(res), doc, derivation, figure)


_COMMANDS = {"analyze": _cmd_analyze, "derive": _cmd_derive, "mechanism": _cmd_mechanism,
             "bargain": _cmd_bargain, "check": _cmd_check, "bulow": _cmd_bulow}


# ====================================================================== output
def _emit(args: argparse.Namespace, d: Distribution, out: _Outcome, progress: _Progress,
          stdout: Any) -> None:
    _, pdf_file = _density_args(args)
    needs_derivation = args.latex or args.markdown or pdf_file
    der = None
    if needs_derivation:
        if out.derivation is None:
            raise UsageError(f"'{args.command}' has no derivation to print; use --json or the text report")
        progress("building the derivation")
        der = out.derivation()
        progress.done()
    if pdf_file:
        target = Path(pdf_file)
        progress(f"compiling {target.name} with latexmk")
        res = der.write(target.with_suffix(".tex"), pdf=True, overwrite=True, allow_unverified=args.allow_unverified)
        progress.done()
        if not res.pdf_made:
            raise SymmechError(res.message.split("; ", 1)[-1])
        out.files["tex"] = str(res.path)
        out.files["pdf"] = str(res.pdf_path)
    if args.plot:
        if out.figure is None:
            raise UsageError(f"'{args.command}' has no figure; drop --plot")
        progress(f"drawing {args.plot}")
        _save_figure(out.figure, args.plot)
        progress.done()
        out.files["plot"] = args.plot
    if args.latex:
        stdout.write(der.to_latex(allow_unverified=args.allow_unverified))
    elif args.markdown:
        stdout.write(der.to_markdown(allow_unverified=args.allow_unverified))
    elif args.json:
        doc = {"schema": SCHEMA, "command": args.command, "symmech_version": _version(),
               "distribution": _dist_doc(d), **out.doc,
               "files": {k: out.files.get(k) for k in ("tex", "pdf", "plot")},
               "notes": list(out.notes)}
        stdout.write(json.dumps(_jsonable(doc), indent=2, allow_nan=False) + "\n")
    else:
        text = out.text
        written = [f"wrote {val}" for k, val in out.files.items() if val and k in ("plot",)]
        if pdf_file:
            written.append(f"wrote {out.files['tex']} and {out.files['pdf']}")
        extra = [f"note: {n}" for n in out.notes]
        stdout.write("\n".join([text] + extra + written) + "\n")


def _save_figure(build: Callable[[], Any], path: str) -> None:
    target = Path(path)
    if target.suffix.lower() not in (".png", ".pdf", ".svg", ".jpg", ".jpeg"):
        raise InvalidParameter(f"--plot needs a .png, .pdf, .svg or .jpg file, got {path!r}")
    try:
        import matplotlib
    except ImportError:
        raise SymmechError("plotting needs matplotlib: pip install 'symmech[plot]'") from None
    if os.environ.get("MPLBACKEND") is None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = build()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110)
    plt.close(fig)


def _version() -> str:
    from . import __version__
    return __version__


# ====================================================================== entry point
def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``symmech`` command with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    0 on success, 2 on bad input (one line on stderr), 1 on an internal error.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    stdout, stderr = sys.stdout, sys.stderr
    progress = _Progress(False)
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            args = build_parser().parse_args(argv)
            progress = _Progress(not args.quiet and _isatty(stderr))
            d = distribution_from_args(args)
            out = _COMMANDS[args.command](args, d, progress)
            _emit(args, d, out, progress, stdout)
        stdout.flush()
        return 0
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except KeyboardInterrupt:
        progress.done()
        stderr.write("symmech: interrupted\n")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:  # pragma: no cover
            pass
        return 0
    except SymmechError as exc:
        progress.done()
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(f"symmech: error: {_one_line(exc)}\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - the command must never end in a bare traceback
        progress.done()
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(f"symmech: error: internal error ({type(exc).__name__}: {_one_line(exc)}); "
                     "rerun with --debug for the traceback\n")
        return 1


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _one_line(exc: BaseException) -> str:
    msg = str(exc).strip() or type(exc).__name__
    lines = [ln.strip() for ln in msg.splitlines() if ln.strip()]
    msg = "; ".join(lines)
    return msg if len(msg) <= 400 else msg[:397] + "..."
