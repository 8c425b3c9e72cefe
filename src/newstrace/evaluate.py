"""Evaluate: the PAN text-alignment interface and PAN's measures.

``detect_pair`` aligns one suspicious/source pair from raw files (offsets are characters of
the UTF-8 text, as PAN's truth). ``read_features`` reads truth or detection XML;
``pan_measures`` computes precision, recall, granularity and plagdet the way PAN's
``perfmeasures.py`` does: character-level, macro-averaged over cases (recall) and
detections (precision), with a case and a detection related when they overlap in both the
suspicious and the source document.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .align import Passage, align_texts
from .errors import UsageError

#: PAN's names for how a passage was obfuscated, by our passage kinds / labels.
PAN_CATEGORIES = ("none", "random", "translation", "summary")


@dataclass(frozen=True)
class Feature:
    """One plagiarism case (truth) or detection: spans in the suspicious and source texts."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    obfuscation: str | None = None

    def this_chars(self) -> range:
        return range(self.this_offset, self.this_offset + self.this_length)

    def source_chars(self) -> range:
        return range(self.source_offset, self.source_offset + self.source_length)


# ----------------------------------------------------------------------------- io
def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def read_pairs(pairs_file: Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(pairs_file.read_text().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise UsageError(f"{pairs_file}:{number}: expected 'SUSPICIOUS SOURCE', got {line!r}")
        pairs.append((parts[0], parts[1]))
    return pairs


def output_name(susp: str, src: str) -> str:
    return f"{Path(susp).stem}-{Path(src).stem}.xml"


def detection_xml(susp: str, src: str, features: Sequence[Feature]) -> str:
    root = ET.Element("document", reference=susp)
    for f in features:
        attributes = {
            "name": "detected-plagiarism", "this_offset": str(f.this_offset),
            "this_length": str(f.this_length), "source_reference": src,
            "source_offset": str(f.source_offset), "source_length": str(f.source_length),
        }
        if f.obfuscation:
            attributes["obfuscation"] = f.obfuscation
        ET.SubElement(root, "feature", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def read_features(path: Path, names: Iterable[str] = ("plagiarism", "detected-plagiarism")) -> list[Feature]:
    wanted = set(names)
    root = ET.parse(path).getroot()
    reference = root.get("reference", "")
    features = []
    for element in root.iter("feature"):
        if element.get("name") not in wanted:
            continue
        features.append(Feature(
            reference, int(element.get("this_offset", 0)), int(element.get("this_length", 0)),
            element.get("source_reference", ""), int(element.get("source_offset", 0)),
            int(element.get("source_length", 0)), element.get("obfuscation")))
    return features


# ----------------------------------------------------------------------------- detection
#: Share of a pair's detected characters the obfuscation model must call "summary" for
#: the pair to be read as one summary of the whole source document (PAN's summary cases
#: all are: source offset 0, the document's full length, on PAN13 train).
SUMMARY_PAIR_SHARE = 0.5
#: A passage whose obfuscation differs from the rest of its pair's (by detected length)
#: is kept only this similar (tf-isf cosine): a copier treats a document one way, and a
#: weak odd one out is mostly two documents on one topic sharing boilerplate. On PAN13
#: train this raised precision 0.915 -> 0.926 for recall 0.883 -> 0.881; dropping every
#: odd one out cost more recall (0.877).
OFF_PAIR_MIN_SIMILARITY = 0.6
#: In a pair not read as a summary, a passage aligned the summary way (long gaps, low
#: similarity per unit) is kept only this similar: a document condensed in part of
#: another shows more than a faint likeness, and the faint ones were mostly the same
#: source text found again elsewhere in the suspicious document. On PAN13 train, 0.3 /
#: 0.35 / 0.4 / dropping them all took translation plagdet 0.897 -> 0.898 / 0.901 / 0.901
#: / 0.901 and summary 0.851 -> 0.851 / 0.846 / 0.846 / 0.840; entire went 0.9052 ->
#: 0.9092 with 0.35 (0.9096 with 0.4), and each of the five folds rose with either.
SUMMARY_PASSAGE_MIN_SIMILARITY = 0.35


def detect_pair(susp_text: str, src_text: str, min_chars: int = 150) -> list[tuple[Passage, str]]:
    """Detections in a suspicious text reusing a source text, each with PAN's obfuscation
    name guessed from the passage. A pair read as a summary gives one detection: the
    summary's extent in the suspicious text against the whole source document."""
    from .transform import pan_obfuscations

    passages = align_texts(src_text, susp_text, min_chars=min_chars)
    names = pan_obfuscations(passages, src_text, susp_text)
    summarised = sum(p.target[1] - p.target[0] for p, n in zip(passages, names, strict=True)
                     if n == "summary")
    detected = sum(p.target[1] - p.target[0] for p in passages)
    if passages and summarised >= SUMMARY_PAIR_SHARE * detected:
        target = (min(p.target[0] for p in passages), max(p.target[1] for p in passages))
        similarity = max(p.similarity for p in passages)
        return [(Passage((0, len(src_text)), target, similarity, "summary"), "summary")]
    return pair_detections(passages, names)


def pair_detections(passages: list[Passage], names: list[str]) -> list[tuple[Passage, str]]:
    """The passages of a pair not read as a summary that are reported, with their names:
    those sharing the pair's obfuscation or strong enough alone, and no faint ones aligned
    the summary way."""
    pair_name = _pair_obfuscation(passages, names)
    return [(p, n) for p, n in zip(passages, names, strict=True)
            if (n == pair_name or p.similarity >= OFF_PAIR_MIN_SIMILARITY)
            and not (p.kind == "summary" and p.similarity < SUMMARY_PASSAGE_MIN_SIMILARITY)]


def _pair_obfuscation(passages: list[Passage], names: list[str]) -> str:
    weight: dict[str, int] = {}
    for p, n in zip(passages, names, strict=True):
        weight[n] = weight.get(n, 0) + p.target[1] - p.target[0]
    return max(weight, key=weight.__getitem__) if weight else ""


def _detect_job(job: tuple[str, str, str, str, str, int]) -> tuple[str, int]:
    susp_dir, src_dir, out_dir, susp, src, min_chars = job
    susp_text = read_text(Path(susp_dir) / susp)
    src_text = read_text(Path(src_dir) / src)
    detections = detect_pair(susp_text, src_text, min_chars)
    features = [Feature(susp, p.target[0], p.target[1] - p.target[0], src, p.source[0],
                        p.source[1] - p.source[0], obfuscation) for p, obfuscation in detections]
    (Path(out_dir) / output_name(susp, src)).write_text(detection_xml(susp, src, features))
    return output_name(susp, src), len(features)


def pan_detect(pairs_file: Path, src_dir: Path, susp_dir: Path, out_dir: Path, *,
               workers: int | None = None, min_chars: int = 150,
               progress: bool = True) -> int:
    """Write one detection XML per listed pair; returns the number of detections."""
    from .progress import track

    for folder, flag in ((src_dir, "--src"), (susp_dir, "--susp")):
        if not folder.is_dir():
            raise UsageError(f"{flag} folder does not exist: {folder}")
    pairs = read_pairs(pairs_file)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(str(susp_dir), str(src_dir), str(out_dir), s, r, min_chars) for s, r in pairs]
    total = 0
    workers = workers or os.cpu_count() or 1
    with track("pan detect", total=len(jobs), enabled=progress) as bar:
        if workers == 1:
            results: Iterator[tuple[str, int]] = map(_detect_job, jobs)
            for _, n in results:
                total += n
                bar.advance()
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for _, n in pool.map(_detect_job, jobs, chunksize=16):
                    total += n
                    bar.advance()
    return total


# ----------------------------------------------------------------------------- measures
@dataclass(frozen=True)
class Measures:
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def plagdet(self) -> float:
        return self.f1 / math.log2(1 + self.granularity)

    def as_dict(self) -> dict[str, float]:
        return {"plagdet": round(self.plagdet, 4), "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "granularity": round(self.granularity, 4),
                "cases": self.cases, "detections": self.detections}


def _overlaps(a: Feature, b: Feature) -> bool:
    return (a.this_reference == b.this_reference and a.source_reference == b.source_reference
            and a.this_offset < b.this_offset + b.this_length
            and b.this_offset < a.this_offset + a.this_length
            and a.source_offset < b.source_offset + b.source_length
            and b.source_offset < a.source_offset + a.source_length)


def _macro_recall(cases: Sequence[Feature], detections: Sequence[Feature]) -> float:
    if not cases:
        return 1.0 if not detections else 0.0
    by_pair: dict[tuple[str, str], list[Feature]] = {}
    for d in detections:
        by_pair.setdefault((d.this_reference, d.source_reference), []).append(d)
    total = 0.0
    for case in cases:
        related = [d for d in by_pair.get((case.this_reference, case.source_reference), [])
                   if _overlaps(case, d)]
        if not related:
            continue
        this_case, source_case = set(case.this_chars()), set(case.source_chars())
        this_hit: set[int] = set()
        source_hit: set[int] = set()
        for d in related:
            this_hit |= this_case.intersection(d.this_chars())
            source_hit |= source_case.intersection(d.source_chars())
        total += (len(this_hit) + len(source_hit)) / (len(this_case) + len(source_case))
    return total / len(cases)


def _granularity(cases: Sequence[Feature], detections: Sequence[Feature]) -> float:
    detected = 0
    hits = 0
    by_pair: dict[tuple[str, str], list[Feature]] = {}
    for d in detections:
        by_pair.setdefault((d.this_reference, d.source_reference), []).append(d)
    for case in cases:
        n = sum(1 for d in by_pair.get((case.this_reference, case.source_reference), [])
                if _overlaps(case, d))
        if n:
            detected += 1
            hits += n
    return hits / detected if detected else 1.0


def pan_measures(cases: Sequence[Feature], detections: Sequence[Feature]) -> Measures:
    recall = _macro_recall(cases, detections)
    precision = _macro_recall(detections, cases) if detections else (1.0 if not cases else 0.0)
    if not detections and not cases:
        precision = recall = 1.0
    return Measures(precision, recall, _granularity(cases, detections), len(cases), len(detections))


#: PAN13's training-corpus folders and the obfuscation their cases had.
CATEGORY_OBFUSCATIONS = {"02-no-obfuscation": "none", "03-random-obfuscation": "random",
                         "04-translation-obfuscation": "translation",
                         "05-summary-obfuscation": "summary"}


def obfuscation_agreement(by_category: dict[str, tuple[list[Feature], list[Feature]]]) -> tuple[int, int]:
    """(right, total): detections overlapping a case of their pair whose ``obfuscation``
    names the case's category, over (cases, detections) per PAN13 category folder."""
    right = total = 0
    for category, (cases, detections) in by_category.items():
        expected = CATEGORY_OBFUSCATIONS.get(category)
        if expected is None:
            continue
        for d in detections:
            if any(c.this_reference == d.this_reference and c.source_reference == d.source_reference
                   and c.this_offset < d.this_offset + d.this_length
                   and d.this_offset < c.this_offset + c.this_length for c in cases):
                total += 1
                right += d.obfuscation == expected
    return right, total


def pan_evaluate(truth_dir: Path, out_dir: Path) -> dict[str, Measures]:
    """PAN measures per truth category folder (``01-no-plagiarism``...) and ``entire``.

    A truth folder without category subfolders is evaluated as one category.
    """
    if not truth_dir.is_dir():
        raise UsageError(f"--truth folder does not exist: {truth_dir}")
    if not out_dir.is_dir():
        raise UsageError(f"--out folder does not exist: {out_dir}")
    categories = sorted(d for d in truth_dir.iterdir() if d.is_dir()) or [truth_dir]
    results: dict[str, Measures] = {}
    all_cases: list[Feature] = []
    all_detections: list[Feature] = []
    for category in categories:
        cases: list[Feature] = []
        detections: list[Feature] = []
        for truth_file in sorted(category.glob("*.xml")):
            cases.extend(read_features(truth_file, ("plagiarism",)))
            detection_file = out_dir / truth_file.name
            if detection_file.exists():
                detections.extend(read_features(detection_file, ("detected-plagiarism",)))
        results[category.name] = pan_measures(cases, detections)
        all_cases.extend(cases)
        all_detections.extend(detections)
    results["entire"] = pan_measures(all_cases, all_detections)
    return results


# ----------------------------------------------------------------------------- WMT
@dataclass(frozen=True)
class WmtDocument:
    """One WMT news document: source segments, human reference(s) and system outputs."""

    id: str
    source_language: str
    source: list[str]
    references: dict[str, list[str]]
    systems: dict[str, list[str]]


def read_wmt(path: Path) -> list[WmtDocument]:
    """Documents of a WMT ``newstestYYYY.xx-yy.all.xml`` file (segment lists per side)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise UsageError(f"cannot read WMT file {path}: {exc}") from exc

    def segments(node: ET.Element) -> list[str]:
        return [seg.text or "" for seg in node.iter("seg")]

    documents = []
    for doc in root.iter("doc"):
        source = doc.find("src")
        if source is None:
            continue
        references = {ref.get("translator", f"ref{i}"): segments(ref)
                      for i, ref in enumerate(doc.iter("ref"))}
        systems = {hyp.get("system", f"system{i}"): segments(hyp)
                   for i, hyp in enumerate(doc.iter("hyp"))}
        documents.append(WmtDocument(doc.get("id", ""), source.get("lang", ""), segments(source),
                                     references, systems))
    return documents
