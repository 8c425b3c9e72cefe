"""Fit the PAN obfuscation model (src/newstrace/data/pan_obfuscation.json).

    .venv/bin/python scripts/train_pan_obfuscation.py [--data ../shared/data] [--workers 2]

PAN13 text alignment, training corpus only: every pair of the four plagiarism categories
is aligned as ``newstrace pan detect`` aligns it, and each detected passage that overlaps a
true case is labelled with its category's obfuscation (none, random, translation, summary).
Prints the accuracy and confusion under 5-fold cross-validation grouped by suspicious
document (no document in both train and test): that is the figure to quote. Then fits on
everything and writes the weights. Needs scikit-learn (the dev extra).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from newstrace.align import align_texts
from newstrace.evaluate import read_features, read_text
from newstrace.style import SoftmaxModel
from newstrace.transform import OBFUSCATION_FEATURES, obfuscation_vectors

DEFAULT_DATA = Path(os.environ.get("NEWSTRACE_EVAL_DATA", "../shared/data"))
CATEGORIES = {"02-no-obfuscation": "none", "03-random-obfuscation": "random",
              "04-translation-obfuscation": "translation", "05-summary-obfuscation": "summary"}
#: L2 regularisation, chosen among 0.1, 1 and 10 by the grouped cross-validated accuracy
#: on a first feature set (0.910, 0.921, 0.923); 1 kept, as 10 gained little. Features of
#: the document pair that reflect how PAN built its corpus rather than how a passage was
#: rewritten (how much of the suspicious document is covered) were tried and left out:
#: they added 0.004 and made a spun copy in a longer article read as a summary.
REGULARISATION_C = 1.0
OUT = Path(__file__).resolve().parents[1] / "src" / "newstrace" / "data" / "pan_obfuscation.json"


def labelled_passages(job: tuple[Path, str, Path]) -> list[tuple[list[float], str, str]]:
    data, label, truth = job
    susp, src = truth.stem.split("-source")
    susp_text = read_text(data / "susp" / f"{susp}.txt")
    src_text = read_text(data / "src" / f"source{src}.txt")
    passages = align_texts(src_text, susp_text, min_chars=150)
    cases = read_features(truth, ("plagiarism",))
    rows = []
    for p, vector in zip(passages, obfuscation_vectors(passages, src_text, susp_text), strict=True):
        if any(c.this_offset < p.target[1] and p.target[0] < c.this_offset + c.this_length
               for c in cases):
            rows.append((vector, label, susp))
    return rows


def dataset(data: Path, workers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    jobs = [(data, label, truth) for category, label in CATEGORIES.items()
            for truth in sorted((data / "truth" / category).glob("*.xml"))]
    with ProcessPoolExecutor(workers) as pool:
        rows = [r for rs in pool.map(labelled_passages, jobs, chunksize=8) for r in rs]
    return (np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
            np.array([r[2] for r in rows]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    data = args.data / "pan13-train"
    if not (data / "truth").is_dir():
        print(f"PAN13 data not found at {data}")
        return 2
    x, y, groups = dataset(data, args.workers)
    print(f"{len(y)} detected passages overlapping a case: {dict(Counter(y.tolist()))}")
    model = make_pipeline(StandardScaler(), LogisticRegression(C=REGULARISATION_C, max_iter=5000))
    predicted = cross_val_predict(model, x, y, groups=groups, cv=GroupKFold(5))
    print(f"grouped 5-fold accuracy: {(predicted == y).mean():.3f}")
    for (truth, guess), n in sorted(Counter(zip(y.tolist(), predicted.tolist(), strict=True)).items()):
        if truth != guess:
            print(f"  {truth:>11} taken for {guess:<11} {n}")
    model.fit(x, y)
    fitted = SoftmaxModel.from_fitted(model, list(OBFUSCATION_FEATURES),
                                      f"PAN13 train, {len(y)} detected passages")
    OUT.write_text(json.dumps(fitted.to_json(), indent=1) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
