"""What okrlib says to people: the words (from data files), the formatter, and problems.

Every label, status and message a participant or reader sees is read from ``okrlib/data/`` through
this package, and every number and date shown to people goes through its formatter, so the same
thing reads the same on every surface. It imports nothing else of okrlib.
"""
