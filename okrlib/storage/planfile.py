"""A plan file that forms edit together: every accepted edit is saved at once, atomically.

The editing rules (what typed text means, what is refused) live in :mod:`okrlib.plan.editing`;
this module only binds a plan to its file and tells the forms and charts that show it.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from okrlib.words import text
from okrlib.plan.editing import apply, changed_parts, delete
from okrlib.plan.model import Workbook
from okrlib.storage import yaml_file

__all__ = ["PlanFile"]


class PlanFile:
    """A plan file that forms edit together: load once, save every accepted edit at once.

    Forms that show the same plan register ``on_change`` callbacks, so a product goal added in
    one form appears in the next form's drop-down without re-running a cell.
    """

    def __init__(self, path: Union[str, Path], *, team: Optional[str] = None, product: Optional[str] = None,
                 product_type: str = "to_b", year: Optional[int] = None, quarter: Optional[int] = None) -> None:
        self.path = Path(path)
        self._listeners: list[tuple[Callable[[Workbook], None], Optional[frozenset[str]]]] = []
        self._batch = 0
        self._changed: set[str] = set()  # parts of the plan changed since the listeners were told
        self._unsaved = False  # edits of a batch not written yet
        if self.path.exists():
            self.workbook = yaml_file.load(self.path)  # a broken file raises, naming every problem
        else:
            team = team if team is not None else text.say("labels.new_plan.team")
            product = product if product is not None else text.say("labels.new_plan.product")
            self.workbook = Workbook.new(team, product, product_type, year or dt.date.today().year, quarter)

    def on_change(self, callback: Callable[[Workbook], None], parts: Optional[Iterable[str]] = None) -> None:
        """Call ``callback(workbook)`` after each saved edit; with ``parts`` (``"meta"`` or section
        names such as ``"risks"``) only when one of them changed, so a risk added in M6 does not
        redraw every chart and drop-down opened since M3."""
        self._listeners.append((callback, None if parts is None else frozenset(parts)))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several edits in a row (a form's sample rows): each is checked at once, the file is
        written once at the end (also when an error stops the batch: what was accepted is kept),
        and the other forms and charts are told once, instead of after every row."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
            if not self._batch:
                if self._unsaved:
                    self._write(self.workbook)
                if self._changed:
                    self._notify()

    def _notify(self) -> None:
        changed, self._changed = frozenset(self._changed), set()
        for callback, parts in list(self._listeners):
            if parts is None or parts & changed:
                callback(self.workbook)

    def _write(self, workbook: Workbook) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        yaml_file.save(workbook, self.path)
        self._unsaved = False

    def _commit(self, new: Workbook) -> Workbook:
        if self._batch:
            self._unsaved = True
        else:
            self._write(new)
        old, self.workbook = self.workbook, new
        self._changed |= changed_parts(old, new)
        if not self._batch and self._changed:
            self._notify()
        return new

    def apply(self, section: str, values: Mapping[str, Any], original: Optional[str] = None) -> Workbook:
        """Check and save one row (EditError leaves the plan and the file as they were)."""
        return self._commit(apply(self.workbook, section, values, original))

    def delete(self, section: str, row_id: str) -> Workbook:
        return self._commit(delete(self.workbook, section, row_id))

    def replace(self, workbook: Workbook) -> Workbook:
        """Save a whole plan (e.g. a case's plan copied as a starting point)."""
        return self._commit(Workbook.from_dict(workbook.to_dict()))
