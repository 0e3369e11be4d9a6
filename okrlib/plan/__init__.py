"""The plan: one team's document from the company goal to the one-month action plan.

``model`` declares and validates it (every problem gathered in one pass), ``fields`` describes each
field for forms and tables, ``editing`` decides what typed text means and what is refused. Nothing
here knows a file format, a widget or a chart: storage and views take a plan from here.
"""

from okrlib.plan.model import bulk

__all__ = ["bulk"]
