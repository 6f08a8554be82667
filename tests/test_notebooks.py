"""Execute every teaching notebook with nbclient; each one asserts its key numbers in code.

The notebooks run with the working directory ``notebooks/`` and the repository on
``PYTHONPATH`` (as from a checkout); a failing ``assert`` in any cell fails the test with
the cell's traceback. They execute concurrently, each in its own process (one kernel
each), so the module costs about the slowest notebooks rather than their sum. The
committed notebooks must carry no outputs and must be exactly what
``notebooks/make_notebooks.py`` builds.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NB_DIR.glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT = 300

# executes one notebook and writes it, with outputs, to argv[2]; exit 1 with the failing cell
_RUNNER = """
import sys, nbformat, nbclient
from nbclient.exceptions import CellExecutionError
src, dst, cwd, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nb = nbformat.read(src, as_version=4)
client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": cwd}})
try:
    client.execute()
except CellExecutionError as exc:
    print(exc)
    sys.exit(1)
nbformat.write(nb, dst)
"""


def _builder():
    spec = importlib.util.spec_from_file_location("make_notebooks", NB_DIR / "make_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """name -> (CompletedProcess, path of the executed copy)."""
    out = tmp_path_factory.mktemp("notebooks")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "MPLBACKEND": "Agg"}

    def run(name):
        dst = out / name
        proc = subprocess.run([sys.executable, "-c", _RUNNER, str(NB_DIR / name), str(dst), str(NB_DIR),
                               str(CELL_TIMEOUT)], capture_output=True, text=True, env=env, cwd=NB_DIR,
                              timeout=CELL_TIMEOUT * 10)
        return proc, dst

    with cf.ThreadPoolExecutor(max_workers=max(2, min(3, os.cpu_count() or 2))) as pool:
        futs = {name: pool.submit(run, name) for name in NOTEBOOKS}
        return {name: f.result() for name, f in futs.items()}


def test_there_are_five_teaching_notebooks():
    assert NOTEBOOKS == sorted(_builder().NOTEBOOKS)
    assert len(NOTEBOOKS) >= 5


def test_committed_notebooks_are_regenerable_and_have_no_outputs(tmp_path):
    for path in _builder().write_all(tmp_path):
        committed = NB_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{path.name}: rerun notebooks/make_notebooks.py"
        nb = nbformat.read(str(committed), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code)
        assert sum("assert " in c.source for c in code) >= 4       # each checks its key numbers
        assert any("plot." in c.source for c in code)              # and draws
        assert any("derive." in c.source for c in code)            # and renders a derivation


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_assertions_hold(executed, name):
    proc, dst = executed[name]
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    nb = nbformat.read(str(dst), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    # the plots were drawn (inline PNGs) and the derivations rendered (Markdown or LaTeX)
    kinds = {k for c in code for o in c.get("outputs", []) for k in o.get("data", {})}
    assert "image/png" in kinds
    assert {"text/markdown", "text/latex"} & kinds
