"""Claim diff and framing (issue 6): planted changes, SheepDog restylings, MixSet edits.

    .venv/bin/python benchmarks/claims.py [--data ../shared/data] [--sheepdog-limit 360]

1. Planted changes on the demo corpus's hand-written originals (newstrace.plant: a number
   changed, a quote re-attributed, a speaker dropped, a negation flipped, a sentence
   invented): recall (the planted change is reported as what it is) and precision (share
   of reported changes that are the planted one or part of it); unchanged copies must be
   all ``kept``.
2. SheepDog: the framing ``slant`` score of each restyling against its source; AUROC for
   emotionally triggering + sensational (positive) vs objective + neutral (target >= 0.85).
3. MixSet: distribution of distortion and claim counts for LLM polish/rewrite outputs.
Prints the time per link (claim diff + framing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from newstrace.claims import diff_claims
from newstrace.framing import compare_framing
from newstrace.ingest import RawRecord, build_document, read_file
from newstrace.options import Options
from newstrace.plant import PLANTERS

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import gate, measured  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "src" / "newstrace" / "data" / "demo"
DEFAULT_DATA = Path(os.environ.get("NEWSTRACE_EVAL_DATA", "../shared/data"))
ORIGINALS = ("bridge.txt", "veloria.html", "rail-strike.txt", "museum.txt", "veloria-independent.txt")


def original_text(name: str) -> str:
    record = next(r for r in read_file(DEMO / name, name, Options()) if isinstance(r, RawRecord))
    return build_document(record, Options()).text


def matches(change, planted) -> bool:  # type: ignore[no-untyped-def]
    if planted.detail == "invented":
        return change.status == "added" and not change.editorial  # the sentence and its parts
    if planted.detail in ("speaker", "speaker removed"):
        # the quote, its attribution and the speaker's name as an entity are one change
        return change.kind in ("quote", "attribution", "entity") and change.status in ("altered", "dropped", "added")
    if planted.detail == "negation":
        return change.status == "altered" and "negation" in change.changed
    return change.kind == planted.kind and change.status == planted.status and planted.detail in change.changed


def planted_changes() -> None:
    tp = fn = reported = correct = 0
    false_on_unchanged = 0
    per_kind: dict[str, list[int]] = {}
    for name in ORIGINALS:
        text = original_text(name)
        unchanged = diff_claims(text, text)
        false_on_unchanged += sum(1 for c in unchanged.changes if c.status != "kept")
        for planter_name, planter in PLANTERS.items():
            planted = planter(text)
            if planted is None:
                continue
            changes = [c for c in diff_claims(text, planted.text).changes if c.status != "kept"]
            hit = any(matches(c, planted) for c in changes)
            tp += hit
            fn += not hit
            per_kind.setdefault(planter_name, [0, 0])
            per_kind[planter_name][0] += hit
            per_kind[planter_name][1] += 1
            reported += len(changes)
            correct += sum(matches(c, planted) for c in changes)
    measured("claims.planted_recall", tp)
    measured("claims.planted_precision", correct / max(1, reported))
    measured("claims.changes_on_unchanged", false_on_unchanged)
    print(f"planted changes: recall {tp}/{tp + fn} = {tp / max(1, tp + fn):.3f}; precision of reported "
          f"changes {correct}/{reported} = {correct / max(1, reported):.3f}; changes reported on "
          f"unchanged copies: {false_on_unchanged}")
    print("  by change: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in per_kind.items()))


def auroc(positives: list[float], negatives: list[float]) -> float:
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / max(1, len(positives) * len(negatives))


def sheepdog(data: Path, limit: int) -> None:
    rows = [json.loads(line) for line in (data / "sheepdog-politifact" / "train.jsonl").open()][:limit]
    if not rows:
        return
    scores: dict[str, list[float]] = {k: [] for k in ("objective", "neutral", "emotionally_triggering", "sensational")}
    slanted: dict[str, int] = dict.fromkeys(scores, 0)
    start = time.perf_counter()
    for row in rows:
        for style in scores:
            framing = compare_framing(row["source"], row[style])
            scores[style].append(framing.slant)
            slanted[style] += framing.slanted
    elapsed = time.perf_counter() - start
    positive = scores["emotionally_triggering"] + scores["sensational"]
    negative = scores["objective"] + scores["neutral"]
    slant_auroc = measured("claims.slant_auroc", auroc(positive, negative))
    print(f"SheepDog ({len(rows)} articles x 4 restylings): slant AUROC emotional+sensational vs "
          f"objective+neutral {slant_auroc:.4f}; labelled slanted: "
          + ", ".join(f"{k} {v / len(rows):.2f}" for k, v in slanted.items())
          + f"; framing {1000 * elapsed / (4 * len(rows)):.1f} ms per pair")


def mixset(data: Path) -> None:
    folder = data / "mixset" / "separated_files"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        if not any(op in path.stem for op in ("polish_sentence", "polish_token", "rewrite")):
            continue
        items = json.loads(path.read_text())[:100]
        output_key = next((k for k in items[0] if k.endswith("_output")), None)
        human_key = next((k for k in ("HWT_sentence", "MGT_sentence", "HWT", "original") if k in items[0]), None)
        if output_key is None or human_key is None:
            print(f"MixSet {path.stem}: unexpected fields {sorted(items[0])}")
            continue
        distortions, kept_share = [], []
        start = time.perf_counter()
        for item in items:
            diff = diff_claims(item[human_key], item[output_key])
            counts = diff.counts()
            distortions.append(diff.distortion())
            kept_share.append(counts["kept"] / max(1, counts["kept"] + counts["altered"] + counts["dropped"]))
        per_link = 1000 * (time.perf_counter() - start) / len(items)
        print(f"MixSet {path.stem}: distortion median {statistics.median(distortions):.3f} "
              f"(90th pct {sorted(distortions)[int(0.9 * len(distortions))]:.3f}); source claims kept "
              f"median {statistics.median(kept_share):.2f}; {per_link:.1f} ms per pair")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sheepdog-limit", type=int, default=360)
    args = parser.parse_args()
    planted_changes()
    if not (args.data / "sheepdog-politifact").is_dir():
        print(f"evaluation data not found at {args.data}: planted changes only", file=sys.stderr)
        return gate()
    sheepdog(args.data, args.sheepdog_limit)
    mixset(args.data)
    return gate(applies=args.sheepdog_limit == parser.get_default("sheepdog_limit"))


if __name__ == "__main__":
    sys.exit(main())
