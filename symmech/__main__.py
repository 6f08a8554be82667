"""``python -m symmech``: the same as the ``symmech`` command (see :mod:`symmech.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
