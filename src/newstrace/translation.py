"""Machine translation: does an English text read like a machine translation?

A ``StyleModel`` (see ``style``) in ``data/machine_translation.json``, written by
``scripts/train_machine_translation.py`` from WMT21 ja-en (the human reference against 16
systems' outputs of the same documents); that script prints the model's AUROC under 5-fold
cross-validation grouped by source document, the figure to quote.

For Japanese sources (``SOURCE_AWARE_LANGUAGES``) a second model,
``data/machine_translation_ja.json``, also reads two measures against the source text
(sentence and length ratios: ``style.SOURCE_FEATURE_NAMES``).

The model learned human translators' style against systems' style; on native English
news it is not calibrated (it was never shown any), so newstrace applies it only where a
text is known to be a translation: on links whose source is in another language.
"""

from __future__ import annotations

from typing import TypedDict

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
#: Score above which the English side of a pair is taken to be the translation, and so
#: downstream. Higher than the label's cut because a wrong direction misleads the whole
#: lineage: in grouped cross-validation on WMT21 (scripts/train_machine_translation.py)
#: 0.5 flags 31% of human translations, 0.7 flags 5% (and 45% of machine ones). An
#: English original, which the model never saw, is no more likely to look machine-made
#: than a human translation.
MACHINE_TRANSLATION_DIRECTION_THRESHOLD = 0.7


#: Source languages for which the model reading the source's length and sentence ratios
#: (``style.SOURCE_FEATURE_NAMES``) applies: those it was fitted on. Characters per word
#: differ between languages, so other sources get the style-only model.
SOURCE_AWARE_LANGUAGES = frozenset({"ja"})


def machine_translation_model(source_language: str | None = None) -> StyleModel:
    if source_language in SOURCE_AWARE_LANGUAGES:
        return load_model("machine_translation_ja")
    return load_model("machine_translation")


def translation_vector(text: str, source_text: str, model: StyleModel) -> list[float]:
    """``model``'s features of English ``text`` translated from ``source_text``."""
    vector = style_vector(text)
    return vector + source_vector(text, source_text) if model.needs_source else vector


def machine_translation_score(text: str, source_text: str,
                              source_language: str | None = None) -> float:
    """Probability-like score in [0, 1] that an English translation of ``source_text``
    (in ``source_language``) is machine-made."""
    model = machine_translation_model(source_language)
    return model.score(translation_vector(text, source_text, model))


class MachineTranslationEvidence(TypedDict):
    score: float
    features: list[dict[str, object]]
    flagged_passages: list[dict[str, object]]


def machine_translation_evidence(text: str, source_text: str, source_language: str | None = None,
                                 top: int = 6) -> MachineTranslationEvidence:
    """Why the model leans to machine translation: the features that push the score up
    most, and the sentences carrying the literal-translation phrases it counts."""
    model = machine_translation_model(source_language)
    vector = translation_vector(text, source_text, model)
    ranked = sorted(zip(model.features, model.contributions(vector), strict=True),
                    key=lambda fc: -fc[1])
    flagged: list[dict[str, object]] = []
    for start, sentence in sentences_with_offsets(text):
        hits = calque_hits(sentence)
        if hits:
            flagged.append({"span": [start, start + len(sentence)], "phrases": hits})
    return {"score": round(model.score(vector), 3),
            "features": [{"feature": f, "push": round(c, 3)} for f, c in ranked[:top] if c > 0],
            "flagged_passages": flagged[:20]}
