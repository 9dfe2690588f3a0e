"""``python -m orplan``."""

import sys

from orplan.cli import main

sys.exit(main())
