"""The tutors' review: flags (raised by the assistant or the learner), cohorts, tutors' accounts and actions, the
durable outbox of their replies, and analytics per cohort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.review.cohorts import Cohorts
    from tutor.review.flagging import Flagging


@dataclass(frozen=True)
class Review:
    """What the conversation uses of the review: flags and cohort joins."""

    flags: Flagging
    cohorts: Cohorts
