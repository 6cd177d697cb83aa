"""bornite: open, reproducible copper resource assessment."""

import logging

from bornite._config import get_options, set_options
from bornite._version import __version__

__all__ = ["__version__", "get_options", "set_options"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
