"""symmech: derive, check and write up results in mechanism design and auction theory.

Examples
--------
>>> import symmech as sm
>>> sm.v
v
"""

from .errors import *  # noqa: F401,F403
from .parsing import *  # noqa: F401,F403
from .verdict import *  # noqa: F401,F403
from .interim import *  # noqa: F401,F403
from .distribution import *  # noqa: F401,F403
from . import families  # noqa: F401
from .signs import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .numeric import *  # noqa: F401,F403
from .virtual import *  # noqa: F401,F403
from .equilibria import *  # noqa: F401,F403
from .mechanism import *  # noqa: F401,F403
from .optimize import *  # noqa: F401,F403
from .propositions import *  # noqa: F401,F403
from . import propositions  # noqa: F401
from . import derivation  # noqa: F401
from . import derive  # noqa: F401
from . import plot  # noqa: F401

__version__ = "0.1.0"
