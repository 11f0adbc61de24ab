"""``python -m biblint``: the same as the ``biblint`` command."""

import sys

from .cli import main

sys.exit(main())
