"""Verdicts are three-valued, frozen, and refuse to be used as plain booleans."""

import dataclasses

import pytest
import sympy as sp

from symmech.verdict import Certificate, Verdict


def test_three_values_only():
    with pytest.raises(TypeError):
        Verdict("x >= 0", "yes")
    with pytest.raises(ValueError):
        Verdict("x >= 0", True, method="guessed")


def test_not_a_boolean():
    verdict = Verdict("x >= 0", None)
    with pytest.raises(TypeError):
        bool(verdict)


def test_frozen_and_serialisable():
    k = sp.Symbol("k", positive=True)
    verdict = Verdict("f' >= 0", None, condition=k >= 1, certificate=Certificate(k - 1, "sign of k - 1"),
                      counterexample={"v": sp.Rational(3, 4)})
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.holds = True
    data = verdict.to_dict()
    assert data["condition"] == "k >= 1"
    assert data["counterexample"] == {"v": "3/4"}
    assert "iff" in str(verdict) and r"k \geq 1" in verdict.latex()


def test_negation_flips_holds_and_condition():
    k = sp.Symbol("k", positive=True)
    verdict = Verdict("a", True).negated("not a")
    assert verdict.holds is False
    assert Verdict("a", None, condition=k >= 1).negated("not a").condition == (k < 1)
