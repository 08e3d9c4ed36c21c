"""`python -m bot.launch_rasa run ...`: Rasa's own command line, with bot/rasa_fixes.py applied.

bot.servers starts every Rasa server this way (make run, the tests, the benchmark, containers),
so a fix to Rasa is in place wherever Signpost runs, and nowhere else.
"""

import sys

from rasa.__main__ import main

from bot.rasa_fixes import apply

if __name__ == "__main__":
    apply()
    sys.exit(main())
