"""The course material: the five cases (``cases``), the reference libraries (``reference``), the
declared CSV tables they are made of (``datasets``) and the feedback on exercises X1-X8
(``exercises``).
"""
