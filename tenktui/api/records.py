"""The typed records, under the name the API layer has always used for them.

They live in :mod:`tenktui.records`, which the store may import too; this module
re-exports them so ``from tenktui.api.records import TimeEntry`` keeps working.
"""

from tenktui.records import *  # noqa: F403
from tenktui.records import __all__ as __all__
