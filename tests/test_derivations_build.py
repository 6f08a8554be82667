"""Every document in derivations/ builds, every step is checked, and (with TeX) the PDFs
contain the key results. The counts of symbolic/numeric steps are printed (-s shows them)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("derivations_build", ROOT / "derivations" / "build.py")
build_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_mod)

HAVE_TEX = shutil.which("latexmk") is not None and shutil.which("pdftotext") is not None

#: what each PDF must say (text as pdftotext extracts it)
KEY_RESULTS = {
    "01_war_of_attrition": ["generic F", "Uniform(0, 1)", "first-order condition", "envelope theorem"],
    "02_bulow_uniform": ["Bulow puzzle", "Kang and Skrzypacz (2025), Theorem (i)"],
    "03_bulow_power": ["Power(k)", "k ≥ 1", "log-concave"],
    "04_virtual_values": ["Myerson (1981)", "Exponential(1)", "Beta(2, 2)"],
    "05_money_burning": ["Proposition 1", "Chebyshev", "lottery"],
    "06_bulow_concave": ["concave F", "vanishes at", "prefer the war of attrition"],
    "07_generalized_woa": ["2 prizes and 3 players", "2 prizes and 4 players", "equal split"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("derivations")
    summaries = {p.stem: build_mod.build(p, out, pdf=HAVE_TEX) for p in build_mod.scripts()}
    return out, summaries


def test_every_document_builds_and_is_checked(built):
    out, summaries = built
    assert sorted(summaries) == sorted(KEY_RESULTS)
    for name, s in summaries.items():
        c = s["counts"]
        print(f"{name}: {c}")
        assert c["failed"] == 0 and c["unchecked"] == 0, (name, c)
        assert c["symbolic"] + c["numeric"] > 0
        assert (out / f"{name}.tex").exists() and (out / f"{name}.md").exists()
    total = {k: sum(s["counts"][k] for s in summaries.values()) for k in ("symbolic", "numeric")}
    print(f"total: {total}")
    assert total["symbolic"] > total["numeric"]


def test_build_is_byte_stable(built, tmp_path):
    out, _ = built
    path = build_mod.scripts(["02"])[0]
    build_mod.build(path, tmp_path)
    assert (tmp_path / f"{path.stem}.tex").read_bytes() == (out / f"{path.stem}.tex").read_bytes()


def test_command_line_in_a_fresh_process_gives_the_same_bytes(built, tmp_path):
    out, _ = built
    proc = subprocess.run([sys.executable, str(ROOT / "derivations" / "build.py"), "--out", str(tmp_path), "02"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "02_bulow_uniform:" in proc.stdout and "0 failed, 0 unchecked" in proc.stdout
    for suffix in (".tex", ".md"):
        name = "02_bulow_uniform" + suffix
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


@pytest.mark.tex
@pytest.mark.skipif(not HAVE_TEX, reason="needs latexmk and pdftotext")
def test_pdfs_contain_key_results(built):
    out, summaries = built
    for name, words in KEY_RESULTS.items():
        assert summaries[name]["pdf"], summaries[name]["message"]
        text = subprocess.run(["pdftotext", str(out / f"{name}.pdf"), "-"], capture_output=True,
                              text=True).stdout
        assert "How each step was checked" in text
        for w in words:
            assert w in text, (name, w)
