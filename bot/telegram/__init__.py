"""The python-telegram-bot adapter: updates in (polling or webhook), messages out."""

import os

# Opt in now to python-telegram-bot's coming behaviour (durations as timedelta) so RetryAfter
# handling does not change under us in its next major version.
os.environ.setdefault("PTB_TIMEDELTA", "true")
