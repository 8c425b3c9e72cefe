"""What the model-training scripts share: the data folder, the model shape, the CLI start."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

DEFAULT_DATA = Path(os.environ.get("NEWSTRACE_EVAL_DATA", "../shared/data"))


def logistic_model(c: float, *, balanced: bool = False) -> Pipeline:
    """Standardised features into an L2 logistic regression: the shape every shipped model
    file stores (``style.StyleModel`` / ``SoftmaxModel`` read its means, scales and weights)."""
    return make_pipeline(StandardScaler(), LogisticRegression(
        C=c, class_weight="balanced" if balanced else None, max_iter=5000))


def training_parser(description: str) -> argparse.ArgumentParser:
    """``--data`` (the evaluation data folder) and ``--dry-run`` (report, do not write)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dry-run", action="store_true", help="report, do not write the model")
    return parser


#: MixSet's operations on human text that make LLM text of it.
MIXSET_OPERATIONS = ("rewrite", "polish_sentence", "polish_token", "complete")
SHEEPDOG_VERSIONS = ("source", "objective", "neutral", "emotionally_triggering", "sensational")


@lru_cache(maxsize=1)
def _ingest_options():  # type: ignore[no-untyped-def]
    from newstrace.options import Options

    return Options(progress=False, detect_language=False)


def ingested_text(text: str) -> str | None:
    """``text`` as newstrace's ingest leaves it, or None when ingest rejects it."""
    from newstrace.ingest import RawRecord, build_document

    try:
        return build_document(RawRecord("x", "training", "x", {"text": text}), _ingest_options()).text
    except Exception:  # an empty or unusable text is left out
        return None


def _model_output(item: dict) -> str | None:  # type: ignore[type-arg]
    """A MixSet item's model-written text (its ``<model>_<operation>_output`` field)."""
    return next((v for k, v in item.items() if k.endswith("_output")), None)


def mixset_texts(data: Path) -> Iterator[tuple[str, int, str]]:
    """(raw text, 1 for LLM output and 0 for human text, group) for MixSet's human texts
    (each once) and what GPT-4 and Llama 2 made of them; the group is the human text."""
    human_seen: set[str] = set()
    for path in sorted((data / "mixset" / "separated_files").glob("*.json")):
        if not any(path.stem.endswith(op) for op in MIXSET_OPERATIONS):
            continue
        for item in json.loads(path.read_text()):
            human = item.get("HWT_sentence")
            output = _model_output(item)
            if not human or not output:
                continue
            group = f"{item.get('category')}/{item.get('id')}"
            yield output, 1, group
            if group not in human_seen:
                human_seen.add(group)
                yield human, 0, group


#: What GPT-4 and Llama 2 wrote when asked to make machine text read as a person's: the
#: informal, emphatic register ("hella mad", "BOOM") a model takes when told to make a text
#: emotional or sensational. Their inputs are other models' texts, not MixSet's human texts.
MIXSET_HUMANIZED = ("gpt4_humanize", "2llama_humanize")


def mixset_humanized(data: Path) -> Iterator[tuple[str, int, str]]:
    """(raw text, 1, group) for each output of ``MIXSET_HUMANIZED``: model-written text,
    grouped by the machine text it was made from."""
    for name in MIXSET_HUMANIZED:
        for item in json.loads((data / "mixset" / "separated_files" / f"{name}.json").read_text()):
            output = _model_output(item)
            if output:
                yield output, 1, f"humanized/{item.get('category')}/{item.get('id')}"


def sheepdog_texts(data: Path) -> Iterator[tuple[str, int, int]]:
    """(raw text, 1 for an LLM restyling and 0 for the source article, article number)."""
    for number, line in enumerate((data / "sheepdog-politifact" / "train.jsonl").open()):
        record = json.loads(line)
        for key in SHEEPDOG_VERSIONS:
            yield record[key], int(key != "source"), number
