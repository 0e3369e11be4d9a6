"""okrlib's version, as the take-away and the command line print it (pyproject.toml holds the same)."""

VERSION = "0.1.0"
