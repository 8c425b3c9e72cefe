"""Stories and lineage on real data (issue 4): BASIL and SheepDog.

    .venv/bin/python benchmarks/lineage.py [--data ../shared/data] [--only basil|sheepdog]
        [--keep DIR]  (keeps the stores there, to look into)  [--preset default|fast|thorough]

BASIL: 300 articles, 100 events x 3 outlets, ingested together: adjusted Rand index of the
stories against the event triplets (target >= 0.90) and the number of derivation links
between different outlets' independent reports (target 0).

SheepDog: each PolitiFact article with its four LLM restylings (objective, neutral,
emotionally triggering, sensational), all ingested together with no dates: share of
restylings whose parents in the lineage graph include their own source (target >= 95%),
and share of articles whose five versions land in one story.

PAN direction (source -> suspicious with no dates) is printed by benchmarks/discovery.py.

What bounds the SheepDog figure (measured at 4bd32ac, 1,299 of 1,440): 57 restylings have
no link to their article; aligned again alone with the default options, lexical, semantic
and rewrite alignments together, 49 of 56 give no passage at all. Their sentences' best matches
with the article's average 0.45 at the median with the project's sentence embeddings,
where two outlets' independent reports of one BASIL event average 0.52; with MiniLM
(all-MiniLM-L6-v2, tried outside the project) 0.56 against 0.55. So meaning alone cannot
tell them from independent reports. The wording model can (it reads 55 of the 57 as
model-written, 32 of them 1.5 above their article), but not which text they rewrote:
linking each restyling without a parent to the text reading 1.5 less model-written whose
sentences it matches best (0.35 at least) would find 10 own articles and 8 other texts,
and make 28 articles that read model-written rewrites of other texts. Most of the other
misses are within an article's family: a sibling restyling taken as the parent (34) or a
restyling put upstream of its article (30), where the pair's evidence (cuts, coverage,
originality) points the wrong way. At 2adb628 (1,315, figure votes added and 3 restylings
that read as human left unlinked as retold stories): no link 60, a sibling as the parent
24 (each time the sibling has every figure the restyling has), upstream of the article 19
(of 18 looked at, in 14 neither text's figures strictly contain the other's, in 4 the
restyling is under 0.8 aligned), another article 13, shared quotations 9.

BASIL's links between outlets (34 at c101305, 35 at 4bd32ac, 23 at 2adb628): reading the
seven of the 34 whose passages are most alike, two are HuffPost quoting The New York Times
by name at length ("The New York Times reported ..."), real reuse between the outlets, and
one shares an unquoted sentence word for word (a wire or release both took); the rest pair
two paraphrases of one statement or one quotation. Since 2adb628 two reports that both read
as people's and share only loose paraphrase of part of one story are not linked
(``candidates._retold_loosely``): 12 of the 35. Of the 23 left, about 10 pair
one or two sentences telling one fact at passage similarities of 0.52-0.57; a bar of 0.55
instead of 0.5 would drop 3 more of them and 7 of PAN13 discovery's links with reuse, 0.6
5 more and 18. Their word bigrams shared within the passage (0.17-0.38 of the shorter
side) do not set them apart either: 200 of PAN13's 445 listed links with passages all
under 0.6 share fewer. 20 at 14714b7 (names and titles attributing a quote are not shared
writing, ``candidates._names_speaker``; one of the three it dropped was HuffPost quoting
The New York Times by name, real reuse), 18 at f9d3c7c (a report's lead retelling the
other report, ``candidates._retold_in_a_lead``).

Measured since 6961d0e and not kept (SheepDog, lineage redone on stored analyses). Of the
24 restylings given a sibling as parent while linked to their article, 11 have the sibling
upstream of the article or unlinked to it (a direction error), 7 are closer to the sibling
(0.91-0.96) than to the article; the specific terms a restyling shares with its article
and not with the sibling are none in 17 of the 24, so shared omissions do not tell them
apart. Keeping a descendant as parent beside its ancestor when the copy drew mostly on the
descendant's own text (its passages in the descendant outside what the descendant took
from the ancestor): 1,315 -> 1,313, 1,307, 1,300, 1,269 at bars of 0.1, 0.2, 0.3, 0.5
(1,252 judged on the copy's spans alone), since a restyling aligns with its article only
in part. Dropping the ancestor when its link to
the copy is under 0.5 or 0.6 of the descendant's: 1,308 or 1,294 (0.4: unchanged). The 9
restylings taken as sharing only quotations with their article: no reading of the wording
model tells them from BASIL's 131 such pairs (a gap of 1.5 with the rewrite at even odds
passes 7 of the 9 and 12 of BASIL's).

Measured at c121c3d and not kept: shared innovations are ignored when both the copy and
the ancestor's descendant read as rewrites of the ancestor (``lineage._rewrites_of``,
a gap in wording log-odds only), so a restyling whose article quotes another article
(both human, the other reading 4 lower) got the other article as parent. Asking, as
``family_triples`` does, that both also read model-written (log-odds at least 0): SheepDog
1,315 -> 1,317 (3 gained, one lost where a restyling reads human), BASIL unchanged, but
on PAN13 discovery the parents that are a suspicious document's listed source fell from
1,635 to 1,486, PAN's human documents reading apart by the gap as often. Taking instead
the descendant when it reads human, the ancestor's link to it is under 0.55 (it quotes the
ancestor, it is not a copy of it) and the copy's link to it is 0.2 stronger: SheepDog
1,318 (the same 3 gained, none lost; 0.03 or 0.1 stronger, or without the human reading,
1,317 down to 1,278), BASIL unchanged, PAN13's listed sources as parents 1,635 -> 1,603:
in PAN13's dense graph a suspicious document's sources are often ancestors of one another
by chains of links.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from newstrace import Options, analyze, export_data, ingest, open_store
from newstrace.options import PRESETS
from newstrace.stories import adjusted_rand_index

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import gate, measured  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("NEWSTRACE_EVAL_DATA", "../shared/data"))
STYLES = ("objective", "neutral", "emotionally_triggering", "sensational")


def run_store(folder: Path, tmp: Path, name: str, preset: str) -> dict:
    options = Options.preset(preset, progress=False)
    with open_store(tmp / f"{name}.duckdb") as store:
        start = time.perf_counter()
        report = ingest([folder], store, options)
        result = analyze(store, options)
        elapsed = time.perf_counter() - start
        data = export_data(store)
    print(f"{name}: {report.documents_inserted} documents, {result.links} links, "
          f"{result.stories} stories in {elapsed:.1f} s")
    return data


def basil(data_dir: Path, tmp: Path, preset: str) -> None:
    print_basil_figures(data_dir, run_store(data_dir / "basil" / "articles", tmp, "basil", preset))


def print_basil_figures(data_dir: Path, data: dict) -> None:
    """Stories ARI and links between outlets of an export holding BASIL's articles (other
    documents in it are ignored)."""
    folder = data_dir / "basil" / "articles"
    truth, outlet = {}, {}
    for path in folder.rglob("*.json"):
        record = json.loads(path.read_text())
        truth[record["uuid"]] = record["triplet-uuid"]
        outlet[record["uuid"]] = record["source"]
    story_of = {d: s["id"] for s in data["stories"] for d in s["documents"]}
    ids = sorted(truth)
    ari = adjusted_rand_index([truth[i] for i in ids], [story_of.get(i, f"none-{i}") for i in ids])
    cross = [link for link in data["links"] if link["source"] in outlet and link["target"] in outlet
             and outlet[link["source"]] != outlet[link["target"]]]
    same_event = [link for link in cross if truth.get(link["source"]) == truth.get(link["target"])]
    stories = len({story_of[i] for i in ids if i in story_of})
    measured("basil.stories_ari", ari)
    measured("basil.links_between_outlets", len(cross))
    print(f"BASIL: stories ARI {ari:.4f} ({stories} stories for 100 events); "
          f"links between outlets {len(cross)} ({len(same_event)} within one event)")


def sheepdog(data_dir: Path, tmp: Path, preset: str) -> None:
    rows = [json.loads(line) for line in (data_dir / "sheepdog-politifact" / "train.jsonl").open()]
    folder = tmp / "sheepdog"
    folder.mkdir()
    with (folder / "versions.jsonl").open("w") as out:
        for row in rows:
            for version in ("source", *STYLES):
                out.write(json.dumps({"id": f"{row['id']}/{version}", "text": row[version]}) + "\n")
    print_sheepdog_figures(rows, run_store(folder, tmp, "sheepdog", preset))


def print_sheepdog_figures(rows: list[dict], data: dict) -> None:
    """Own source as parent and five versions together, for SheepDog's ``rows`` in an
    export (other documents in it are ignored)."""
    parents: dict[str, set[str]] = {}
    top_parent: dict[str, tuple[float, str]] = {}  # the parent whose link scores highest
    for link in data["links"]:
        if link["relation"] == "derived":
            parents.setdefault(link["target"], set()).add(link["source"])
            top_parent[link["target"]] = max(top_parent.get(link["target"], (-1.0, "")),
                                             (link["score"], link["source"]))
    story_of = {d: s["id"] for s in data["stories"] for d in s["documents"]}
    # 19 rows share their source text with another row (8 texts): a restyling of one
    # cannot be told from a restyling of its twin, so a twin as parent is also counted.
    twins: dict[str, set[str]] = {}
    for row in rows:
        twins.setdefault(row["source"], set()).add(f"{row['id']}/source")
    right = right_or_twin = on_top = together = 0
    by_style = {style: 0 for style in STYLES}
    for row in rows:
        source = f"{row['id']}/source"
        versions = [f"{row['id']}/{v}" for v in STYLES]
        for style, version in zip(STYLES, versions, strict=True):
            ok = source in parents.get(version, set())
            right += ok
            right_or_twin += ok or bool(twins[row["source"]] & parents.get(version, set()))
            on_top += top_parent.get(version, (0.0, ""))[1] in twins[row["source"]]
            by_style[style] += ok
        together += len({story_of.get(v) for v in [source, *versions]}) == 1 and story_of.get(source) is not None
    total = len(rows) * len(STYLES)
    measured("sheepdog.own_source_as_parent", right)
    measured("sheepdog.own_source_as_top_parent", on_top)
    measured("sheepdog.five_versions_together", together)
    print(f"SheepDog: restylings with their own source as a parent {right}/{total} = {right / total:.4f} "
          + ", ".join(f"{k} {v / len(rows):.3f}" for k, v in by_style.items()))
    print(f"SheepDog: ... or a source with the same text as their own {right_or_twin}/{total} = "
          f"{right_or_twin / total:.4f}")
    # The issue asks for the own source as the *top* parent: a restyling with several
    # parents is judged by the one whose link scores highest (a same-text twin counts).
    print(f"SheepDog: ... as the top parent (highest-scoring; a same-text source counts) "
          f"{on_top}/{total} = {on_top / total:.4f}")
    print(f"SheepDog: articles whose five versions share one story {together}/{len(rows)} = "
          f"{together / len(rows):.4f}; largest story "
          f"{max((len(s['documents']) for s in data['stories']), default=0)} documents (no chaining)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", choices=("basil", "sheepdog"))
    parser.add_argument("--keep", type=Path, help="keep the stores in this (new) folder")
    parser.add_argument("--preset", default="default", choices=sorted(PRESETS))
    args = parser.parse_args()
    if not (args.data / "basil").is_dir():
        print(f"evaluation data not found at {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.keep:
            args.keep.mkdir(parents=True)
            folder = args.keep
        if args.only in (None, "basil"):
            basil(args.data, folder, args.preset)
        if args.only in (None, "sheepdog"):
            sheepdog(args.data, folder, args.preset)
    return gate(applies=args.preset == "default")


if __name__ == "__main__":
    sys.exit(main())
