"""BASIL, SheepDog and PAN13 in one store: does each corpus keep its figures in a mixed crawl?

    .venv/bin/python benchmarks/mixed.py [--data ../shared/data] [--preset default] [--db PATH]
        [--reuse]  (score the store at --db again instead of building it)

A crawl holds news rewritten by language models beside texts people reworked and
independent reports. The three evaluation corpora are ingested into one store (7,151
documents: BASIL's 300 articles, SheepDog's 360 articles with their 1,800 versions without
dates, PAN13's 5,054 source and suspicious documents) and analyzed once. Prints the links
and stories that join documents of different corpora (none of which the corpora's truth
lists), then each corpus's figures as benchmarks/lineage.py and benchmarks/discovery.py
print them alone.

Measured (2 cores, default preset) at bcb2295: 971 s of analysis; 56 of 16,741 links and
53 of 3,189 stories join corpora (22 of the 56 are closest-parent edges the lineage graph
draws: none of the 18 BASIL -> SheepDog links, whose restylings all have their own
article as parent; scored again with --reuse at 7867289); BASIL ARI 0.9230 (0.9296 alone), 18 links between
outlets (18); SheepDog own source as parent 1,314 of 1,440 (1,315), five versions together
335 (332); PAN13 recall 3,089 of 3,238 (3,091), direction 2,911 of 3,089 = 0.9424 (0.9605).
Before 97039bd, which withholds the wording model's trust from groups that contradict it,
PAN13 direction was 1,766 of 3,089 (0.5717), and before 1d6c400 one PAN13 archive linked
documents of all three corpora as chance "summaries".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discovery import print_pan_figures  # noqa: E402
from lineage import STYLES, print_basil_figures, print_sheepdog_figures  # noqa: E402

from newstrace import Options, analyze, export_data, ingest, open_store  # noqa: E402
from newstrace.options import PRESETS  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("NEWSTRACE_EVAL_DATA", "../shared/data"))


def corpus_of(doc_id: str, basil_ids: set[str]) -> str:
    if doc_id in basil_ids:
        return "basil"
    if doc_id.startswith("pf-train-"):
        return "sheepdog"
    return "pan13" if "-document" in doc_id else "other"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--preset", default="default", choices=sorted(PRESETS))
    parser.add_argument("--db", type=Path, help="keep the store here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="score the store at --db again")
    args = parser.parse_args()
    if not (args.data / "pan13-train" / "src").is_dir():
        print(f"evaluation data not found at {args.data}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in (args.data / "sheepdog-politifact" / "train.jsonl").open()]
    basil_ids = {json.loads(p.read_text())["uuid"] for p in (args.data / "basil" / "articles").rglob("*.json")}
    options = Options.preset(args.preset, progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "mixed.duckdb"
        with open_store(db) as store:
            if not args.reuse:
                versions = Path(tmp) / "sheepdog.jsonl"
                with versions.open("w") as out:
                    for row in rows:
                        for version in ("source", *STYLES):
                            out.write(json.dumps({"id": f"{row['id']}/{version}", "text": row[version]}) + "\n")
                start = time.perf_counter()
                ingest([args.data / "basil" / "articles", versions, args.data / "pan13-train" / "src",
                        args.data / "pan13-train" / "susp"], store, options)
                report = analyze(store, options)
                print(f"{report.documents_analyzed} documents analyzed in {time.perf_counter() - start:.1f} s: "
                      f"{report.candidate_pairs} candidate pairs, {report.links} links, {report.stories} stories")
            data = export_data(store)
    corpus = {d["id"]: corpus_of(d["id"], basil_ids) for d in data["documents"]}
    between = [link for link in data["links"] if corpus[link["source"]] != corpus[link["target"]]]
    across = Counter(f"{corpus[link['source']]} -> {corpus[link['target']]}" for link in between)
    # An "ancestor" link is one a closer parent explains: the lineage graph does not draw it.
    drawn = sum(link["relation"] == "derived" for link in between)
    print(f"links between corpora: {len(between)} of {len(data['links'])} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(across.items())) or 'none'}); "
          f"{drawn} of them closest-parent edges of the lineage graph")
    mixed = [s for s in data["stories"] if len({corpus[d] for d in s["documents"]}) > 1]
    print(f"stories holding more than one corpus: {len(mixed)} of {len(data['stories'])} "
          f"({sum(len(s['documents']) for s in mixed)} documents)")
    print_basil_figures(args.data, data)
    print_sheepdog_figures(rows, data)
    print_pan_figures(args.data / "pan13-train",
                      [link for link in data["links"]
                       if corpus[link["source"]] == corpus[link["target"]] == "pan13"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
