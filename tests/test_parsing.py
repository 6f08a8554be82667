"""Tests for symmech.parsing: the grammar, the guards, hostile input and a fuzz test."""

from __future__ import annotations

import sys
import time

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symmech import parsing
from symmech.budget import time_budget
from symmech.errors import BudgetExceeded, InvalidParameter, ParseError, SymmechError
from symmech.parsing import parse, parse_assignment, parse_condition, parse_number

v = sp.Symbol("v", real=True)
k = sp.Symbol("k", positive=True)
a = sp.Symbol("a", positive=True)
b = sp.Symbol("b", positive=True)
NAMES = {"v": v, "k": k, "a": a, "b": b}


def assert_refused(text, symbols=NAMES, *, fn=parse, match=None):
    with pytest.raises(ParseError) as info:
        fn(text, symbols) if fn is not parse_number else fn(text)
    err = info.value
    assert isinstance(err, SymmechError) and isinstance(err, ValueError)
    msg = str(err)
    assert msg and len(msg.splitlines()) == 1, msg
    if match is not None:
        assert match in msg, msg
    return msg


# --------------------------------------------------------------------- benign text
# Hard-coded strings only: sympify is called on these and nothing else. rational=True
# makes sympify read floats as exact decimals, which is what parse does.
BENIGN = [
    "v", "v + 1", "v**2", "v^2", "-v**2", "+v", "2*v - 3", "v/2 + 1/3", "1 - (1 - v)**k",
    "k*v**(k - 1)", "v**a*(1 - v)**(b - 1)", "exp(-k*v)", "1 - exp(-(v/a)**k)",
    "log(v)", "ln(1 + v)", "log(v, 2)", "sqrt(v**2 + 1)", "Abs(v - 1/2)", "sin(pi*v)",
    "cos(v)**2 + tan(v)", "atan(v)", "sinh(v) - cosh(v) + tanh(v)", "erf(v/sqrt(2))/2 + 1/2",
    "erfc(v)", "gamma(a + b)/(gamma(a)*gamma(b))", "beta(a, b)", "Min(v, 1)", "Max(0, v - k)",
    "E**v", "exp(1) - E", "oo", "-oo", "pi/4", "0.25*v + 0.5", "1.5e-3*v", "2^3^2",
    "v*(2 - v)", "((v))", "Piecewise((v, v < 1), (1, True))",
    "Piecewise((0, v <= 0), (v**2, v <= 1), (1, True))", "(v - a)/(b - a)",
    "1 - (1 - v**a)**b",
]


@pytest.mark.parametrize("text", BENIGN)
def test_benign_matches_sympify(text):
    assert parse(text, NAMES) == sp.sympify(text, locals=dict(NAMES), rational=True)


@pytest.mark.parametrize("text", BENIGN)
def test_benign_round_trips_through_str(text):
    expr = parse(text, NAMES)
    assert parse(str(expr), NAMES) == expr


def test_corpus_is_large_enough():
    assert len(BENIGN) >= 30


def test_floats_become_exact_decimals():
    # the decimal text, not the binary double: 0.1 is 1/10, not 3602879701896397/2**55
    assert parse("0.1") == sp.Rational(1, 10)
    assert parse("1e-3") == sp.Rational(1, 1000)
    assert parse("2.5E+2") == 250
    assert parse("1_000.5") == sp.Rational(2001, 2)
    assert parse(".5") == sp.Rational(1, 2) and parse("3.") == 3
    assert parse_number("0.3333333333333333333333333333") == sp.Rational(3333333333333333333333333333, 10**28)


def test_caret_is_power_with_power_precedence():
    assert parse("v^2 + 1") == v**2 + 1  # not v**(2 + 1) as Python's xor precedence would give
    assert parse("-v^2") == -(v**2)
    assert parse("2^3^2") == 512  # right-associative: 2**(3**2) = 2**9
    assert parse("v^-1") == 1 / v


def test_long_sums_are_flat_chains_not_deep_trees():
    text = "+".join(["v"] * 900)  # 900 terms: far deeper than MAX_DEPTH if counted naively
    assert parse(text) == 900 * v
    assert parse("v - 1 - 2 - 3") == v - 6
    assert parse("120/2/3/4") == 5


def test_leading_blanks_and_newlines():
    assert parse("  v +\n 1\t") == v + 1


def test_values_against_independent_mpmath():
    """Parsed formulas evaluated by SymPy agree with the same formulas coded in mpmath."""
    cases = [
        ("exp(-v^2/2)/sqrt(2*pi)", lambda x: mpmath.exp(-x**2 / 2) / mpmath.sqrt(2 * mpmath.pi)),
        ("1 - (1 - v**0.5)**3", lambda x: 1 - (1 - mpmath.sqrt(x))**3),
        ("erf(v) + gamma(v + 1)*log(v, 3)", lambda x: mpmath.erf(x) + mpmath.gamma(x + 1) * mpmath.log(x, 3)),
        ("atan(v)*tanh(v)/Abs(v - 2)", lambda x: mpmath.atan(x) * mpmath.tanh(x) / abs(x - 2)),
        ("beta(v, 2.5)", lambda x: mpmath.beta(x, mpmath.mpf(5) / 2)),
    ]
    with mpmath.workdps(40):
        x = mpmath.mpf(3) / 10
        for text, ref in cases:
            got = sp.N(parse(text).subs(v, sp.Rational(3, 10)), 35)
            assert abs(mpmath.mpf(str(got)) - ref(x)) < mpmath.mpf(10)**-30, text


def test_piecewise_conditions():
    pw = parse("Piecewise((v, 0 < v < 1), (1, True))")
    assert pw == sp.Piecewise((v, sp.And(v > 0, v < 1)), (1, True))
    assert parse("Piecewise((v, (v > 0) & (v < 1)), (0, True))") == \
        sp.Piecewise((v, sp.And(v > 0, v < 1)), (0, True))
    assert parse("Piecewise((1, (v < 0) | (v > 1)), (0, True))") == \
        sp.Piecewise((1, sp.Or(v < 0, v > 1)), (0, True))
    assert parse("Piecewise((1, v < 0 or v > 1), (0, True))") == \
        sp.Piecewise((1, sp.Or(v < 0, v > 1)), (0, True))
    msg = assert_refused("Piecewise((v, v < 1 & v > 0), (0, True))", match="'&' outside a condition")
    assert "parentheses" in msg


def test_parse_condition():
    assert parse_condition("0 < k <= 2", NAMES) == sp.And(k > 0, k <= 2)
    assert parse_condition("(a >= 1) & (b >= 1)", NAMES) == sp.And(a >= 1, b >= 1)
    assert parse_condition("a >= 1 and b >= 1", NAMES) == sp.And(a >= 1, b >= 1)
    assert parse_condition("True", NAMES) is sp.true
    assert_refused("k", fn=parse_condition, match="expected a condition")
    assert_refused("k == 1", fn=parse_condition, match="'=='")


def test_parse_number():
    assert parse_number("1/2") == sp.Rational(1, 2)
    assert parse_number("oo") is sp.oo and parse_number("-oo") == -sp.oo
    assert parse_number("sqrt(8)") == 2 * sp.sqrt(2)
    assert parse_number("pi/4") == sp.pi / 4
    assert parse_number("2.5e-1") == sp.Rational(1, 4)
    assert_refused("v", fn=parse_number, match="allowed names are none")
    assert_refused("", fn=parse_number, match="empty expression")


def test_parse_assignment():
    assert parse_assignment("k=2") == ("k", 2)
    assert parse_assignment("  k = 1/2 ", NAMES) == ("k", sp.Rational(1, 2))
    assert parse_assignment("a=b+1", NAMES) == ("a", b + 1)
    for bad in ["k==2", "=2", "2=k", "k", "k=", "__class__=1", "k=v", "k=__import__('os')"]:
        with pytest.raises(ParseError) as info:
            parse_assignment(bad)
        assert len(str(info.value).splitlines()) == 1
    with pytest.raises(ParseError, match="unknown parameter 'x'"):
        parse_assignment("x=1", NAMES)


def test_symbols_mapping():
    E = sp.Symbol("E", positive=True)
    assert parse("E*v", {"v": v, "E": E}) == E * v  # a declared name wins over the constant
    beta_ = sp.Symbol("beta", positive=True)
    assert parse("beta*v + beta(2, 3)", {"v": v, "beta": beta_}) == beta_ * v + sp.Rational(1, 12)
    assert parse("v") == v and parse("v").is_real  # default: only the real value symbol
    with pytest.raises(InvalidParameter):
        parse("v", {"v": "v"})
    with pytest.raises(InvalidParameter):
        parse("v", {"not a name": v})
    with pytest.raises(ParseError, match="expected text"):
        parse(3)


def test_unknown_name_message():
    msg = assert_refused("x**2", {"v": v, "k": k})
    assert msg == "unknown name 'x' in 'x**2': allowed names are v, k"


def test_messages_quote_the_offending_piece_even_after_rewriting():
    # '^' became '**' and the newline a blank before parsing; the quote is the user's text
    assert_refused("v^2 +\n  α·x", match="unknown name 'α·x'")  # U+00B7 is an identifier char
    assert "'v^2 @'" in assert_refused("v^2 @", match="invalid syntax")
    msg = assert_refused("v^2 + foo(v^3)", match="unknown function 'foo'")
    assert "'foo(v^3)'" in msg and "'v^2 + foo(v^3)'" in msg
    msg = assert_refused("  ｖ^2 + 'é'", match="string literal")
    assert "\"'é'\"" in msg


def test_messages_quote_the_offending_piece():
    assert "'foo(1)'" in assert_refused("v + foo(1)", match="unknown function 'foo'")
    assert "'v.real'" in assert_refused("2*v.real + 1", match="attribute access")
    assert "'\"s\"'" in assert_refused('v + "s"', match="string literal")


# ------------------------------------------------------------------ size guards
def test_constant_power_limits():
    # 13000*log10(2) = 3913.4 digits: under the 4000-digit limit, built exactly
    assert int(parse("2**13000")) == 2**13000
    # 13300*log10(2) = 4003.7 digits: refused before evaluation
    assert_refused("2**13300", match="exponent too large")
    assert_refused("2**10**10", match="exponent too large")
    assert_refused("9**9**9**9", match="exponent too large")
    assert_refused("(1001/1000)**(10**6)", match="exponent too large")  # 6e6-digit denominator
    assert_refused("2**(-10**6)", match="exponent too large")
    # the exact build-time check sees through pieces the float estimate cannot
    assert_refused("exp(log(2))**(10**10)", match="exponent too large")
    assert_refused("sqrt(2)**(10**10)", match="exponent too large")
    assert_refused("(2*pi)**(10**9)", match="exponent too large")
    assert_refused("Piecewise((2, True))**(10**9)", match="exponent too large")
    # SymPy rewrites exp(c*log(x)) as x**c, so the same rules apply there
    assert parse("exp(3*log(2))") == 8
    assert_refused("exp(10**10*log(2))", match="exponent too large")
    assert_refused("E**(1 + log(2)*10**10)", match="exponent too large")
    assert_refused("exp(10**9*log(v))", match="exponent too large")
    assert parse("pi**(10**9)") == sp.Pow(sp.pi, 10**9)  # stays unevaluated: harmless
    assert parse("1**(10**100)") == 1


def test_symbolic_exponent_limit():
    assert parse("v**1000") == v**1000
    assert parse("v**-1000") == v**-1000
    for text in ["v**1001", "v**-1001", "v**10**9", "(v - v + 2 + v)**2000", "v**oo"]:
        assert_refused(text, match="exponent too large")


def test_literal_limits():
    assert parse(str(10**100)) == 10**100
    assert_refused(str(10**100 + 1), match="integer literal too large")
    assert_refused("0x" + "f" * 200, match="integer literal too large")
    assert_refused("9" * 4500, match="integer literal too large")
    assert_refused("1e999", match="float literal out of range")
    assert_refused("1e-400", match="float literal out of range")


def test_structure_limits():
    assert_refused("v" * 5001, match="text too long")
    assert_refused("(" * 1000 + "v" + ")" * 1000, match="nested too deeply")
    assert_refused("exp(" * 61 + "v" + ")" * 61, match="nested too deeply")
    assert parse("exp(" * 30 + "v" + ")" * 30).count(sp.exp) == 30
    assert_refused("-" * 3000 + "v", match="nested too deeply")
    assert_refused("+".join(["1"] * 2100), match="expression too large")


def test_function_guards():
    assert parse("gamma(5)") == 24  # 4!
    assert parse("beta(2, 3)") == sp.Rational(1, 12)  # 1!*2!/4!
    assert_refused("gamma(10**6)", match="gamma of a large constant")
    assert_refused("beta(2, 10**9)", match="beta of a large constant")
    assert_refused("sqrt(10**100 + 1)", match="root of a large number")
    assert_refused("Max(" + ",".join(["v"] * 21) + ")", match="Max takes 1 to 20 arguments")
    assert_refused("log(v, 2, 3)", match="log takes 1 to 2 arguments")
    assert_refused("exp()", match="exp takes 1 argument")


def test_values_must_be_real_and_defined():
    for text in ["sqrt(-1)", "log(-2)", "(-8)**(1/3)", "I", "1j", "2 + 3j"]:
        assert_refused(text, match="real")
    for text in ["1/0", "0**-1", "oo - oo", "v/0", "0*oo", "log(0)", "gamma(0)"]:
        assert_refused(text, match="undefined value")


def test_min_max_fall_back_to_unevaluated_when_slow(monkeypatch):
    # stand-in for a Min/Max evaluation that ran out of its budget
    monkeypatch.setattr(parsing, "bounded", lambda fn, *args, **kw: (None, False))
    assert parse("Max(v, v + 1)") == sp.Max(v, v + 1, evaluate=False)  # evaluated: v + 1
    assert parse("Max(v, v + 1)").subs(v, 2) == 3


def test_build_budget_becomes_parse_error(monkeypatch):
    monkeypatch.setattr(parsing, "PARSE_SECONDS", 0.05)
    monkeypatch.setattr(parsing._Parser, "build", lambda self, node: time.sleep(2))
    assert_refused("v + 1", match="too costly to build")


def test_outer_budget_is_not_swallowed(monkeypatch):
    monkeypatch.setattr(parsing._Parser, "build", lambda self, node: time.sleep(2))
    with pytest.raises(BudgetExceeded):
        with time_budget(0.05):
            parse("v + 1")


# ------------------------------------------------------------------- hostile text
HOSTILE = [
    "__import__('os').system('touch X')",
    "().__class__.__bases__[0].__subclasses__()",
    "eval('1+1')",
    "exec('import os')",
    "open('f', 'w')",
    "lambda: 1",
    "(lambda x: x)(v)",
    "[x for x in range(10)]",
    "{x: 1 for x in v}",
    "(x for x in ())",
    "v.__class__",
    "v.subs(v, 1)",
    "9**9**9**9",
    "2**(10**10)",
    "(" * 1000 + "1" + ")" * 1000,
    "'a'*10**9",
    "1" + "0" * 200,
    "v**10**9",
    "Symbol('x')",
    "sympify('v')",
    "S(1)",
    "S.One",
    "Integer(1)",
    "exp(v, evaluate=False)",
    "exp(*[v])",
    "exp(**{})",
    "b'abc'",
    "f'{v}'",
    "(v := 1)",
    "v if v else 1",
    "(v, v)",
    "[v]",
    "v[0]",
    "globals()",
    "__builtins__",
    "getattr(v, 'func')",
    "compile('1', '', 'eval')",
    "breakpoint()",
    "input()",
    "v @ v",
    "v // 2",
    "v % 2",
    "~v",
    "not v",
    "v and 1",
    "v < 1",
    "...",
    "None",
    "True",
    "import os",
    "v; 1",
    "v = 1",
    "v # hidden",
    "\x00",
    "\ud800",
    "v\\\n+1",
    "Piecewise((v, v < 1), (1, True), evaluate=False)",
    "Piecewise((v, __import__('os')), (1, True))",
    "Min(v, *x)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_refused(text):
    assert_refused(text)


def test_hostile_corpus_is_large_enough():
    assert len(HOSTILE) >= 30


# ------------------------------------------------------------------------ fuzzing
class _Spy:
    """An audit hook (installed once) that records code execution while armed."""

    armed = False
    seen: list = []
    _installed = False

    @classmethod
    def install(cls):
        if not cls._installed:
            sys.addaudithook(cls._hook)
            cls._installed = True

    @classmethod
    def _hook(cls, event, args):
        if not cls.armed:
            return
        if event == "exec":
            code = args[0] if args else None
            # module code run by a lazy SymPy import has a real file name; text run by
            # eval/exec is compiled under a pseudo name such as '<string>'
            if getattr(code, "co_filename", "<?>").startswith("<"):
                cls.seen.append((event, repr(args)[:80]))
        elif event in ("os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
                       "os.fork", "os.forkpty", "os.remove", "os.rename", "shutil.rmtree"):
            cls.seen.append((event, repr(args)[:80]))
        elif event == "open" and len(args) > 1 and isinstance(args[1], str) and set(args[1]) & set("wax+"):
            cls.seen.append((event, repr(args)[:80]))


_TOKENS = [
    "v", "k", "x", "1", "2", "0.5", "1e3", "10", "9", "-", "+", "*", "/", "**", "^", "(", ")",
    ",", ".", "[", "]", "{", "}", ":", "=", "<", ">", "<=", "&", "|", " ", "'", '"', "#", "\n",
    "exp", "log", "sqrt", "Abs", "Max", "Min", "Piecewise", "True", "pi", "oo", "E", "I", "j",
    "__import__", "__class__", "__subclasses__", "eval", "exec", "open", "lambda", "for", "in",
    "if", "else", "os", "system", "import", "sympify", "Symbol", "S", ":=", "*", "**", "\\",
]


def _payloads(sentinel):
    path = str(sentinel)
    return [
        f"__import__('os').system('touch {path}')",
        f"open('{path}', 'w').write('x')",
        f"exec(\"open('{path}','w')\")",
        f"eval(\"__import__('os').system('touch {path}')\")",
        f"().__class__.__base__.__subclasses__()[0]('{path}')",
        f"[open('{path}','w') for _ in (1,)]",
        f"(lambda: open('{path}','w'))()",
    ]


def _check_no_execution(text, sentinel):
    _Spy.armed = True
    try:
        out = parse(text, {"v": v, "k": k})
    except SymmechError:
        out = None
    finally:
        _Spy.armed = False
    assert not sentinel.exists()
    assert _Spy.seen == [], _Spy.seen
    assert out is None or isinstance(out, sp.Expr)


@pytest.fixture
def sentinel(tmp_path_factory):
    _Spy.install()
    _Spy.seen.clear()
    parse("Piecewise((Max(v, 1)*exp(v)*erf(v), v < 1), (1, True))")  # warm lazy imports
    return tmp_path_factory.mktemp("sentinel") / "PWNED"


_FUZZ = settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(text=st.text(max_size=120))
def test_fuzz_arbitrary_text(sentinel, text):
    _check_no_execution(text, sentinel)


@_FUZZ
@given(data=st.data())
def test_fuzz_token_soup(sentinel, data):
    pieces = st.sampled_from(_TOKENS + _payloads(sentinel))
    text = "".join(data.draw(st.lists(pieces, max_size=25)))
    _check_no_execution(text, sentinel)


def test_payloads_do_not_run(sentinel):
    for text in _payloads(sentinel):
        _check_no_execution(text, sentinel)
        assert_refused(text)


# ------------------------------------------- generated expressions, no sympify involved
_LEAVES = st.sampled_from([("v", v), ("k", k), ("2", sp.Integer(2)), ("3", sp.Integer(3)),
                           ("1/2", sp.Rational(1, 2)), ("pi", sp.pi), ("0.25", sp.Rational(1, 4))])


def _defined(e):
    return not e.has(sp.zoo, sp.nan, sp.I)


def _extend(children):
    # a subexpression that is undefined (1/sin(pi)) makes the whole text invalid, even
    # where SymPy would later absorb it (zoo**0 == 1): the parser refuses it on the spot
    def binary(pair, op):
        (ta, ea), (tb, eb) = pair
        text = f"({ta}){op}({tb})"
        if ea is None or eb is None:
            return text, None
        e = {"+": ea + eb, "-": ea - eb, "*": ea * eb, "/": ea / eb}[op]
        return text, e if _defined(e) else None

    def power(pair, n):
        t, e = pair
        out = None if e is None else e**n
        return f"({t})^{n}", out if out is not None and _defined(out) else None

    def func(pair, name):
        t, e = pair
        fn = {"exp": sp.exp, "sin": sp.sin, "atan": sp.atan, "Abs": sp.Abs}[name]
        return f"{name}({t})", None if e is None else fn(e)

    return st.one_of(
        st.builds(binary, st.tuples(children, children), st.sampled_from("+-*/")),
        st.builds(power, children, st.integers(-3, 3)),
        st.builds(func, children, st.sampled_from(["exp", "sin", "atan", "Abs"])),
    )


@settings(max_examples=150, deadline=None)
@given(pair=st.recursive(_LEAVES, _extend, max_leaves=8))
def test_generated_expressions_match_direct_construction(pair):
    """Text rendered from a random tree parses to the tree built with SymPy operators."""
    text, expected = pair
    assume(expected is not None)
    assert parse(text, {"v": v, "k": k}) == expected
