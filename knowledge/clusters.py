"""Group similar unanswered questions: TF-IDF vectors of their words, cosine similarity, greedy centroid clustering.

Pure Python and numpy (no scikit-learn: the knowledge library runs in .venv-actions, which has numpy and not
scikit-learn). Words are lower-cased, crudely stemmed ("baths" -> "bath", "scratching" -> "scratch") and common
words and the words every question here shares ("eczema", "my child") are left out. Texts are grouped in order of
frequency: each joins the cluster whose centroid it is most similar to, when that similarity reaches THRESHOLD,
or starts a new one; a second pass moves each text to its best centroid. THRESHOLD was chosen on the labelled set
tests/fixtures/unanswered_clusters.yml (tests/unit/test_clusters.py prints the pair accuracy for each threshold).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.3
MAX_TEXTS = 3000  # the most frequent distinct texts clustered (the rest: too rare to show); bounds memory and time

WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """a about after all also am an and any are as at be because been before being but by can could did do does
    doing for from get got had has have he her him his how i if in into is it its just me more most my no not
    of on or our out over own she should so some such than that the their them then there these they this to
    too up very was we were what when where which while who why will with would you your yours us ok okay
    please thanks thank hi hello tell know want need much many way ways really still something anything
    eczema eczematous atopic dermatitis child children kid kids baby babies son daughter toddler help good bad
    best safe use using take taking make give work cause""".split()
)


def stem(word: str) -> str:
    """A crude English stem: enough to put 'baths' with 'bath' and 'scratching' with 'scratches'."""
    for suffix, replacement, min_len in (
        ("ies", "y", 5),
        ("ing", "", 6),
        ("es", "", 5),
        ("ed", "", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    words = WORD.findall(text.lower().replace("'s", ""))
    return [stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Cluster:
    texts: tuple[tuple[str, int], ...]  # distinct texts with their counts, most frequent first
    size: int  # how many questions (with repeats)

    @property
    def label(self) -> str:
        """The most frequent text: what the cluster is shown as."""
        return self.texts[0][0]

    def examples(self, limit: int = 3) -> list[str]:
        return [text for text, _ in self.texts[:limit]]


def tfidf(texts: list[str]) -> np.ndarray:
    """Unit-length TF-IDF rows (float32), one per text; an all-zero row for a text with no content word."""
    docs = [Counter(terms(text)) for text in texts]
    df: Counter[str] = Counter(term for doc in docs for term in doc)
    vocabulary = {term: index for index, term in enumerate(sorted(df))}
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float32)
    n = len(texts)
    for row, doc in enumerate(docs):
        for term, count in doc.items():
            matrix[row, vocabulary[term]] = (1 + math.log(count)) * (math.log((1 + n) / (1 + df[term])) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def cluster_texts(texts: Iterable[str], threshold: float = THRESHOLD) -> list[Cluster]:
    """Clusters of similar texts, the largest first (ties: the order texts were first given, e.g. newest first)."""
    counts = Counter(texts)
    distinct = sorted(counts, key=lambda t: -counts[t])[:MAX_TEXTS]  # stable: ties keep the given order
    if not distinct:
        return []
    vectors = tfidf(distinct)
    weights = np.array([counts[t] for t in distinct], dtype=np.float32)
    assignment = np.full(len(distinct), -1)
    sums: list[np.ndarray] = []
    for index, vector in enumerate(vectors):  # greedy: join the closest centroid or start a cluster
        best = -1
        if sums and vector.any():
            centroids = np.array(sums)
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
            similarity = centroids @ vector
            best = int(np.argmax(similarity))
            if similarity[best] < threshold:
                best = -1
        if best < 0:
            sums.append(vector * weights[index])
            best = len(sums) - 1
        else:
            sums[best] = sums[best] + vector * weights[index]
        assignment[index] = best
    if len(sums) > 1:  # one pass of refinement: each text to its best centroid, when close enough
        centroids = np.array(sums)
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
        similarity = vectors @ centroids.T
        best_of = np.argmax(similarity, axis=1)
        keep = similarity[np.arange(len(distinct)), best_of] >= threshold
        assignment = np.where(keep & vectors.any(axis=1), best_of, assignment)
    members: dict[int, list[str]] = {}
    for text, cluster in zip(distinct, assignment):
        members.setdefault(int(cluster), []).append(text)
    clusters = [
        Cluster(tuple((t, counts[t]) for t in group), sum(counts[t] for t in group)) for group in members.values()
    ]
    order = {text: position for position, text in enumerate(distinct)}
    return sorted(clusters, key=lambda c: (-c.size, min(order[t] for t, _ in c.texts)))


def pair_accuracy(labels: dict[str, str], clusters: list[Cluster]) -> float:
    """Share of text pairs placed right: same label and same cluster, or different label and different cluster."""
    found = {text: index for index, cluster in enumerate(clusters) for text, _ in cluster.texts}
    texts = sorted(labels)
    right = total = 0
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            total += 1
            right += (labels[first] == labels[second]) == (found[first] == found[second])
    return right / total if total else 1.0
