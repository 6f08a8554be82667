"""The README's Python tour runs as written and prints what its comments promise."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_quick_start_has_exactly_two_commands():
    section = README.read_text().split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ['pip install . && symmech bulow', 'pip install ".[test]" && python -m pytest -q']


def test_python_tour_runs_and_prints_the_commented_values():
    (code,) = _python_blocks()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})  # the project's own README, not user input
    text = out.getvalue()
    for expected in ("k >= 1", "2*v - 1", "1/2", "-v - log(1 - v)", "v**2/2", "3/2 - sqrt(3)/2"):
        assert expected in text, expected
    # the Proposition 1 check and the Bulow verdict for uniform values
    assert re.search(r"^(proved|confirmed)$", text, flags=re.M)
    assert re.search(r"^True$", text, flags=re.M)
