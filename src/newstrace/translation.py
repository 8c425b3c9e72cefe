"""Machine translation: does an English text read like a machine translation?

A ``StyleModel`` (see ``style``) in ``data/machine_translation.json``, written by
``scripts/train_machine_translation.py`` from WMT21 ja-en (the human reference against 16
systems' outputs of the same documents); that script prints the model's AUROC under 5-fold
cross-validation grouped by source document, the figure to quote.

Besides the English text's style it reads two measures against the source text (sentence
and length ratios: ``style.SOURCE_FEATURE_NAMES``).

The model learned human translators' style against systems' style; on native English
news it is not calibrated (it was never shown any), so newstrace applies it only where a
text is known to be a translation: on links whose source is in another language.
"""

from __future__ import annotations

from .style import (
    StyleModel,
    calque_hits,
    load_model,
    sentences_with_offsets,
    source_vector,
    style_vector,
)

#: Score above which a translation is labelled ``machine_translation``. At 0.5 the balanced
#: model splits WMT21's classes; see the training script's output for rates at this cut.
MACHINE_TRANSLATION_THRESHOLD = 0.5


def machine_translation_model() -> StyleModel:
    return load_model("machine_translation")


def translation_vector(text: str, source_text: str) -> list[float]:
    """The model's features of English ``text`` translated from ``source_text``."""
    return style_vector(text) + source_vector(text, source_text)


def machine_translation_score(text: str, source_text: str) -> float:
    """Probability-like score in [0, 1] that an English translation of ``source_text``
    is machine-made."""
    return machine_translation_model().score(translation_vector(text, source_text))


def machine_translation_evidence(text: str, source_text: str, top: int = 6) -> dict[str, object]:
    """Why the model leans to machine translation: the features that push the score up
    most, and the sentences carrying the literal-translation phrases it counts."""
    model = machine_translation_model()
    vector = translation_vector(text, source_text)
    ranked = sorted(zip(model.features, model.contributions(vector), strict=True),
                    key=lambda fc: -fc[1])
    flagged = []
    for start, sentence in sentences_with_offsets(text):
        hits = calque_hits(sentence)
        if hits:
            flagged.append({"span": [start, start + len(sentence)], "phrases": hits})
    return {"score": round(model.score(vector), 3),
            "features": [{"feature": f, "push": round(c, 3)} for f, c in ranked[:top] if c > 0],
            "flagged_passages": flagged[:20]}
