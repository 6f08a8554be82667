"""Safe parsing of user text into SymPy expressions (no ``eval`` of user text).

The text is parsed with :func:`ast.parse` and the tree is walked by hand; SymPy objects
are built with SymPy constructors only, so nothing the user typed is ever executed.

Grammar accepted
----------------
::

    expr  := number | name | constant | expr OP expr | ('-' | '+') expr | '(' expr ')'
           | func '(' expr {',' expr} ')'
           | 'Piecewise' '(' '(' expr ',' cond ')' {',' '(' expr ',' cond ')'} ')'
    OP    := '+' | '-' | '*' | '/' | '**' | '^'          ('^' means '**', as in Mathematica)
    cond  := expr CMP expr {CMP expr}                     (a chain means And of the links)
           | cond '&' cond | cond '|' cond | cond 'and' cond | cond 'or' cond
           | '(' cond ')' | 'True' | 'False'
    CMP   := '<' | '<=' | '>' | '>='
    number   := an int literal (|n| <= 10**100) or a float literal, read exactly from its
                decimal text (0.1 -> 1/10)
    name     := a key of ``symbols`` (by default only ``v``)
    constant := pi | E | oo                               (a declared symbol overrides these)
    func     := exp | log | ln | sqrt | Abs | sin | cos | tan | atan | sinh | cosh | tanh
              | erf | erfc | gamma | beta | Min | Max

``log``/``ln`` take one argument or two (``log(x, b)``); ``beta`` takes two; ``Min``/``Max``
take 1 to 20. Conditions (comparisons, ``&``, ``|``) appear only inside ``Piecewise``
(or at the top level of :func:`parse_condition`). ``&`` binds tighter than comparisons,
as in Python, so write ``(v > 0) & (v < 1)`` or ``0 < v < 1``. Values are real: ``I``,
imaginary literals, and constant pieces that evaluate to a non-real number, ``zoo`` or
``nan`` (``sqrt(-1)``, ``1/0``) are refused.

Everything else (attribute access, subscripts, lambdas, comprehensions, strings, bytes,
f-strings, keywords, starred arguments, walrus, conditional expressions, unknown names and
calls, comments) is refused with a one-line :class:`~symmech.errors.ParseError` quoting
the offending piece. Before any SymPy object is built the text must pass size guards:
at most 5000 characters, AST depth 60 (a chain ``a + b + c ...`` counts once) and 2000
nodes, and no constant power or product whose exact value would exceed 4000 digits
(estimated in floating point, towers recursively); a numeric exponent above 1000 in
absolute value on an expression with symbols is refused too. The SymPy build then repeats
the power check on the exact operands (also for ``exp(c*log(x))``, which SymPy turns into
``x**c``) before each power is formed, and runs under a time budget.

Examples
--------
>>> import sympy as sp
>>> parse("v^2/2 + 0.1")
v**2/2 + 1/10
>>> k = sp.Symbol("k", positive=True)
>>> parse("k*v**(k - 1)", {"v": sp.Symbol("v", real=True), "k": k})
k*v**(k - 1)
>>> parse("x**2")
Traceback (most recent call last):
...
symmech.errors.ParseError: unknown name 'x' in 'x**2': allowed names are v
"""

from __future__ import annotations

import ast
import math
import time
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable, Dict, List, Mapping, Optional, Tuple

import sympy as sp

from .budget import DEFAULT_BUDGET, bounded, time_budget
from .errors import BudgetExceeded, InvalidParameter, ParseError

# the limits and whitelists below stay reachable as symmech.parsing.<NAME>
__all__ = ["parse", "parse_number", "parse_condition", "parse_assignment"]

#: most characters a text may have
MAX_LENGTH = 5000
#: deepest AST nesting (a left-associated chain of + - or * / counts as one level)
MAX_DEPTH = 60
#: most AST nodes (operators and contexts not counted)
MAX_NODES = 2000
#: largest magnitude of an integer literal
MAX_INT = 10**100
#: most decimal digits of any exact constant (per power/product, and in total x2); kept
#: below Python's default int->str limit (4300 digits) so every result can be printed
MAX_DIGITS = 4000
#: largest |numeric exponent| allowed on an expression that contains symbols
MAX_SYMBOLIC_EXPONENT = 1000
#: largest digits of a rational taken to a non-integer power (SymPy factors it)
MAX_ROOT_DIGITS = 100
#: largest |argument| of gamma/beta when it is a constant (gamma(n) = (n-1)!)
MAX_GAMMA_ARG = 1000
#: most arguments of Min/Max and pieces of Piecewise
MAX_ARGS = 20
MAX_PIECES = 50
#: wall-clock seconds for building the SymPy object, and for evaluating one Min/Max
PARSE_SECONDS = DEFAULT_BUDGET
MINMAX_SECONDS = 1.0

_V = sp.Symbol("v", real=True)  # equal to symmech.v (SymPy caches by name and assumptions)

ALLOWED_CONSTANTS: Dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}

# name -> (SymPy callable, min args, max args)
ALLOWED_FUNCTIONS: Dict[str, Tuple[Callable, int, int]] = {
    "exp": (sp.exp, 1, 1),
    "log": (sp.log, 1, 2),
    "ln": (sp.log, 1, 2),
    "sqrt": (sp.sqrt, 1, 1),
    "Abs": (sp.Abs, 1, 1),
    "sin": (sp.sin, 1, 1),
    "cos": (sp.cos, 1, 1),
    "tan": (sp.tan, 1, 1),
    "atan": (sp.atan, 1, 1),
    "sinh": (sp.sinh, 1, 1),
    "cosh": (sp.cosh, 1, 1),
    "tanh": (sp.tanh, 1, 1),
    "erf": (sp.erf, 1, 1),
    "erfc": (sp.erfc, 1, 1),
    "gamma": (sp.gamma, 1, 1),
    "beta": (sp.beta, 2, 2),
    "Min": (sp.Min, 1, MAX_ARGS),
    "Max": (sp.Max, 1, MAX_ARGS),
    "Piecewise": (sp.Piecewise, 1, MAX_PIECES),
}

# functions that map rationals to rationals (so a power of their value can blow up)
_RATIONAL_PRESERVING = {"Abs", "Min", "Max", "sqrt"}

_LOG2 = math.log10(2.0)

_EXPR_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMP_OPS = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}

# friendly names for refused node types (anything not listed gets its class name)
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Starred: "starred argument",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.NamedExpr: "assignment expression (:=)",
    ast.IfExp: "conditional expression (x if c else y)",
    ast.Tuple: "tuple (only Piecewise pieces are pairs)",
    ast.List: "list",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

_SKIP_COUNT = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _q(s: str, width: int = 60) -> str:
    """Quote a piece of user text on one line, shortened if long."""
    if len(s) > width:
        s = s[: width - 3] + "..."
    return repr(s)


class _Source:
    """The user's text, its parseable form and a map back for quoting pieces."""

    def __init__(self, text: str):
        self.text = text
        lead = len(text) - len(text.lstrip())  # ast.parse refuses leading blanks ("indent")
        out: List[str] = []
        back: List[int] = []  # utf-8 byte offset in ``code`` -> char index in ``text``
        for i, ch in enumerate(text[lead:], start=lead):
            rep = "**" if ch == "^" else (" " if ch in "\r\n\t\f\v" else ch)
            out.append(rep)
            back.extend([i] * len(rep.encode("utf-8", "surrogatepass")))
        back.append(len(text))
        self.code = "".join(out)
        self._back = back

    def piece(self, node: ast.AST) -> str:
        try:
            a, b = node.col_offset, node.end_col_offset  # utf-8 bytes; code is one line
            return self.text[self._back[a]: self._back[b - 1] + 1].strip()
        except (AttributeError, IndexError, TypeError):
            return self.text.strip()

    def fail(self, what: str, node: Optional[ast.AST] = None, detail: str = "") -> ParseError:
        whole = self.text.strip()
        piece = whole if node is None else self.piece(node)
        msg = f"{what} in {_q(piece)}"
        if piece != whole:
            msg += f" of {_q(whole)}"
        if detail:
            msg += f": {detail}"
        return ParseError(msg)


@dataclass(frozen=True)
class _Est:
    """Float estimate of a constant subtree: approximate value and digits of its exact form."""

    value: float
    digits: float
    integer: bool


class _Parser:
    def __init__(self, src: _Source, symbols: Mapping[str, sp.Symbol]):
        self.src = src
        self.symbols = symbols
        self.total_digits = 0.0

    # ------------------------------------------------------------------ guards
    def measure(self, tree: ast.AST) -> None:
        """Node count and depth, iteratively (the tree may be arbitrarily deep here)."""
        count = 0
        stack = [(tree, 0)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, _SKIP_COUNT):
                continue
            count += 1
            if count > MAX_NODES:
                raise self.src.fail("expression too large", None, f"more than {MAX_NODES} syntax nodes")
            if depth > MAX_DEPTH:
                raise self.src.fail("expression nested too deeply", None, f"depth above {MAX_DEPTH}")
            for child in ast.iter_child_nodes(node):
                same_chain = (isinstance(node, ast.BinOp) and child is node.left
                              and isinstance(child, ast.BinOp) and _family(child.op) is not None
                              and _family(child.op) == _family(node.op))
                stack.append((child, depth if same_chain else depth + 1))

    def refuse(self, node: ast.AST) -> ParseError:
        if isinstance(node, ast.Constant):
            val = node.value
            if isinstance(val, (str, bytes)):
                kind = "string literal" if isinstance(val, str) else "bytes literal"
            elif isinstance(val, complex):
                return self.src.fail("imaginary literal", node, "values are real")
            elif isinstance(val, bool):
                return self.src.fail(f"boolean {val} outside a Piecewise condition", node)
            else:
                kind = f"constant {val!r}"
            return self.src.fail(f"{kind} is not allowed", node)
        if isinstance(node, ast.Compare):
            return self.src.fail("comparison outside a Piecewise condition", node,
                                 "a condition on its own is read by parse_condition")
        if isinstance(node, ast.BoolOp):
            return self.src.fail("'and'/'or' outside a Piecewise condition", node)
        kind = _REFUSED.get(type(node), type(node).__name__)
        return self.src.fail(f"{kind} is not allowed", node)

    def _spend(self, est: Optional[_Est]) -> None:
        """Charge a maximal constant subtree against the total-digits budget."""
        if est is None:
            return
        self.total_digits += est.digits
        if self.total_digits > 2 * MAX_DIGITS:
            raise self.src.fail("constants too large", None,
                                f"together they would have more than {2 * MAX_DIGITS} digits")

    # --------------------------------------------------------- check (no SymPy)
    def check(self, node: ast.AST) -> Optional[_Est]:
        """Whitelist an expression subtree; estimate it when it is a constant."""
        if isinstance(node, ast.Constant):
            return self._check_constant(node)
        if isinstance(node, ast.Name):
            return self._check_name(node)
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                op = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "?")
                raise self.src.fail(f"operator '{op}' is not allowed", node)
            est = self.check(node.operand)
            return None if est is None else _Est(-est.value, est.digits, est.integer)
        if isinstance(node, ast.BinOp):
            return self._check_binop(node)
        if isinstance(node, ast.Call):
            return self._check_call(node)
        raise self.refuse(node)

    def _check_constant(self, node: ast.Constant) -> _Est:
        val = node.value
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            raise self.refuse(node)
        if isinstance(val, int):
            if abs(val) > MAX_INT:
                raise self.src.fail("integer literal too large", node, "limit 10**100 in magnitude")
            return _Est(float(val), math.log10(abs(val)) if val else 0.0, True)
        dec = self._decimal(node)
        sign, digits, exponent = dec.as_tuple()
        num_digits = len(digits) + max(exponent, 0)
        den_digits = max(-exponent, 0)
        size = max(num_digits, den_digits)
        if size > 100:
            raise self.src.fail("float literal out of range", node,
                                "its exact value needs more than 100 digits")
        return _Est(float(dec), float(size), exponent >= 0)

    def _decimal(self, node: ast.Constant) -> Decimal:
        text = self.src.piece(node).replace("_", "")
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise self.src.fail("malformed number", node) from None
        if not dec.is_finite():  # pragma: no cover - the tokenizer gives digits only
            raise self.src.fail("malformed number", node)
        return dec

    def _check_name(self, node: ast.Name) -> Optional[_Est]:
        name = node.id
        if name in self.symbols:
            return None
        if name in ALLOWED_CONSTANTS:
            val = {"pi": math.pi, "E": math.e, "oo": math.inf}[name]
            return _Est(val, 0.0, False)
        if name == "I":
            raise self.src.fail("imaginary unit 'I' is not allowed", node, "values are real")
        if name in ALLOWED_FUNCTIONS:
            raise self.src.fail(f"function '{name}' used without arguments", node,
                                f"call it, as in {name}(...)")
        raise self._unknown_name(name)

    def _unknown_name(self, name: str) -> ParseError:
        allowed = ", ".join(self.symbols) if self.symbols else "none (a constant is expected)"
        return ParseError(f"unknown name {name!r} in {_q(self.src.text.strip())}: "
                          f"allowed names are {allowed}")

    def _check_binop(self, node: ast.BinOp) -> Optional[_Est]:
        op = type(node.op)
        if op in (ast.BitAnd, ast.BitOr):
            raise self.src.fail(f"'{'&' if op is ast.BitAnd else '|'}' outside a condition", node,
                                "'&' and '|' join conditions; wrap each comparison in "
                                "parentheses, as in (v > 0) & (v < 1)")
        if op not in _EXPR_OPS:
            sym = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
                   ast.RShift: ">>", ast.BitXor: "^"}.get(op, op.__name__)
            raise self.src.fail(f"operator '{sym}' is not allowed", node)
        if op is ast.Pow:
            return self._check_pow(node)
        operands = _flatten(node)
        ests = [self.check(child) for _, child in operands]
        if any(e is None for e in ests):
            for e in ests:
                self._spend(e)
            return None
        value, digits, integer = ests[0].value, ests[0].digits, ests[0].integer
        for (kind, _), e in zip(operands[1:], ests[1:]):
            with _float_guard():
                if kind == "+":
                    value = value + e.value
                elif kind == "-":
                    value = value - e.value
                elif kind == "*":
                    value = value * e.value
                else:
                    value = value / e.value if e.value else math.nan
            if kind in "+-":
                # an integer sum grows by one bit; a rational one multiplies denominators
                both_int = integer and e.integer
                digits = (max(digits, e.digits) if both_int else digits + e.digits) + _LOG2
                integer = integer and e.integer
            else:
                digits = digits + e.digits
                integer = integer and e.integer and kind == "*"
            if digits > MAX_DIGITS:
                raise self.src.fail("number too large", node,
                                    f"its exact value would have about {digits:.2g} digits "
                                    f"(limit {MAX_DIGITS})")
        return _Est(value, digits, integer)

    def _check_pow(self, node: ast.BinOp) -> Optional[_Est]:
        base = self.check(node.left)
        expo = self.check(node.right)
        if base is None or expo is None:
            if base is None and expo is not None:
                if not math.isnan(expo.value) and abs(expo.value) > MAX_SYMBOLIC_EXPONENT:
                    raise self._symbolic_exponent(node)
            self._spend(base)
            self._spend(expo)
            return None
        if math.isnan(expo.value):
            return _Est(math.nan, base.digits, False)  # left to the exact check at build time
        if not expo.integer and base.digits > MAX_ROOT_DIGITS:
            raise self.src.fail("root of a large number", node,
                                f"a non-integer power of a constant with more than "
                                f"{MAX_ROOT_DIGITS} digits")
        mag = abs(expo.value)
        digits = 0.0 if base.digits == 0 else mag * base.digits
        if digits > MAX_DIGITS:
            raise self._too_large(node, digits)
        with _float_guard():
            try:
                value = math.pow(base.value, expo.value)
            except OverflowError:
                value = math.inf
            except (ValueError, ZeroDivisionError):
                value = math.nan
        return _Est(value, digits, base.integer and expo.integer and expo.value >= 0)

    def _too_large(self, node: ast.AST, digits: float) -> ParseError:
        about = ("more digits than a float can count" if math.isinf(digits)
                 else f"about {digits:.2g} digits")
        return self.src.fail("exponent too large", node,
                             f"the exact result would have {about} (limit {MAX_DIGITS} digits)")

    def _symbolic_exponent(self, node: ast.AST) -> ParseError:
        return self.src.fail("exponent too large", node,
                             f"a numeric exponent on an expression with symbols is limited to "
                             f"{MAX_SYMBOLIC_EXPONENT} in absolute value")

    def _check_call(self, node: ast.Call) -> Optional[_Est]:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                raise self.refuse(func)
            raise self.src.fail("call of something that is not a function name", node)
        name = func.id
        if name not in ALLOWED_FUNCTIONS:
            if name in self.symbols or name in ALLOWED_CONSTANTS:
                raise self.src.fail(f"'{name}' is not a function", node)
            allowed = ", ".join(n for n in ALLOWED_FUNCTIONS if n != "ln")
            raise ParseError(f"unknown function {name!r} in {_q(self.src.piece(node))}"
                             + (f" of {_q(self.src.text.strip())}"
                                if self.src.piece(node) != self.src.text.strip() else "")
                             + f": allowed functions are {allowed}")
        for kw in node.keywords:
            piece = f"{kw.arg}=..." if kw.arg else "**..."
            raise self.src.fail(f"keyword argument {_q(piece)} is not allowed", node)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg)
        _, lo, hi = ALLOWED_FUNCTIONS[name]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise self.src.fail(f"{name} takes {want} argument{'s' if hi > 1 else ''}", node,
                                f"got {len(node.args)}")
        if name == "Piecewise":
            return self._check_piecewise(node)
        ests = [self.check(arg) for arg in node.args]
        if any(e is None for e in ests):
            for e in ests:
                self._spend(e)
            return None
        if name in ("gamma", "beta"):
            for arg, e in zip(node.args, ests):
                if not abs(e.value) <= MAX_GAMMA_ARG:  # also catches nan
                    raise self.src.fail(f"{name} of a large constant", node,
                                        f"constant arguments are limited to {MAX_GAMMA_ARG} "
                                        f"in absolute value")
            digits = sum(abs(e.value) * math.log10(abs(e.value) + 2) + e.digits for e in ests)
            return _Est(math.nan, digits, False)
        if name == "sqrt" and ests[0].digits > MAX_ROOT_DIGITS:
            raise self.src.fail("root of a large number", node,
                                f"a square root of a constant with more than {MAX_ROOT_DIGITS} digits")
        digits = sum(e.digits for e in ests) if name in ("log", "ln") else max(e.digits for e in ests)
        # exp(log(2)) == 2: a transcendental function may still return a rational
        value = math.nan
        if name in _RATIONAL_PRESERVING:
            with _float_guard():
                if name == "Abs":
                    value = abs(ests[0].value)
                elif name == "Min":
                    value = min(e.value for e in ests)
                elif name == "Max":
                    value = max(e.value for e in ests)
                elif ests[0].value >= 0:
                    value = math.sqrt(ests[0].value)
        integer = name in ("Abs", "Min", "Max") and all(e.integer for e in ests)
        return _Est(value, digits, integer)

    def _check_piecewise(self, node: ast.Call) -> Optional[_Est]:
        ests = []
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise self.src.fail("Piecewise takes pairs (expression, condition)", arg)
            ests.append(self.check(arg.elts[0]))
            self.check_cond(arg.elts[1])
        if any(e is None for e in ests):
            for e in ests:
                self._spend(e)
            return None
        return _Est(math.nan, max(e.digits for e in ests), False)

    def check_cond(self, node: ast.AST) -> None:
        """Whitelist a condition subtree."""
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return
        if isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _CMP_OPS:
                    sym = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not",
                           ast.In: "in", ast.NotIn: "not in"}.get(type(op), "?")
                    raise self.src.fail(f"comparison '{sym}' is not allowed", node,
                                        "use <, <=, > or >=")
            for side in [node.left, *node.comparators]:
                self._spend(self.check(side))
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            for _, child in _flatten(node):
                self.check_cond(child)
            return
        if isinstance(node, ast.BoolOp):
            for child in node.values:
                self.check_cond(child)
            return
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
            raise self.src.fail("negated condition is not allowed", node, "write the opposite comparison")
        if isinstance(node, (ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp, ast.Call)):
            # an expression (or a refused piece) where a condition belongs: report the
            # refused piece first, then the misplaced expression
            self.check(node)
            raise self.src.fail("expected a condition", node,
                                "a comparison such as v < 1, or True")
        raise self.refuse(node)

    # -------------------------------------------------------------- build (SymPy)
    def build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, int):
                return sp.Integer(node.value)
            num, den = self._decimal(node).as_integer_ratio()
            return sp.Rational(num, den)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            return ALLOWED_CONSTANTS[node.id]
        if isinstance(node, ast.UnaryOp):
            inner = self.build(node.operand)
            return self._sympy(node, lambda: -inner if isinstance(node.op, ast.USub) else inner)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._build_pow(node)
            terms = []
            for kind, child in _flatten(node):
                val = self.build(child)
                if kind == "-":
                    val = self._sympy(child, lambda val=val: -val)
                elif kind == "/":
                    val = self._sympy(node, lambda val=val: sp.Pow(val, -1))
                    self._require_real(node, val)
                terms.append(val)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                out = self._sympy(node, lambda: sp.Add(*terms))
            else:
                out = self._sympy(node, lambda: sp.Mul(*terms))
            if out is sp.nan or out is sp.zoo:
                raise self.src.fail("undefined value", node, f"it evaluates to {out}")
            return out
        if isinstance(node, ast.Call):
            return self._build_call(node)
        raise self.refuse(node)  # pragma: no cover - check() refused it already

    def _build_pow(self, node: ast.BinOp) -> sp.Expr:
        base = self.build(node.left)
        expo = self.build(node.right)
        if expo.is_number and not expo.free_symbols:
            mag = _magnitude(expo)
            if base.free_symbols:
                if mag > MAX_SYMBOLIC_EXPONENT:
                    raise self._symbolic_exponent(node)
            else:
                height = _rational_height(base)
                if not expo.is_Integer and height > MAX_ROOT_DIGITS:
                    raise self.src.fail("root of a large number", node,
                                        f"a non-integer power of a constant with more than "
                                        f"{MAX_ROOT_DIGITS} digits")
                digits = 0.0 if height == 0 else mag * height
                if digits > MAX_DIGITS:
                    raise self._too_large(node, digits)
        if base is sp.E:
            self._check_exp_arg(node, expo)
        out = self._sympy(node, lambda: sp.Pow(base, expo))
        self._require_real(node, out)
        return out

    def _check_exp_arg(self, node: ast.AST, arg: sp.Expr) -> None:
        """SymPy turns exp(c*log(x)) into x**c: apply the power rules to x and c."""
        for term in sp.Add.make_args(arg):
            coeff, rest = term.as_coeff_Mul()
            if not rest.has(sp.log):
                continue
            mag = _magnitude(coeff)
            if rest.free_symbols:
                if mag > MAX_SYMBOLIC_EXPONENT:
                    raise self._symbolic_exponent(node)
            else:
                height = _rational_height(rest)
                digits = 0.0 if height == 0 else mag * height
                if digits > MAX_DIGITS:
                    raise self._too_large(node, digits)

    def _build_call(self, node: ast.Call) -> sp.Expr:
        name = node.func.id
        fn = ALLOWED_FUNCTIONS[name][0]
        if name == "Piecewise":
            pieces = [(self.build(a.elts[0]), self.build_cond(a.elts[1])) for a in node.args]
            out = self._sympy(node, lambda: sp.Piecewise(*pieces))
            self._require_real(node, out)
            return out
        args = [self.build(a) for a in node.args]
        if name == "exp":
            self._check_exp_arg(node, args[0])
        if name in ("gamma", "beta"):
            for a in args:
                if a.is_number and not a.free_symbols and not _magnitude(a) <= MAX_GAMMA_ARG:
                    raise self.src.fail(f"{name} of a large constant", node,
                                        f"constant arguments are limited to {MAX_GAMMA_ARG} "
                                        f"in absolute value")
        if name == "sqrt" and not args[0].free_symbols and _rational_height(args[0]) > MAX_ROOT_DIGITS:
            raise self.src.fail("root of a large number", node,
                                f"a square root of a constant with more than {MAX_ROOT_DIGITS} digits")
        if name in ("Min", "Max"):
            # SymPy compares every pair under assumptions, which can take minutes:
            # past the budget keep the call unevaluated (still the same function)
            out, finished = self._sympy(node, lambda: bounded(fn, *args, seconds=MINMAX_SECONDS))
            if not finished:
                out = self._sympy(node, lambda: fn(*args, evaluate=False))
        else:
            out = self._sympy(node, lambda: fn(*args))
        self._require_real(node, out)
        return out

    def build_cond(self, node: ast.AST):
        if isinstance(node, ast.Constant):
            return sp.true if node.value else sp.false
        if isinstance(node, ast.Compare):
            sides = [self.build(node.left)] + [self.build(c) for c in node.comparators]
            links = [(_CMP_OPS[type(op)], sides[i], sides[i + 1]) for i, op in enumerate(node.ops)]
            rels = [self._sympy(node, lambda r=r: r[0](r[1], r[2])) for r in links]
            return rels[0] if len(rels) == 1 else self._sympy(node, lambda: sp.And(*rels))
        if isinstance(node, ast.BinOp):
            parts = [self.build_cond(child) for _, child in _flatten(node)]
            fn = sp.And if isinstance(node.op, ast.BitAnd) else sp.Or
            return self._sympy(node, lambda: fn(*parts))
        if isinstance(node, ast.BoolOp):
            parts = [self.build_cond(child) for child in node.values]
            fn = sp.And if isinstance(node.op, ast.And) else sp.Or
            return self._sympy(node, lambda: fn(*parts))
        raise self.refuse(node)  # pragma: no cover - check_cond() refused it already

    def _sympy(self, node: ast.AST, thunk: Callable):
        """Run one SymPy constructor; its own errors become a ParseError on ``node``."""
        try:
            return thunk()
        except (ParseError, BudgetExceeded):
            raise
        except RecursionError:
            raise self.src.fail("expression too deep for SymPy", node) from None
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, AttributeError,
                IndexError, KeyError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise self.src.fail("SymPy cannot build", node, _q(first, 100)[1:-1]) from None

    def _require_real(self, node: ast.AST, out: sp.Basic) -> None:
        if out.has(sp.zoo, sp.nan):
            raise self.src.fail("undefined value", node, "division by zero or an indeterminate form")
        if out.has(sp.I):
            raise self.src.fail("non-real value", node, "values are real")
        if out.is_number and not out.free_symbols and out.is_extended_real is False:
            raise self.src.fail("non-real value", node, "values are real")


# ------------------------------------------------------------------------ helpers
class _float_guard:
    """Silence float overflow in estimates: an inf estimate is the answer, not an error."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return exc_type is not None and issubclass(exc_type, (OverflowError, ZeroDivisionError))


def _family(op: ast.operator) -> Optional[str]:
    if isinstance(op, (ast.Add, ast.Sub)):
        return "add"
    if isinstance(op, (ast.Mult, ast.Div)):
        return "mul"
    if isinstance(op, (ast.BitAnd,)):
        return "and"
    if isinstance(op, (ast.BitOr,)):
        return "or"
    return None


def _flatten(node: ast.BinOp) -> List[Tuple[str, ast.AST]]:
    """The operands of a left-associated chain ``a + b - c`` as [('+', a), ('+', b), ('-', c)]."""
    fam = _family(node.op)
    out: List[Tuple[str, ast.AST]] = []
    cur: ast.AST = node
    while isinstance(cur, ast.BinOp) and _family(cur.op) == fam:
        out.append((_EXPR_OPS.get(type(cur.op), "&"), cur.right))
        cur = cur.left
    out.append(("+" if fam == "add" else "*", cur))
    out.reverse()
    return out


def _magnitude(x: sp.Expr) -> float:
    """|x| as a float (inf on overflow or when it cannot be evaluated)."""
    if x.is_Rational:
        p, q = abs(int(x.p)), int(x.q)
        if p == 0:
            return 0.0
        lg = math.log10(p) - math.log10(q)
        return math.inf if lg > 300 else 10.0 ** lg
    if x.has(sp.oo, -sp.oo, sp.zoo):
        return math.inf
    try:
        val = complex(x.evalf(15))
    except (TypeError, ValueError, OverflowError):
        return math.inf
    mag = abs(val)
    return mag if math.isfinite(mag) else math.inf


def _rational_height(x: sp.Basic) -> float:
    """Largest log10(max(|p|, q)) over the rational atoms of ``x`` (0 when none)."""
    height = 0.0
    for r in x.atoms(sp.Rational):
        big = max(abs(int(r.p)), int(r.q))
        if big > 1:
            height = max(height, math.log10(big))
    return height


def _check_symbols(symbols: Optional[Mapping[str, sp.Symbol]]) -> Mapping[str, sp.Symbol]:
    if symbols is None:
        return {"v": _V}
    if not isinstance(symbols, Mapping):
        raise InvalidParameter(f"symbols must map names to SymPy Symbols, got {type(symbols).__name__}")
    for name, sym in symbols.items():
        if not (isinstance(name, str) and name.isidentifier()):
            raise InvalidParameter(f"symbol names must be identifiers, got {name!r}")
        if not isinstance(sym, sp.Symbol):
            raise InvalidParameter(f"symbols[{name!r}] must be a SymPy Symbol, got {sym!r}")
    return symbols


def _run(text: str, symbols: Optional[Mapping[str, sp.Symbol]], mode: str):
    if not isinstance(text, str):
        raise ParseError(f"expected text (str) to parse, got {type(text).__name__}")
    symbols = _check_symbols(symbols)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"text too long in {_q(text)}: {len(text)} characters (limit {MAX_LENGTH})")
    src = _Source(text)
    if not text.strip():
        raise ParseError("empty expression in ''" if not text else f"empty expression in {_q(text)}")
    if "#" in text:
        raise src.fail("comment ('#') is not allowed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning "invalid decimal literal"
            tree = ast.parse(src.code, mode="eval")
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError) as exc:
        msg = (str(getattr(exc, "msg", "") or exc).strip().splitlines() or ["invalid syntax"])[0]
        if isinstance(exc, (MemoryError, RecursionError)) or "too many nested" in msg:
            raise src.fail("expression nested too deeply", None, _q(msg, 100)[1:-1]) from None
        if "Exceeds the limit" in msg:
            raise src.fail("integer literal too large", None, "limit 10**100 in magnitude") from None
        raise src.fail("invalid syntax", None, _q(msg, 100)[1:-1]) from None
    parser = _Parser(src, symbols)
    parser.measure(tree.body)
    body = tree.body
    if mode == "cond":
        parser.check_cond(body)
    else:
        parser._spend(parser.check(body))
    started = time.monotonic()
    try:
        with time_budget(PARSE_SECONDS):
            return parser.build_cond(body) if mode == "cond" else parser.build(body)
    except BudgetExceeded:
        if time.monotonic() - started < PARSE_SECONDS * 0.99:
            raise  # an outer budget of the caller expired, not ours
        raise src.fail("expression too costly to build", None,
                       f"SymPy needed more than {PARSE_SECONDS:g} s") from None


# ------------------------------------------------------------------------ public
def parse(text: str, symbols: Optional[Mapping[str, sp.Symbol]] = None) -> sp.Expr:
    """Parse user text into a SymPy expression without evaluating it as Python.

    Parameters
    ----------
    text : str
        The expression, in the grammar of the module docstring (``^`` means ``**``).
    symbols : Mapping[str, sympy.Symbol], optional
        The names allowed in ``text`` and the Symbols they stand for. Default: only ``v``,
        the real value symbol ``symmech.v``. A declared name overrides the constants
        ``pi``, ``E``, ``oo`` (but a call ``beta(a, b)`` still means the function).

    Returns
    -------
    sympy.Expr
        Equal to what ``sympify`` gives on the same benign text, except that float
        literals become exact rationals.

    Raises
    ------
    ParseError
        On anything outside the grammar or the size guards; the one-line message names the
        rule and quotes the offending piece.

    Examples
    --------
    >>> import sympy as sp
    >>> a = sp.Symbol("a", positive=True)
    >>> parse("Piecewise((v**a, v < 1), (1, True))", {"v": sp.Symbol("v", real=True), "a": a})
    Piecewise((v**a, v < 1), (1, True))
    >>> parse("__import__('os').system('ls')")
    Traceback (most recent call last):
    ...
    symmech.errors.ParseError: attribute access is not allowed in "__import__('os').system" of "__import__('os').system('ls')"
    >>> parse("2**10**10")
    Traceback (most recent call last):
    ...
    symmech.errors.ParseError: exponent too large in '2**10**10': the exact result would have about 3e+09 digits (limit 4000 digits)
    """
    return _run(text, symbols, "expr")


def parse_condition(text: str, symbols: Optional[Mapping[str, sp.Symbol]] = None):
    """Parse a condition such as ``"(k > 0) & (k <= 2)"`` into a SymPy Boolean.

    The grammar is the ``cond`` rule of the module docstring (comparisons ``< <= > >=``,
    chains, ``&``/``|``/``and``/``or``, ``True``/``False``); used for parameter assumptions.

    Examples
    --------
    >>> import sympy as sp
    >>> k = sp.Symbol("k", real=True)
    >>> parse_condition("0 < k <= 2", {"k": k})
    (k <= 2) & (0 < k)
    """
    return _run(text, symbols, "cond")


def parse_number(text: str) -> sp.Expr:
    """Parse a constant (no names but ``pi``, ``E``, ``oo``), e.g. a support bound.

    Examples
    --------
    >>> parse_number("1/2"), parse_number("-oo"), parse_number("sqrt(8)"), parse_number("2.5e-1")
    (1/2, -oo, 2*sqrt(2), 1/4)
    """
    return _run(text, {}, "expr")


def parse_assignment(text: str, symbols: Optional[Mapping[str, sp.Symbol]] = None
                     ) -> Tuple[str, sp.Expr]:
    """Parse ``"name=value"`` (a CLI parameter setting) into ``(name, expr)``.

    With ``symbols``, the name must be one of its keys and the value may use them; without,
    any identifier is accepted as the name and the value must be a constant.

    Examples
    --------
    >>> parse_assignment("k = 3/2")
    ('k', 3/2)
    >>> parse_assignment("x=1", {"k": __import__("sympy").Symbol("k")})
    Traceback (most recent call last):
    ...
    symmech.errors.ParseError: unknown parameter 'x' in 'x=1': allowed names are k
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text (str) to parse, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"text too long in {_q(text)}: {len(text)} characters (limit {MAX_LENGTH})")
    if "=" not in text:
        raise ParseError(f"missing '=' in {_q(text)}: write name=value, as in k=2")
    name, _, value = text.partition("=")
    name = name.strip()
    if not name.isidentifier() or name.startswith("__"):
        raise ParseError(f"not a parameter name {_q(name)} in {_q(text)}: write name=value, as in k=2")
    if symbols is not None:
        symbols = _check_symbols(symbols)
        if name not in symbols:
            allowed = ", ".join(symbols) if symbols else "none"
            raise ParseError(f"unknown parameter {name!r} in {_q(text)}: allowed names are {allowed}")
    if value.lstrip().startswith("="):
        raise ParseError(f"'==' in {_q(text)}: write name=value, as in k=2")
    return name, _run(value, symbols if symbols is not None else {}, "expr")
