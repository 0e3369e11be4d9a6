"""The OKR method as the course teaches it: reading a KR sentence (``analyze``), the T10 checklist's
rules (``checks``) and scoring, pace, confidence and risk bands (``scoring``).

Functions of a plan, with no files, widgets or charts; rules, word lists and thresholds are data in
``okrlib/data/`` (rules.yaml, checklist.yaml, scoring.yaml, vocab.yaml).
"""
