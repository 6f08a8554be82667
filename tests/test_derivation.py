"""Tests of the derivation engine: step checks, renderers, file output.

Expected values come from the derivations themselves (identities that hold or provably do
not); the war-of-attrition facts are Krishna, Auction Theory 2nd ed., sec. 3.2.3 / Bulow &
Klemperer (1999): with uniform values and unit cost T(v) = -v - log(1 - v), T'(v) = v/(1-v),
and U(v) = integral_0^v F = v**2/2 (Kang & Skrzypacz 2025 slides).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis.strategies import integers as st_ints

from symmech import derivation as D
from symmech.derivation import (Definition, Derivation, DerivationSetting, Statement, Step, UnverifiedDerivation,
                                Verification, equation, latex_expr)
from symmech.errors import InvalidParameter, SymmechError

v = sp.Symbol("v", real=True)
s = sp.Symbol("s", real=True)
k = sp.Symbol("k", positive=True)
T = sp.Function("T")(v)
U = sp.Function("U")(v)

UNIFORM = DerivationSetting(cdf=v, pdf=sp.Integer(1), name="Uniform")
POWER = DerivationSetting(cdf=v**k, pdf=k * v**(k - 1), params=(k,), name="Power(k)")


def woa_uniform(extra=()):
    return Derivation("War of attrition, uniform values", UNIFORM, [
        Step(Definition(T, sp.Integral(s / (1 - s), (s, 0, v))), "exit time from the first-order condition",
             "definition"),
        Step(equation(T, -v - sp.log(1 - v)), "integrate", "integration"),
        Step(equation(sp.Derivative(T, v), v / (1 - v)), "the first-order condition $T'(v)(1-F) = v f$",
             "first-order condition"),
        Step(Definition(U, sp.Integral(s, (s, 0, v))), "payoff by the envelope theorem", "envelope theorem"),
        Step(equation(U, v**2 / 2), "integrate", "integration"),
        *extra,
    ])


@pytest.fixture(scope="module")
def good():
    return woa_uniform()


@pytest.fixture(scope="module")
def bad():
    # (6) is deliberately wrong: the payoff is v**2/2, not v**2/3
    return woa_uniform([Step(equation(U, v**2 / 3), "a wrong simplification", "simplification")])


# ------------------------------------------------------------------ symbolic checks
def test_symbolic_steps_and_counts(good):
    assert [st.status for st in good.steps] == ["symbolic"] * 5
    assert good.counts() == {"symbolic": 5, "numeric": 0, "failed": 0, "unchecked": 0}
    assert good.verified
    # the closed-form exit time is proved through the fundamental theorem of calculus
    assert "fundamental theorem of calculus" in good.steps[1].verification.method


def test_parametric_identity_is_symbolic():
    # integral_0^v s**k ds = v**(k+1)/(k+1) for k > 0: Power(k) war-of-attrition payoff
    d = Derivation("Power payoff", POWER, [
        Step(equation(sp.Integral(s**k, (s, 0, v)), v**(k + 1) / (k + 1)), "integrate", "integration")])
    assert d.steps[0].status == "symbolic"


def test_generic_F_integration_by_parts_is_symbolic():
    st = DerivationSetting.generic()
    F, f = st.cdf.func, st.pdf.func
    claim = equation(sp.Integral(s * f(s), (s, 0, v)), v * F(v) - sp.Integral(F(s), (s, 0, v)))
    d = Derivation("parts", st, [Step(claim, "integrate by parts", "integration by parts")])
    assert d.steps[0].status == "symbolic"
    # and a wrong generic claim fails on the numeric instances
    wrong = equation(sp.Integral(s * f(s), (s, 0, v)), v * F(v) + sp.Integral(F(s), (s, 0, v)))
    d2 = Derivation("parts", st, [Step(wrong, "wrong sign", "integration by parts")])
    assert d2.steps[0].status == "failed"
    assert dict(d2.steps[0].verification.counterexample)["instance"] == "uniform"


def test_constant_identity_symbolic():
    # 3/2 - sqrt(3)/2 is the root of v/2 - (v**2 - v**3/3) in (0, 1) (F = 1-(1-v)**2):
    # D(v) = v/2 - v**2 + v**3/3 = v (2 v**2 - 6 v + 3)/6, roots (3 +- sqrt(3))/2
    r = sp.Rational(3, 2) - sp.sqrt(3) / 2
    d = Derivation("root", UNIFORM, [Step(equation(r / 2 - r**2 + r**3 / 3, 0), "substitute", "root")])
    assert d.steps[0].status == "symbolic"


# ------------------------------------------------------------------ numeric checks
def test_numeric_step_when_requested():
    d = Derivation("numeric", UNIFORM, [
        Step(equation(sp.Integral(s / (1 - s), (s, 0, v)), -v - sp.log(1 - v)), "integrate", "integration",
             check="numeric")])
    ver = d.steps[0].verification
    assert ver.status == "numeric"
    assert ver.digits is not None and ver.digits >= 45
    assert len(ver.points) == 5  # five points of the support
    assert all(dict(p)["v"] for p in ver.points)


def test_numeric_fallback_when_budget_expires(monkeypatch):
    monkeypatch.setattr(D, "STEP_BUDGET", 0.0)
    D._verify_cached.cache_clear()
    try:
        d = Derivation("budget", POWER, [
            Step(equation(sp.Integral(s**k, (s, 0, v)), v**(k + 1) / (k + 1)), "integrate", "integration")])
    finally:
        D._verify_cached.cache_clear()
    ver = d.steps[0].verification
    assert ver.status == "numeric"
    # several parameter values drawn in k > 0, several points each
    ks = {dict(p)["k"] for p in ver.points}
    assert len(ks) >= 2 and all(sp.Rational(x) > 0 for x in ks)
    assert ver.digits >= 45


def test_parameter_dependent_falsehood_fails():
    # v**k = v**2 only for k = 2: some drawn parameter value must refute it
    d = Derivation("wrong", POWER, [Step(equation(v**k, v**2), "wrong", "algebra")])
    assert d.steps[0].status == "failed"
    cx = dict(d.steps[0].verification.counterexample)
    assert cx["k"] != "2"


def test_where_restricts_parameters():
    # Abs(k - 1) = k - 1 holds exactly when k >= 1
    st = Step(equation(sp.Abs(k - 1), k - 1), "k >= 1", "algebra", where=k >= 1)
    assert Derivation("abs", POWER, [st]).steps[0].status in ("symbolic", "numeric")
    st2 = Step(equation(sp.Abs(k - 1), k - 1), "no condition", "algebra")
    assert Derivation("abs", POWER, [st2]).steps[0].status == "failed"


# ------------------------------------------------------------------ inequalities (sign_on)
def test_inequality_true_and_false():
    d = Derivation("Bulow", UNIFORM, [
        Step(sp.Ge(v / 2, v**2 / 2), "the split beats the war of attrition", "sign analysis"),
        Step(sp.Ge(v / 2, v**2), "wrong", "sign analysis")])
    assert d.steps[0].status in ("symbolic", "numeric")
    assert d.steps[1].status == "failed"
    assert d.steps[1].verification.counterexample is not None


def test_inequality_uses_sign_on():
    pytest.importorskip("symmech.signs").sign_on  # noqa: B018 - fails the test if missing
    d = Derivation("Bulow", UNIFORM, [Step(sp.Ge(v / 2, v**2 / 2), "split vs WoA", "sign analysis")])
    ver = d.steps[0].verification
    assert ver.status == "symbolic"
    assert ver.method.startswith("sign_on[")


def test_parametric_inequality_under_where():
    # Power(k): v/2 - v**(k+1)/(k+1) >= 0 on (0, 1) iff k >= 1 (THEORY sec. 5)
    claim = sp.Ge(v / 2, v**(k + 1) / (k + 1))
    ok = Derivation("Power", POWER, [Step(claim, "k >= 1", "sign analysis", where=k >= 1)])
    assert ok.steps[0].status in ("symbolic", "numeric")
    no = Derivation("Power", POWER, [Step(claim, "k < 1", "sign analysis", where=k < 1)])
    assert no.steps[0].status == "failed"


# ------------------------------------------------------------------ statements, definitions
def test_boolean_statements():
    same = Statement(sp.Equivalent(k >= 1, k**2 >= 1), "conditions agree for k > 0")
    diff = Statement(sp.Equivalent(k >= 1, k >= 2), "they do not")
    words = Statement(None, "a remark")
    d = Derivation("bool", POWER, [Step(same, "k > 0", "algebra"), Step(diff, "wrong", "algebra"),
                                   Step(words, "nothing to check", "algebra")])
    assert [st.status for st in d.steps] == ["symbolic", "failed", "unchecked"]


def test_conflicting_definition_fails():
    d = Derivation("defs", UNIFORM, [Step(Definition(U, v), "one", "definition"),
                                     Step(Definition(U, v**2), "another", "definition")])
    assert [st.status for st in d.steps] == ["symbolic", "failed"]


def test_definitions_are_expanded_in_later_claims():
    d = Derivation("defs", UNIFORM, [Step(Definition(U, v**2), "def", "definition"),
                                     Step(equation(sp.Derivative(U, v), 2 * v), "differentiate", "differentiation"),
                                     Step(equation(sp.Derivative(U, v), v), "wrong", "differentiation")])
    assert [st.status for st in d.steps] == ["symbolic", "symbolic", "failed"]


def test_step_validation_messages():
    with pytest.raises(InvalidParameter, match="rule must be one of"):
        Step(equation(v, v), "x", "magic")
    with pytest.raises(InvalidParameter, match="citation"):
        Step(equation(v, v), "x", "cited result")
    with pytest.raises(InvalidParameter, match="evaluated to True"):
        Step(sp.Eq(v, v), "x", "algebra")
    with pytest.raises(InvalidParameter, match="Definition needs"):
        Definition(v + 1, v)
    with pytest.raises(InvalidParameter, match="redefine"):
        Derivation("x", UNIFORM, [Step(Definition(v, s), "x", "definition")])
    with pytest.raises(InvalidParameter, match="status"):
        Verification("proved", "x")


# ------------------------------------------------------------------ renderers
def test_wrong_step_is_caught_and_render_refuses(bad):
    assert bad.steps[-1].status == "failed"
    assert bad.counts()["failed"] == 1
    for render in (bad.to_latex, bad.to_markdown, lambda: bad.to_latex(fragment=True)):
        with pytest.raises(UnverifiedDerivation, match="step 6 failed"):
            render()
    doc = bad.to_latex(allow_unverified=True)
    assert "WARNING" in doc and "[FAILED]" in doc
    assert "WARNING" in bad.to_markdown(allow_unverified=True)
    assert "allow_unverified" in bad._repr_markdown_()


def test_rendering_is_byte_stable(good):
    a = good.to_latex().encode()
    assert a == good.to_latex().encode()
    D._verify_cached.cache_clear()
    again = woa_uniform()  # rebuilt and rechecked from scratch
    assert again.to_latex().encode() == a
    assert again.to_markdown() == good.to_markdown()
    assert again.to_latex(fragment=True) == good.to_latex(fragment=True)


def test_latex_document_structure(good):
    doc = good.to_latex()
    assert doc.startswith("% generated by symmech")
    assert r"\usepackage{amsmath,amssymb}" in doc and r"\fbox" in doc
    # the definition and the closed form are one chain: T(v) := integral = -v - log(1 - v)
    assert doc.count(r"\begin{align*}") == 3
    assert r"T(v) &\mathrel{:=} \int_{0}^{v}" in doc
    assert r"&= - v - \log{\left(1 - v \right)}" in doc
    assert "How each step was checked" in doc and "5 checked symbolically" in doc
    frag = good.to_latex(fragment=True)
    assert r"\documentclass" not in frag and r"\begin{align*}" in frag


def test_markdown_and_reprs(good):
    md = good.to_markdown()
    assert md.count("$$") == 2 * 3 and r"\begin{aligned}" in md
    assert "| (1) | symbolic |" in md
    assert good._repr_latex_().startswith("$$") and good._repr_markdown_() == md


def test_printer_style():
    F = sp.Function("F")
    assert latex_expr(sp.Derivative(F(v), v)) == "F'(v)"
    assert latex_expr(sp.Derivative(F(v), (v, 2))) == "F''(v)"
    assert latex_expr(F(v)**2) == "F(v)^{2}"
    assert r"\log" in latex_expr(sp.log(v)) and r"\ln" not in latex_expr(sp.log(v))


def test_justification_escaping():
    d = Derivation("esc", UNIFORM, [Step(equation(v * 2, 2 * v), "50% of $x_1$ & co_op", "algebra")])
    doc = d.to_latex()
    assert r"50\% of $x_1$ \& co\_op" in doc


# ------------------------------------------------------------------ files
def test_write_is_atomic_and_refuses_overwrite(good, bad, tmp_path):
    p = tmp_path / "woa.tex"
    res = good.write(p)
    assert res.path == p and not res.pdf_made
    assert p.read_bytes() == good.to_latex().encode()
    with pytest.raises(SymmechError, match="refusing to overwrite"):
        good.write(p)
    good.write(p, overwrite=True)
    md = tmp_path / "woa.md"
    good.write(md)
    assert md.read_text() == good.to_markdown()
    with pytest.raises(UnverifiedDerivation):
        bad.write(tmp_path / "bad.tex")
    assert not (tmp_path / "bad.tex").exists()
    with pytest.raises(InvalidParameter, match=".tex or .md"):
        good.write(tmp_path / "woa.txt")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["woa.md", "woa.tex"]  # no temp files left


def test_pdf_without_latexmk_says_so(good, tmp_path, monkeypatch):
    monkeypatch.setattr(D.shutil, "which", lambda name: None)
    res = good.write(tmp_path / "x.tex", pdf=True)
    assert not res.pdf_made and res.pdf_path is None
    assert "no PDF was made" in res.message
    assert (tmp_path / "x.tex").exists() and not (tmp_path / "x.pdf").exists()


@pytest.mark.tex
@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                    reason="needs latexmk and pdftotext")
def test_pdf_compiles_and_contains_results(good, tmp_path):
    res = good.write(tmp_path / "woa.tex", pdf=True)
    assert res.pdf_made, res.message
    text = subprocess.run(["pdftotext", str(res.pdf_path), "-"], capture_output=True, text=True).stdout
    assert "War of attrition, uniform values" in text
    assert "first-order condition" in text and "How each step was checked" in text
    assert "5 checked symbolically" in text


# ------------------------------------------------------------------ more engine behaviour
def test_parameter_domain_endpoint_is_checked():
    # 1/2 - 1/(k + 1) < 0 holds for k in (0, 1) but not at k = 1 (it is 0 there)
    claim = sp.Lt(sp.Rational(1, 2) - 1 / (k + 1), 0)
    open_ = Derivation("k", POWER, [Step(claim, "k < 1", "sign analysis", where=k < 1, var=k)])
    closed = Derivation("k", POWER, [Step(claim, "k <= 1", "sign analysis", where=k <= 1, var=k)])
    assert open_.steps[0].status == "symbolic"
    assert closed.steps[0].status == "failed"
    assert dict(closed.steps[0].verification.counterexample) == {"k": "1"}


def test_arbitrary_functions_are_instantiated_for_identities():
    # Leibniz rule for an arbitrary T: d/dw [integral_0^w (v - T) ds - T(w)(1 - w)] at w = v
    w = sp.Symbol("w", real=True)
    Tf, Pi = sp.Function("T"), sp.Function("Pi")
    pi = sp.Integral(v - Tf(s), (s, 0, w)) - Tf(w) * (1 - w)
    lhs = sp.Subs(sp.Derivative(Pi(w), w), w, v)
    d = Derivation("Leibniz", UNIFORM, [
        Step(Definition(Pi(w), pi), "payoff", "definition"),
        Step(equation(lhs, v - sp.Derivative(Tf(v), v) * (1 - v)), "right", "differentiation", check="numeric"),
        Step(equation(lhs, v + sp.Derivative(Tf(v), v) * (1 - v)), "wrong", "differentiation")])
    assert [st.status for st in d.steps] == ["symbolic", "numeric", "failed"]
    assert "T(t) =" in d.steps[1].verification.method


def test_document_combines_parts(good, bad):
    doc = D.Document("Two parts", (good, good))
    assert doc.counts() == {"symbolic": 10, "numeric": 0, "failed": 0, "unchecked": 0}
    tex = doc.to_latex()
    assert tex.count(r"\section*{") == 2 and "In all: 10 steps" in tex
    assert doc.to_markdown().count("## War of attrition") == 2
    with pytest.raises(UnverifiedDerivation):
        D.Document("mixed", (good, bad)).to_latex()
    with pytest.raises(InvalidParameter):
        D.Document("empty", ())


@settings(max_examples=12, deadline=None)
@given(a=st_ints(-5, 5).filter(lambda x: x != 0), b=st_ints(-4, 4), c=st_ints(1, 3))
def test_polynomial_identities_and_their_perturbations(a, b, c):
    # (a v + b)^c expanded is an identity; adding 1/7 to the expansion must be caught
    lhs = (a * v + b)**c
    rhs = sp.expand(lhs)
    d = Derivation("poly", UNIFORM, [Step(equation(lhs, rhs), "expand", "algebra"),
                                     Step(equation(lhs, rhs + sp.Rational(1, 7)), "perturbed", "algebra")])
    assert [st.status for st in d.steps] == ["symbolic", "failed"]
