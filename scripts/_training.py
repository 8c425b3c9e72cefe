"""What the model-training scripts share: the data folder, the model shape, the CLI start."""

from __future__ import annotations

import argparse
import os
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
