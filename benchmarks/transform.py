"""How copies were made (issue 5): label agreement and false-positive rates.

    .venv/bin/python benchmarks/transform.py [--data ../shared/data] [--limit 300]

1. MixSet: each LLM output against its human text: linked (derived from it) and labelled
   ``paraphrase`` or ``llm_rewrite``; accuracy per operation (target >= 0.90 on rewrite and
   polish_sentence).
2. BASIL: share of the 300 human-written articles that the source-blind signals flag as
   ``spun``, ``machine_translation`` or ``llm_rewrite`` (target < 3%).
3. PAN13 obfuscation agreement is printed by benchmarks/pan.py (target >= 95%).
4. WMT21 machine translation: no ``machine_translation`` detector exists yet; reported so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from newstrace.candidates import verify_pair
from newstrace.ingest import RawRecord, build_document
from newstrace.options import Options
from newstrace.transform import source_blind_signals

DEFAULT_DATA = Path(os.environ.get("NEWSTRACE_EVAL_DATA", "../shared/data"))


def doc(doc_id: str, text: str, options: Options):  # type: ignore[no-untyped-def]
    return build_document(RawRecord(doc_id, "eval", doc_id, {"text": text}), options)


def mixset(data: Path, limit: int) -> None:
    options = Options(progress=False, semantic=True, min_passage_chars=60)
    for path in sorted((data / "mixset" / "separated_files").glob("*.json")):
        operation = next((op for op in ("polish_sentence", "polish_token", "rewrite") if op in path.stem), None)
        if operation is None:
            continue
        items = json.loads(path.read_text())[:limit]
        human_key = next((k for k in ("HWT_sentence", "MGT_sentence") if k in items[0]), None)
        output_key = next((k for k in items[0] if k.endswith("_output")), None)
        if human_key is None or output_key is None:
            continue
        linked = labelled = 0
        for i, item in enumerate(items):
            try:
                human = doc(f"h{i}", item[human_key], options)
                output = doc(f"o{i}", item[output_key], options)
            except Exception:  # an empty text: counts as not linked
                continue
            link = verify_pair(human, output, options, semantic=True)
            if link is None:
                continue
            linked += link.source == human.id
            labels = {t["label"] for t in link.transformation}
            labelled += link.source == human.id and bool(labels & {"paraphrase", "llm_rewrite"})
        n = len(items)
        print(f"MixSet {path.stem}: derived from the human text {linked / n:.3f}, "
              f"and labelled paraphrase/llm_rewrite {labelled / n:.3f} ({n} items)")


def basil(data: Path) -> None:
    options = Options(progress=False)
    flagged: dict[str, int] = {}
    paths = sorted((data / "basil" / "articles").rglob("*.json"))
    for path in paths:
        record = json.loads(path.read_text())
        text = "\n\n".join(" ".join(p) if isinstance(p, list) else p for p in record["body-paragraphs"])
        for signal in source_blind_signals(doc(path.stem, text, options)):
            flagged[signal["label"]] = flagged.get(signal["label"], 0) + 1
    total = sum(flagged.values())
    print(f"BASIL human-written articles flagged by source-blind signals: {total}/{len(paths)} = "
          f"{total / len(paths):.3f} " + str(flagged))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    if not (args.data / "mixset").is_dir():
        print(f"evaluation data not found at {args.data}", file=sys.stderr)
        return 2
    basil(args.data)
    mixset(args.data, args.limit)
    print("WMT21 machine translation AUROC: not measured (no machine_translation detector yet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
