"""Fitting the query adapter on the course as it stands, and keeping it in the store for every process to load."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from tutor.retrieval.catalog import Catalog
from tutor.retrieval.query_adapter import FitSettings, fingerprint, fit_adapter, training_set
from tutor.retrieval.question_keys import QuestionKeys
from tutor.retrieval.vector_index import ChromaIndex
from tutor.store.models import QueryAdapter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdapterReport:
    """What a refit did: "fitted", "unchanged", or "identity" (too few quiz questions: the map is dropped)."""

    outcome: str
    questions: int


def refit(
    sessions: sessionmaker[Session],
    embedder: str,
    catalog: Catalog,
    chunks: ChromaIndex,
    questions: QuestionKeys,
    now: datetime,
    fit: FitSettings = FitSettings(),
) -> AdapterReport:
    """Fit the map again if the passages or the quiz questions changed since the stored one; drop it when there are
    too few questions to fit one."""
    catalog.refresh(force=True)
    entries = catalog.entries
    asked = questions.question_vectors()
    passage_keys = [f"{i}\0{e.passage.section_id}\0{e.passage.lang}\0{e.passage.text}" for i, e in entries.items()]
    fp = fingerprint(embedder, passage_keys, [q[0] for q in asked], fit)
    with sessions.begin() as s:
        stored = s.get(QueryAdapter, embedder)
        if stored is not None and stored.fingerprint == fp:
            return AdapterReport("unchanged", stored.questions)
    vectors = chunks.vectors(list(entries))
    passages = [
        (vectors[i], f"{e.passage.module_id}#{e.passage.section_id}", e.passage.lang)
        for i, e in entries.items()
        if i in vectors
    ]
    data = training_set([(v, section, lang) for _, v, section, lang in asked], passages)
    matrix = fit_adapter(data, fit) if data is not None else None
    n = len(data.queries) if data is not None else 0
    with sessions.begin() as s:
        stored = s.get(QueryAdapter, embedder)
        if matrix is None:
            if stored is not None:
                s.delete(stored)
        else:
            row = stored or QueryAdapter(embedder=embedder)
            row.fingerprint, row.dim, row.questions, row.fitted_at = fp, matrix.shape[0], n, now
            row.matrix = matrix.tobytes()
            s.add(row)
    catalog.refresh(force=True)
    if matrix is None:
        return AdapterReport("identity", 0)
    log.info("query adapter fitted on %d quiz questions", n)
    return AdapterReport("fitted", n)
