"""What people see: the tools as forms (``widgets``), charts (``charts``, ``png``), notebook display
(``present``), the take-away (``takeaway``, written by ``report`` and ``export``), the dashboards
(``dashboards``, ``serve``).

The only package that imports ipywidgets or plotly. It decides nothing about a plan: it lays out
what the core packages decided.
"""
