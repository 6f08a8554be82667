"""End-to-end tests of the ``symmech`` command.

The command runs as a subprocess (``sys.executable -m symmech``), the way a user runs it; the
slow cases run concurrently in one module fixture. Error handling for many bad inputs is
also driven in-process through :func:`symmech.cli.main` (same code path, no interpreter
start-up per case). Expected values are derived in the comments.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from symmech import cli
from symmech.parsing import parse

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
       "MPLBACKEND": "Agg"}
ENV.pop("SYMMECH_DEBUG", None)

TOP_KEYS = {"schema", "command", "symmech_version", "distribution", "files", "notes"}
CONCAVE = "1-(1-v)**2"


def _run(args, cwd=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "symmech", *args], capture_output=True, text=True,
                          env=ENV, cwd=cwd or ROOT, timeout=timeout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """All subprocess cases, run concurrently; name -> (CompletedProcess, working directory)."""
    base = tmp_path_factory.mktemp("cli")
    cases = {
        "analyze_uniform": ["analyze", "--json"],
        "analyze_v2_alpha0": ["analyze", "--cdf", "v**2", "--alpha", "0", "--capacity", "0.5", "--json",
                              "--plot", "fig.png"],
        "bulow_default": ["bulow", "--json", "--no-pdf"],
        "bulow_concave": ["bulow", "--cdf", CONCAVE, "--no-write", "--grids", "50", "100", "200", "--json"],
        "mechanism_prop3": ["mechanism", "--cdf", CONCAVE, "--capacity", "0.3", "--status-quo", "posted-price:0.2",
                            "--grids", "50", "100", "200", "--json"],
        "bargain_uniform": ["bargain", "--grids", "50", "100", "200", "--json"],
        "check_prop1": ["check", "--prop", "1", "--family", "Power", "--param", "k=2", "--capacity", "0.3",
                        "--status-quo", "lottery:0.2", "--grids", "50", "100", "200", "--json"],
        "err_decreasing": ["analyze", "--cdf", "3*v**2 - 2*v"],
        "err_import": ["analyze", "--cdf", "__import__('os').system('echo hacked')"],
    }
    dirs = {}
    for name in cases:
        dirs[name] = base / name
        dirs[name].mkdir()
    with cf.ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        futs = {name: pool.submit(_run, args, dirs[name]) for name, args in cases.items()}
        return {name: (f.result(), dirs[name]) for name, f in futs.items()}


def _doc(runs, name):
    proc, _ = runs[name]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress or warnings when stderr is not a terminal
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "symmech/1" and TOP_KEYS <= set(doc)
    return doc


def _inproc(capsys, *args):
    rc = cli.main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def _json_inproc(capsys, *args):
    """The same command in-process (no interpreter start-up): exit 0, silent stderr, JSON."""
    rc, out, err = _inproc(capsys, *args, "--json")
    assert rc == 0 and err == "", err
    doc = json.loads(out)
    assert doc["schema"] == "symmech/1" and TOP_KEYS <= set(doc)
    return doc


def _holds(doc_verdict):
    return doc_verdict["holds"]


# ---------------------------------------------------------------------------------- analyze
def test_analyze_uniform_json(runs):
    doc = _doc(runs, "analyze_uniform")
    assert doc["command"] == "analyze"
    assert doc["distribution"]["cdf"] == "v" and doc["distribution"]["support_float"] == [0.0, 1.0]
    # uniform: f constant, so every shape property holds (THEORY section 1, f' = 0)
    assert {k: _holds(vd) for k, vd in doc["shape"].items()} == {
        "cdf_convex": True, "cdf_concave": True, "pdf_log_concave": True, "cdf_log_concave": True,
        "demand_log_concave": True, "regular": True}
    # J_1 = v - (1 - v)/1 = 2v - 1, root 1/2 (Myerson 1981; Krishna sec. 5.2)
    assert doc["virtual_value"]["expr"] == "2*v - 1"
    assert _holds(doc["virtual_value"]["nondecreasing"]) is True
    assert doc["ironing"]["intervals"] == []
    r = doc["reserve_price"]
    assert r["value"] == "1/2" and r["float"] == 0.5 and r["exact"] is True and r["case"] == "root"
    assert doc["market_clearing_price"] is None


def test_analyze_money_burning_pools_everyone_and_plot(runs):
    doc = _doc(runs, "analyze_v2_alpha0")
    # alpha = 0, F = v^2: J_0 = (1 - v^2)/(2v) decreases, so ironing pools [0, 1] at the mean
    # level integral_0^1 J_0 f dv = integral_0^1 (1 - v^2) dv = 2/3 (THEORY section 2)
    (iv,) = doc["ironing"]["intervals"]
    assert (iv["lo"]["float"], iv["hi"]["float"]) == (0.0, 1.0)
    assert iv["level"]["value"] == "2/3" and iv["level"]["exact"] is True
    # 1 - F(p) = 1/2  =>  p = sqrt(1/2)
    m = doc["market_clearing_price"]
    assert m["capacity"]["value"] == "1/2"
    assert m["float"] == pytest.approx(math.sqrt(0.5), abs=1e-15)
    # the reserve is always about J_1 = (3v^2 - 1)/(2v): r = 1/sqrt(3)
    assert doc["reserve_price"]["float"] == pytest.approx(1 / math.sqrt(3), abs=1e-15)
    png = runs["analyze_v2_alpha0"][1] / "fig.png"
    assert doc["files"]["plot"] == "fig.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_analyze_symbolic_parameter_gives_conditions(capsys):
    doc = _json_inproc(capsys, "analyze", "--family", "Power", "--param", "k")
    assert doc["distribution"]["params"] == ["k"]
    # F = v^k: f' = k(k-1)v^(k-2) >= 0 iff k >= 1; (log f)'' = -(k-1)/v^2 <= 0 iff k >= 1
    assert doc["shape"]["cdf_convex"]["condition"] == "k >= 1"
    assert doc["shape"]["pdf_log_concave"]["condition"] == "k >= 1"
    assert doc["shape"]["cdf_log_concave"]["holds"] is True  # (log v^k)'' = -k/v^2 < 0
    # J_1 = 0 <=> k v^k = 1 - v^k <=> r = (k+1)^(-1/k); compare at k = 5/2 with an mpmath root
    k = sp.Symbol("k", positive=True)
    r = parse(doc["reserve_price"]["value"], {"k": k}).subs(k, sp.Rational(5, 2))
    with mpmath.workdps(40):
        kk = mpmath.mpf(5) / 2
        ref = mpmath.findroot(lambda x: x - (1 - x**kk) / (kk * x**(kk - 1)), 0.6)
        assert abs(sp.N(r, 40) - sp.Float(str(ref), 40)) < 1e-30


def test_analyze_family_without_bounds_is_truncated(capsys):
    doc = _json_inproc(capsys, "analyze", "--family", "exponential", "--support", "0", "5", "--capacity", "0.3")
    assert doc["distribution"]["support"] == ["0", "5"]
    assert "truncated" in doc["distribution"]["name"]
    with mpmath.workdps(30):
        # F = (1 - e^-v)/(1 - e^-5); 1 - F(p) = 0.3  <=>  e^-p = 0.3 + 0.7 e^-5
        p = -mpmath.log(mpmath.mpf("0.3") + mpmath.mpf("0.7") * mpmath.exp(-5))
        # J_1 = v - (1 - F)/f = v - (1 - e^(v-5)) = 0
        r = mpmath.findroot(lambda x: x - 1 + mpmath.exp(x - 5), 1)
    assert doc["market_clearing_price"]["float"] == pytest.approx(float(p), rel=1e-14)
    assert doc["reserve_price"]["float"] == pytest.approx(float(r), rel=1e-14)
    assert doc["shape"]["cdf_convex"]["holds"] is False  # f = e^-v/(1 - e^-5) decreases


# ---------------------------------------------------------------------------------- bulow
def test_bulow_default_is_uniform_and_writes_the_derivation(runs):
    doc = _doc(runs, "bulow_default")
    cwd = runs["bulow_default"][1]
    assert doc["distribution"]["name"] == "Uniform(0, 1)"
    # U0 = integral_0^v s ds = v^2/2, D = v/2 - v^2/2 >= 0 (THEORY section 5)
    assert _holds(doc["split_pareto_improves"]) is True
    assert _holds(doc["split_optimal"]) is True
    # E[v]/2 = 1/4 per player; E[U0] = integral_0^1 v^2/2 dv = 1/6
    assert doc["optimal_value"]["value"] == "1/4" and doc["optimal_value"]["float"] == 0.25
    assert doc["status_quo_value"]["value"] == "1/6"
    assert doc["crossing_points"] == []
    assert doc["files"] == {"tex": os.path.join("symmech-out", "bulow_uniform.tex"), "pdf": None, "plot": None}
    tex = (cwd / "symmech-out" / "bulow_uniform.tex").read_text()
    assert tex.startswith("%") and "\\documentclass" in tex and "Bulow" in tex


def test_bulow_text_report_says_where_it_wrote(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, out, err = _inproc(capsys, "bulow", "--no-pdf", "--out", "textout")
    assert rc == 0, err
    assert "split is an optimal Pareto-improving" in out
    assert f"wrote {os.path.join('textout', 'bulow_uniform.tex')}" in out
    assert (tmp_path / "textout" / "bulow_uniform.tex").exists()


def test_bulow_strictly_concave_cdf(runs):
    doc = _doc(runs, "bulow_concave")
    # F = 1 - (1-v)^2: D = v/2 - (v^2 - v^3/3) < 0 for v > 3/2 - sqrt(3)/2 (THEORY section 5)
    assert _holds(doc["split_pareto_improves"]) is False
    (c,) = doc["crossing_points"]
    assert c["exact"] is True and c["float"] == pytest.approx(1.5 - math.sqrt(3) / 2, abs=1e-15)
    # E[U0] = integral F (1 - F) = integral_0^1 (1 - u^2) u^2 du = 1/3 - 1/5 = 2/15
    assert doc["status_quo_value"]["float"] == pytest.approx(2 / 15, abs=1e-14)
    assert doc["files"] == {"tex": None, "pdf": None, "plot": None}
    # theorem (ii): no strict improvement survives the refinement (the raw LP gain -> 0)
    assert _holds(doc["strict_improvement"]) is not True
    ref = doc["refinement"]
    if ref is not None:
        gains = ref["raw_gain"]
        assert all(b < a for a, b in zip(gains, gains[1:]))
        assert max(ref["verifier_worst_violation"]) <= 1e-9


# ---------------------------------------------------------------------------------- LPs
def test_mechanism_prop3_setting(runs):
    doc = _doc(runs, "mechanism_prop3")
    s = doc["setting"]
    assert s["capacity"] == "3/10" and s["alpha"] == "0" and s["make_whole"] is False
    assert s["status_quo"].startswith("posted price") and s["grids"] == [50, 100, 200]
    assert all(v["passed"] for v in doc["verifier"])
    # THEORY section 3: x = 1 only on about [0.734, 1] (refined), inside x0^{-1}(1) = [0.553, 1]
    certain = [st["certain_set"] for st in doc["structure"]]
    lows = [c[0][0] for c in certain]
    assert all(len(c) == 1 and c[0][1] == 1.0 for c in certain)
    assert 0.73 <= lows[-1] <= 0.76 and lows == sorted(lows, reverse=True)
    obj = doc["objective"]
    assert obj["values"] == sorted(obj["values"], reverse=True) and obj["limit"] < obj["values"][-1]
    sol = doc["solution"]
    assert len(sol["x"]) == len(sol["v"]) == 200 and max(sol["x"]) == pytest.approx(1.0)
    # PI against the status quo on the grid: U >= U0
    assert min(u - u0 for u, u0 in zip(sol["U"], sol["U0"])) >= -1e-9


def test_mechanism_myerson_uniform(capsys):
    doc = _json_inproc(capsys, "mechanism", "--alpha", "1", "--grids", "50", "100", "200")
    # alpha = 1, uniform, no capacity or status quo: Myerson revenue 1/4 (reserve 1/2)
    obj = doc["objective"]
    assert abs(obj["limit"] - 0.25) <= max(3 * obj["error"], 2e-3)
    assert doc["structure"][-1]["certain_set"][0][0] == pytest.approx(0.5, abs=0.011)


def test_bargain_uniform(runs):
    doc = _doc(runs, "bargain_uniform")
    assert doc["setting"]["status_quo"].startswith("war of attrition")
    # optimum: the 50-50 split, E[v]/2 = 1/4 per player; war of attrition E[U0] = 1/6
    obj, sq = doc["objective"], doc["status_quo_value"]
    assert abs(obj["limit"] - 0.25) <= max(3 * obj["error"], 1e-3)
    assert abs(sq["limit"] - 1 / 6) <= max(3 * sq["error"], 1e-3)
    assert all(v["passed"] for v in doc["verifier"])


def test_check_prop1(runs):
    doc = _doc(runs, "check_prop1")
    assert doc["proposition"] == "PROP1"
    assert doc["status"] == "proved" and doc["conclusion"]["holds"] is True
    assert [h["holds"] for h in doc["hypotheses"]] == [True, True, True]
    assert all(v["worst_violation"] <= 1e-9 for v in doc["verifier"])


def test_derive_latex_and_markdown(capsys):
    rc, out, err = _inproc(capsys, "derive", "--what", "virtual_values", "--cdf", "v", "--latex")
    assert rc == 0, err
    assert out.startswith("%") and "\\begin{document}" in out and "\\end{document}" in out
    rc, md, err = _inproc(capsys, "derive", "--what", "virtual_values", "--cdf", "v", "--markdown")
    assert rc == 0, err
    assert md.startswith("# ") and "$$" in md


# ---------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("name, fragment", [
    ("err_decreasing", "nonnegative"),
    ("err_import", "__import__"),
])
def test_bad_input_is_one_line_exit_2(runs, name, fragment):
    proc, cwd = runs[name]
    assert proc.returncode == 2
    assert proc.stdout == ""
    err = proc.stderr
    assert err.startswith("symmech: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert fragment in err
    assert not (cwd / "hacked").exists()


@pytest.mark.parametrize("args, fragment", [
    (["mechanism", "--family", "Zipf"], "unknown family 'Zipf'"),
    (["analyze", "--support", "1", "0"], "lo < hi"),
    (["analyze", "--support", "0", "0"], "lo < hi"),
    (["analyze", "--cdf", "1 - v"], "F(lo) = 0"),
    (["analyze", "--family", "Power", "--param", "k=-1"], "k > 0"),
    (["analyze", "--family", "Power", "--param", "q=2"], "Power has parameters k"),
    (["analyze", "--family", "Power", "--param", "k=abc"], "--param k=abc"),
    (["analyze", "--family", "Power", "--param", "k=2", "--param", "k=3"], "given twice"),
    (["analyze", "--cdf", "v**2", "--param", "j=2"], "does not appear"),
    (["analyze", "--cdf", "v**k", "--param", "j=2"], "unknown name 'k'"),
    (["analyze", "--cdf", "v", "--family", "Uniform"], "give one of"),
    (["analyze", "--cdf", "v**"], "v**"),
    (["analyze", "--bogus"], "unrecognized arguments"),
    (["analyze", "--alpha", "2"], "alpha must lie in [0, 1]"),
    (["mechanism", "--capacity", "1.5"], "capacity Q must lie in (0, 1)"),
    (["mechanism", "--grids", "50", "100"], "at least three"),
    (["mechanism", "--grids", "100", "50", "200"], "must increase"),
    (["mechanism", "--status-quo", "auction:3"], "unknown status quo"),
    (["mechanism", "--family", "Power", "--param", "k"], "numeric parameters"),
    (["check", "--prop", "7"], "invalid choice"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
])
def test_bad_input_in_process(capsys, args, fragment):
    rc, out, err = _inproc(capsys, *args)
    assert rc == 2, err
    assert out == ""
    assert err.startswith("symmech: error: ") and err.count("\n") == 1, err
    assert fragment in err


def test_internal_error_exit_1_and_debug_traceback(capsys, monkeypatch):
    def boom(args, d, progress):
        raise RuntimeError("boom\nsecond line")
    monkeypatch.setitem(cli._COMMANDS, "analyze", boom)
    rc, out, err = _inproc(capsys, "analyze")
    assert rc == 1 and out == ""
    assert err == ("symmech: error: internal error (RuntimeError: boom; second line); "
                   "rerun with --debug for the traceback\n")
    rc, out, err = _inproc(capsys, "analyze", "--debug")
    assert rc == 1 and "Traceback (most recent call last)" in err and "RuntimeError: boom" in err


@pytest.mark.parametrize("command", ["analyze", "derive", "mechanism", "bargain", "check", "bulow"])
def test_help_shows_a_worked_example(capsys, command):
    rc, out, err = _inproc(capsys, command, "--help")
    assert rc == 0 and err == ""
    assert "example" in out and f"symmech {command}" in out
    assert "--cdf" in out and "--family" in out and "--json" in out


def test_version(capsys):
    rc, out, _ = _inproc(capsys, "--version")
    assert rc == 0 and out.strip() == "symmech 0.1.0"


def test_entry_point_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'symmech = "symmech.cli:main"' in text
    assert callable(cli.main)


# ---------------------------------------------------------------------------------- in-process units
def test_distribution_flags():
    p = cli.build_parser()
    d = cli.distribution_from_args(p.parse_args(["analyze", "--pdf", "6*v*(1-v)"]))
    assert d.cdf.equals(3 * d.var**2 - 2 * d.var**3)           # integral_0^v 6s(1-s) ds
    d = cli.distribution_from_args(p.parse_args(["analyze", "--family", "uniform", "--support", "1", "3"]))
    assert d.support == (1, 3) and d.pdf == sp.Rational(1, 2)
    d = cli.distribution_from_args(p.parse_args(["analyze", "--cdf", "v**k", "--param", "k=3/2"]))
    assert d.cdf == d.var ** sp.Rational(3, 2)
    d = cli.distribution_from_args(p.parse_args(["analyze", "--family", "Beta", "--param", "a=2", "--param", "b=2"]))
    assert sp.expand(d.cdf - (3 * d.var**2 - 2 * d.var**3)) == 0
    d = cli.distribution_from_args(p.parse_args(["analyze"]))
    assert d.cdf == d.var and d.support == (0, 1)
    args = p.parse_args(["derive", "--pdf", "2*v", "--pdf", "out.pdf"])
    assert cli._density_args(args) == ("2*v", "out.pdf")       # .pdf names the output file


def test_status_quo_specs():
    from symmech import families
    d = families.Uniform(0, 1)
    v = d.var
    assert cli.status_quo_from_spec("none", d) is None
    assert cli.status_quo_from_spec("war-of-attrition", d) == "war_of_attrition"
    assert cli.status_quo_from_spec("split", d).payoff == v / 2
    assert cli.status_quo_from_spec("split", d, bargaining=True) == "equal_split"
    # uniform: the posted price that sells Q0 = 0.2 is p = 0.8
    m = cli.status_quo_from_spec("posted-price:0.2", d)
    assert m.payoff.subs(v, 1) == sp.Rational(1, 5)
    assert cli.status_quo_from_spec("posted-price:price=1/4", d).payoff.subs(v, 1) == sp.Rational(3, 4)
    assert cli.status_quo_from_spec("lottery:0.3", d).allocation == sp.Rational(3, 10)
    assert cli.status_quo_from_spec("payoff:v**2/2", d) == v**2 / 2


def test_progress_only_on_a_terminal():
    """Progress lines go to stderr when it is a terminal, and nowhere with --quiet."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "symmech", "analyze", "--cdf", "v", "--json"],
                              stdout=subprocess.PIPE, stderr=slave, env=ENV, cwd=ROOT, timeout=300)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    tty = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert "symmech: deciding shape properties" in tty
    assert json.loads(proc.stdout)["reserve_price"]["float"] == 0.5   # stdout stays clean JSON


@pytest.mark.tex
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs latexmk")
def test_pdf_output(tmp_path):
    proc = _run(["derive", "--what", "shape", "--pdf", "shape.pdf", "--quiet"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "shape.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "shape.tex").exists()
    assert "wrote shape.tex and shape.pdf" in proc.stdout
