"""Fitting the query adapter on the course as it stands, and keeping it in the store for every process to load."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from tutor.ports import VectorIndex
from tutor.retrieval.catalog import Catalog
from tutor.retrieval.query_adapter import FitSettings, fingerprint, fit_adapter, training_set
from tutor.retrieval.question_keys import QuestionKeys
from tutor.store.query_adapters import QueryAdapterRepository, StoredAdapter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdapterReport:
    """What a refit did: "fitted", "unchanged", or "identity" (too few quiz questions: the map is dropped)."""

    outcome: str
    questions: int


def refit(
    adapters: QueryAdapterRepository,
    embedder: str,
    catalog: Catalog,
    chunks: VectorIndex,
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
    stored = adapters.fingerprint(embedder)
    if stored is not None and stored[0] == fp:
        return AdapterReport("unchanged", stored[1])
    vectors = chunks.vectors(list(entries))
    passages = [
        (vectors[i], f"{e.passage.module_id}#{e.passage.section_id}", e.passage.lang)
        for i, e in entries.items()
        if i in vectors
    ]
    data = training_set([(v, section, lang) for _, v, section, lang in asked], passages)
    matrix = fit_adapter(data, fit) if data is not None else None
    n = len(data.queries) if data is not None else 0
    if matrix is None:
        adapters.delete(embedder)
    else:
        adapters.save(StoredAdapter(embedder, fp, matrix, n, now))
    catalog.refresh(force=True)
    if matrix is None:
        return AdapterReport("identity", 0)
    log.info("query adapter fitted on %d quiz questions", n)
    return AdapterReport("fitted", n)
