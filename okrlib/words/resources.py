"""Access to okrlib's packaged data files (vocabularies, messages, labels).

Word lists, labels and messages live in YAML files beside the code so that they can be
reviewed and translated without touching logic; this module is the one place that reads them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from importlib import resources
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def data_file(name: str) -> Any:
    """Parse ``okrlib/data/<name>.yaml`` once per process."""
    text = resources.files("okrlib").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)


def data_root() -> Path:
    """The course's ``data/`` folder (cases, reference libraries): ``$OKRLIB_DATA`` when set,
    else the ``data/`` beside the okrlib package of this repository (okrlib is installed in
    editable mode by ``make setup``, so that is the checkout's own folder)."""
    env = os.environ.get("OKRLIB_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "data"
    if here.is_dir():
        return here
    # okrlib.words.text reads its files through this module, so this one message is read here
    words = data_file("messages")["data_folder_missing"]
    raise FileNotFoundError(f"{words['zh']} / {words['en']}")
