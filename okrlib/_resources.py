"""Access to okrlib's packaged data files (vocabularies, messages, labels).

Word lists, labels and messages live in YAML files beside the code so that they can be
reviewed and translated without touching logic; this module is the one place that reads them.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def data_file(name: str) -> Any:
    """Parse ``okrlib/data/<name>.yaml`` once per process."""
    text = resources.files("okrlib").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)
