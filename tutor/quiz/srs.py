"""FSRS scheduling through the ``fsrs`` library: correct is Good, wrong is Again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs import Card, Rating, Scheduler, State


@dataclass(frozen=True)
class Reviewed:
    """A card after one review, as stored."""

    card_json: str
    due: datetime
    log_json: str
    rating: int
    lapse: bool


class SpacedRepetition:
    """Wraps one FSRS scheduler with the deployment's desired retention."""

    def __init__(self, desired_retention: float = 0.9, enable_fuzzing: bool = True) -> None:
        self.scheduler = Scheduler(desired_retention=desired_retention, enable_fuzzing=enable_fuzzing)

    def new_card(self, card_id: int, now: datetime) -> str:
        """A fresh card, due now."""
        return str(Card(card_id=card_id, due=now).to_json())

    def review(self, card_json: str, correct: bool, now: datetime) -> Reviewed:
        """Review a card: Good when right, Again when wrong (never Hard for a wrong answer)."""
        card = Card.from_json(card_json)
        rating = Rating.Good if correct else Rating.Again
        lapse = not correct and card.state == State.Review
        card, log = self.scheduler.review_card(card, rating, review_datetime=now)
        return Reviewed(str(card.to_json()), card.due, str(log.to_json()), int(rating), lapse)

    def due(self, card_json: str) -> datetime:
        """When a stored card is due."""
        return Card.from_json(card_json).due

    def retrievability(self, card_json: str, now: datetime) -> float:
        """Probability of recalling the item now."""
        return float(self.scheduler.get_card_retrievability(Card.from_json(card_json), current_datetime=now))
