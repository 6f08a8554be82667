"""Build every derivation document of this directory into a build directory.

Usage: ``python derivations/build.py [--out DIR] [--pdf] [--allow-unverified] [NAME ...]``

Each ``NN_name.py`` script defines ``document()`` returning a
:class:`symmech.derivation.Document`; the build writes ``NN_name.tex`` and ``NN_name.md``
(and ``NN_name.pdf`` with ``--pdf`` when latexmk is installed) and prints how every step
was checked. The exit status is 1 when a document has a failed or unchecked step (unless
``--allow-unverified``) or a requested PDF could not be compiled although latexmk exists.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(HERE.parent))


def scripts(names=()) -> list:
    """The document scripts, sorted; ``names`` filters by stem or number prefix."""
    found = sorted(p for p in HERE.glob("[0-9][0-9]_*.py"))
    if names:
        found = [p for p in found if any(p.stem == n or p.stem.startswith(n) for n in names)]
    return found


def load(path: Path):
    """The Document built by ``path``'s ``document()``."""
    spec = importlib.util.spec_from_file_location(f"derivation_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.document()


def build(path: Path, out: Path, pdf: bool = False, allow_unverified: bool = False) -> dict:
    """Build one document; returns a summary (counts, files, PDF message, seconds)."""
    t0 = time.perf_counter()
    doc = load(path)
    tex = out / f"{path.stem}.tex"
    res = doc.write(tex, pdf=pdf, overwrite=True, allow_unverified=allow_unverified)
    doc.write(out / f"{path.stem}.md", overwrite=True, allow_unverified=allow_unverified)
    return {"name": path.stem, "title": doc.title, "counts": doc.counts(), "verified": doc.verified,
            "pdf": res.pdf_made, "message": res.message, "seconds": time.perf_counter() - t0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Build the symmech derivation documents.",
                                 epilog="example: python derivations/build.py --out build/derivations --pdf")
    ap.add_argument("names", nargs="*", help="build only these documents (stem or number prefix)")
    ap.add_argument("--out", default="build/derivations", help="build directory (default build/derivations)")
    ap.add_argument("--pdf", action="store_true", help="also compile PDFs with latexmk")
    ap.add_argument("--allow-unverified", action="store_true",
                    help="render documents with failed/unchecked steps (with a warning)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    totals = {"symbolic": 0, "numeric": 0, "failed": 0, "unchecked": 0}
    have_tex = shutil.which("latexmk") is not None
    for path in scripts(args.names):
        try:
            s = build(path, out, args.pdf, args.allow_unverified)
        except Exception as exc:  # report the document and carry on with the others
            print(f"{path.stem}: FAILED to build: {type(exc).__name__}: {exc}")
            status = 1
            continue
        c = s["counts"]
        for k in totals:
            totals[k] += c[k]
        line = (f"{s['name']}: {c['symbolic']} symbolic, {c['numeric']} numeric, {c['failed']} failed, "
                f"{c['unchecked']} unchecked ({s['seconds']:.1f} s)")
        if args.pdf:
            line += "; PDF made" if s["pdf"] else "; " + s["message"].split("; ", 1)[-1]
            if not s["pdf"] and have_tex:
                status = 1
        print(line)
        if not s["verified"] and not args.allow_unverified:
            status = 1
    print(f"total: {totals['symbolic']} symbolic, {totals['numeric']} numeric, {totals['failed']} failed, "
          f"{totals['unchecked']} unchecked; output in {out}")
    return status


if __name__ == "__main__":
    sys.exit(main())
