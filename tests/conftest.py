"""Test-wide settings: a non-interactive matplotlib backend.

The package under test is the installed ``dibsim`` (``make test`` installs it editable), never
the repository's folders on ``sys.path``.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
