"""YAML reading with libyaml's parser when PyYAML was built with it (ten times faster than the pure-Python one: the
scenarios, quiz banks and glossary are read at every start)."""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The YAML document in ``text``, with only plain types (as ``yaml.safe_load``)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, the C one when available
