"""Run every benchmark in bench/ and print their tables: ``python bench/run.py``.

Each ``bench/bench_*.py`` module has a ``main()`` that prints medians of repeated runs and the
ratio against the plain SymPy or HiGHS route doing the same work.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import time


def main(argv: list[str] | None = None) -> int:
    here = pathlib.Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    only = set(argv if argv is not None else sys.argv[1:])
    for path in sorted(here.glob("bench_*.py")):
        if only and path.stem not in only and path.stem.removeprefix("bench_") not in only:
            continue
        print(f"=== {path.stem} ===", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        start = time.perf_counter()
        module.main()
        print(f"({path.stem} took {time.perf_counter() - start:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
