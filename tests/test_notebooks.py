"""Execute every teaching notebook with nbclient; each one asserts its key numbers in code.

The notebooks run with the working directory ``notebooks/`` and the repository on
``PYTHONPATH`` (as from a checkout); a failing ``assert`` in any cell fails the test with
the cell's traceback. The committed notebooks must carry no outputs and must be exactly
what ``notebooks/make_notebooks.py`` builds.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NB_DIR.glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT = 300


def _builder():
    spec = importlib.util.spec_from_file_location("make_notebooks", NB_DIR / "make_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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
def test_notebook_runs_and_its_assertions_hold(name, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(str(NB_DIR / name), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(NB_DIR)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    # the plots were drawn (inline PNGs) and the derivations rendered (Markdown or LaTeX)
    kinds = {k for c in code for o in c.get("outputs", []) for k in o.get("data", {})}
    assert "image/png" in kinds
    assert {"text/markdown", "text/latex"} & kinds
