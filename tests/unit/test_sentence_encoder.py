"""The NumPy sentence encoder: BERT's uncased WordPiece rules, and an encoder whose vectors behave as sentence
embeddings should. scripts/check_sentence_encoder.py compares it with the PyTorch reference (cosine 1.00000 on
its texts when last run); these tests need no PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.sentence_encoder import MAX_TOKENS, basic_words, load_encoder, read_safetensors, split_sentences


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


def test_basic_words_lower_case_strip_accents_and_split_punctuation() -> None:
    assert basic_words("Café-crème, naïve?!") == ["cafe", "-", "creme", ",", "naive", "?", "!"]
    assert basic_words("it's\tOK\u200b") == ["it", "'", "s", "ok"]  # a zero-width space is dropped as a control


def test_wordpiece_splits_unknown_words_into_known_pieces(encoder) -> None:
    tokenizer = encoder.tokenizer
    ids = tokenizer.encode("eczema")
    assert ids[0] == tokenizer.cls and ids[-1] == tokenizer.sep
    vocabulary = {i: token for token, i in tokenizer.ids.items()}
    pieces = [vocabulary[i] for i in ids[1:-1]]
    assert "".join(p.removeprefix("##") for p in pieces) == "eczema"
    assert all(p.startswith("##") for p in pieces[1:])


def test_long_texts_are_cut_to_the_token_limit(encoder) -> None:
    ids = encoder.tokenizer.encode("itch " * 500)
    assert len(ids) == MAX_TOKENS and ids[-1] == encoder.tokenizer.sep


def test_vectors_are_unit_length_and_the_same_alone_or_batched_with_padding(encoder) -> None:
    texts = ["can babies have egg?", "what is the gut-skin axis and why do researchers think it matters for eczema?"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    assert together.dtype == np.float32 and together.shape == (2, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-4)  # padding is masked out of attention and of the mean


def test_a_paraphrase_is_closer_than_a_question_about_something_else(encoder) -> None:
    question, paraphrase, other = encoder.encode(
        [
            "when can my baby start eating eggs",
            "is it ok to give an infant scrambled egg",
            "how do I reset my broadband router",
        ]
    )
    assert question @ paraphrase > 0.5 > question @ other


def test_safetensors_are_read_without_pickle(tmp_path) -> None:
    import json

    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    header = json.dumps({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, array.nbytes]}}).encode()
    path = tmp_path / "tiny.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + array.tobytes())
    assert np.array_equal(read_safetensors(path)["w"], array)


def test_split_sentences_keeps_each_sentence_once() -> None:
    assert split_sentences("She is 3. Her nursery uses soap!\nShould I ask them to stop?") == [
        "She is 3.",
        "Her nursery uses soap!",
        "Should I ask them to stop?",
    ]
