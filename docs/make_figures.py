"""Regenerate the figures of the README: ``python docs/make_figures.py``.

``docs/bulow_uniform.png`` is the Bulow picture for uniform values: the immediate 50-50
split pays ``v/2``, the war of attrition ``U0(v) = integral_0^v F = v**2/2``; the split is
better for every interior type (green), so it Pareto-improves on the war of attrition.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import symmech as sm  # noqa: E402
from symmech import plot  # noqa: E402


def bulow_uniform(path: Path) -> Path:
    """The 50-50 split against the war of attrition for uniform values, saved to ``path``."""
    d = sm.families.Uniform(0, 1)
    fig = plot.payoffs([("50-50 split", sm.equal_split(2)), ("war of attrition", sm.war_of_attrition(d))], d)
    ax = fig.axes[0]
    ax.set_title("Bulow's puzzle, uniform values: 50-50 split vs war of attrition", fontsize=10)
    fig.set_size_inches(6.0, 3.8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def main() -> None:
    out = bulow_uniform(HERE / "bulow_uniform.png")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
