"""Plain data passed between stages: documents and rejected inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Rejection:
    """An input that was not ingested (severity ``error``) or ingested with a caveat."""

    origin: str
    reason: str
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict[str, str]:
        return {"origin": self.origin, "reason": self.reason, "severity": self.severity}


@dataclass
class Document:
    """A normalized article. Every span is an offset pair into ``text``."""

    id: str
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date
    published_from: str | None = None  # metadata | dateline | scraped_field
    source: str | None = None
    url: str | None = None
    language: str | None = None
    origin: str = ""
    format: str = ""
    evidence: list[dict[str, object]] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    content_hash: str = ""

    def sentence_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.sentences]

    def as_dict(self, with_text: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "title": self.title, "published": self.published,
            "published_from": self.published_from, "language": self.language,
            "source": self.source, "author": self.author, "url": self.url,
            "origin": self.origin, "format": self.format, "content_hash": self.content_hash,
            "n_chars": len(self.text), "n_sentences": len(self.sentences),
        }
        if with_text:
            data["text"] = self.text
            data["evidence"] = self.evidence
        return data
