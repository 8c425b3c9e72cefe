"""Lineage: which side of an aligned pair is the source, and (later) closest parents.

``orient`` decides the direction of a derivation from publication dates when both are
known and differ, else from the content: the copy is the side the shared passages cover
more of (a copy holds little besides what it took; its source holds the copy and more),
and copy artefacts (spin debris, scraped fields) sit downstream.
"""

from __future__ import annotations

from .align import Passage, coverage
from .model import Document

#: Coverage difference under which content gives no direction and artefacts decide.
COVERAGE_MARGIN = 0.05
_ARTEFACT_KINDS = {"markup_debris", "scraped_date", "boilerplate_line"}


def _artefacts(doc: Document) -> int:
    return sum(1 for e in doc.evidence if e.get("kind") in _ARTEFACT_KINDS)


def orient(a: Document, b: Document, passages: list[Passage]
           ) -> tuple[Document, Document, list[Passage], dict[str, object]]:
    """(source, target, passages with source spans in ``source``, evidence) for a pair
    aligned with ``a`` as source and ``b`` as target."""
    swapped = [Passage(p.target, p.source, p.similarity, p.kind, p.method) for p in passages]
    if a.published and b.published and a.published != b.published:
        if a.published < b.published:
            return a, b, passages, {"by": "published", "source_date": a.published,
                                    "target_date": b.published}
        return b, a, swapped, {"by": "published", "source_date": b.published,
                               "target_date": a.published}
    covered_a = coverage(passages, len(a.text), "source")
    covered_b = coverage(passages, len(b.text), "target")
    evidence: dict[str, object] = {"coverage_a": round(covered_a, 3), "coverage_b": round(covered_b, 3)}
    if abs(covered_a - covered_b) >= COVERAGE_MARGIN:
        evidence["by"] = "coverage"
        return (a, b, passages, evidence) if covered_b > covered_a else (b, a, swapped, evidence)
    if _artefacts(a) != _artefacts(b):
        evidence["by"] = "artefacts"
        return (a, b, passages, evidence) if _artefacts(b) > _artefacts(a) else (b, a, swapped, evidence)
    evidence["by"] = "undecided"
    return a, b, passages, evidence
