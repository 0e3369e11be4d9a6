"""What the tests and the benchmarks share: sample plans, hypothesis strategies, the course day.

One importable place, so that ``tests/`` and ``benchmarks/`` never reach into each other:

- ``okr_samples``: small, complete plans as plain data (CLI and report tests);
- ``chart_samples``: the documented example plan and a hostile one (chart and export tests);
- ``strategies``: hypothesis strategies for valid workbooks (round trips, scoring);
- ``csv_edit``: edit one cell or drop a column of a CSV copy (tests that break data on purpose);
- ``waiting``: ``eventually``, waiting for a server the test started to act (no bet on timing);
- ``course_day``: the course notebooks run headless with papermill, as the notebook tests and
  ``benchmarks/notebooks.py`` both run them.

Importable from the repo root: pytest puts the root on ``sys.path`` (``pythonpath`` in
pyproject.toml) and ``python -m benchmarks`` runs from it. Not part of the okrlib package.
"""
