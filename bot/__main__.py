"""`python -m bot ...`: the project's command line."""

import os
import sys

from bot.quiet import QUIET

os.environ.update(QUIET)  # before bot.cli imports Rasa

from bot.cli import main

sys.exit(main())
