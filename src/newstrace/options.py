"""One options object shared by the CLI and the Python API.

Every tuned constant lives here with a note on how it was chosen. ``Options`` is
immutable and validated on construction; ``Options.preset(name)`` gives the named
presets and ``options.replace(**changes)`` derives a variant.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import OptionsError

#: Canonical record fields and the other names they are commonly given in JSON/CSV dumps
#: of news crawls. The first match wins; ``Options.field_map`` overrides these.
FIELD_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("id", "doc_id", "document_id", "uuid", "guid", "article_id"),
        "text": ("text", "body", "content", "article", "maintext", "body_text", "full_text",
                 "body-paragraphs", "paragraphs"),
        "html": ("html", "raw_html", "page", "source_html"),
        "title": ("title", "headline", "heading"),
        "url": ("url", "link", "uri", "href", "canonical_url"),
        "published": (
            "published", "date", "pubdate", "published_at", "publish_date",
            "date_publish", "datetime", "timestamp", "time",
        ),
        "author": ("author", "authors", "byline", "creator", "writer"),
        "source": ("source", "outlet", "site", "sitename", "domain", "publisher", "medium"),
        "language": ("language", "lang"),
    }
)


@dataclass(frozen=True)
class Options:
    """Settings for every stage. Construct directly, or start from ``Options.preset``."""

    # --- ingest -------------------------------------------------------------------
    #: Files larger than this are rejected with a clear reason. 50 MB is ~100x the
    #: largest news page seen in Common Crawl samples; WARC, JSONL and CSV stream, so
    #: for them the limit applies to each record instead of the whole file.
    max_file_bytes: int = 50_000_000
    #: A single record (after decoding) longer than this is rejected: an article of
    #: 2M characters is a book or a dump, not news.
    max_record_chars: int = 2_000_000
    #: Documents written to the store per transaction. 500 keeps a crash's lost work
    #: under a second while amortising DuckDB's per-commit cost (see benchmarks/ingest.py).
    batch_size: int = 500
    #: Extra field-name mapping for JSON/CSV, canonical name -> name used in the input.
    field_map: Mapping[str, str] = field(default_factory=dict)
    #: Detect the language of each document (py3langid, offline).
    detect_language: bool = True
    #: Characters of text given to language identification; more adds time, not accuracy.
    language_sample_chars: int = 2000

    # --- candidates ---------------------------------------------------------------
    #: Use multilingual sentence embeddings (paraphrases, translations); off = lexical only.
    #: The MinHash and embedding constants are in candidates.py: they shape the stored
    #: index, so they cannot change from one run to the next.
    semantic: bool = True
    #: Shared MinHash band keys a document pair needs to be a lexical candidate. On PAN13
    #: train in discovery mode, 6,100 of the 40k candidates with the best ranks shared two
    #: keys, and 17 of them held reuse; three keys make room for more candidates per
    #: document (the thorough preset takes two, see ``PRESETS``).
    min_band_hits: int = 3
    #: Lexical candidates verified per document, best first (ranked by shared keys weighted
    #: by their rarity). On PAN13 train in discovery mode (3 keys or more) 10 keeps 0.965 of
    #: the pairs with reuse among 39k candidates, 12 keeps 0.971 among 47k, 15 keeps 0.976
    #: among 58k, 20 keeps 0.979 among 75k (benchmarks/discovery.py).
    candidates_per_document: int = 15

    # --- align --------------------------------------------------------------------
    #: A reused passage shorter than this many characters is dropped. Lowered from 150
    #: (PAN's shortest cases; ``pan detect`` keeps 150, where it scored best): linked
    #: pairs verified alone went, PAN13 train's listed pairs with reuse 3,045 -> 3,063
    #: (without 9 -> 11 of 1,000), SheepDog source-restyling 369 -> 374 of 400, and BASIL
    #: same-event outlets 45 -> 42 of 300 (6 unlinked, 3 linked; the passages and the
    #: quotation check both change); benchmarks/lineage.py's links between BASIL outlets
    #: 48 -> 46, SheepDog own source as a parent 0.7535 -> 0.7569; benchmarks/discovery.py
    #: pair recall 0.9302 -> 0.9358 with false pairs 7 -> 9 of about 3,030 judged. The
    #: thorough preset's 80 is not measured.
    min_passage_chars: int = 100
    #: Minimum verified similarity to keep a document pair as a link.
    min_link_score: float = 0.2
    #: With a value, a pair in which the alignment finds no reuse gets a second look: one
    #: sentence pair this alike (tf-isf cosine; the alignment asks 0.5 of a lone sentence,
    #: ``align.SINGLE_SEED_COSINE``) links two texts that are otherwise unalike
    #: (``candidates.lone_sentence_passages``): one or two heavily obfuscated sentences
    #: pasted into a text on another subject. Off by default: with 0.35 and the default's
    #: other settings, benchmarks/lineage.py (c596499) kept BASIL as it was (ARI 0.9296, 34
    #: links between outlets) but gave SheepDog 127 more links between different articles
    #: (587 -> 714: fact-checks of one speech or claim), own source as parent 1,291 ->
    #: 1,289 and five versions in one story 335 -> 333. The thorough preset takes 0.35.
    lone_sentence_similarity: float | None = None

    #: Worker processes for verifying candidate pairs; 0 = one per core.
    workers: int = 0

    # --- output -------------------------------------------------------------------
    #: Show rich progress bars (the CLI turns them off when stderr is not a terminal).
    progress: bool = True

    def __post_init__(self) -> None:
        positive_ints = (
            "max_file_bytes", "max_record_chars", "batch_size", "language_sample_chars",
            "min_passage_chars", "min_band_hits", "candidates_per_document",
        )
        for name in positive_ints:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise OptionsError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.workers, int) or self.workers < 0:
            raise OptionsError(f"workers must be 0 (one per core) or more, got {self.workers!r}")
        for name, optional in (("min_link_score", False), ("lone_sentence_similarity", True)):
            value = getattr(self, name)
            if value is None and optional:
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
                raise OptionsError(f"{name} must be a number in [0, 1], got {value!r}")
        unknown = set(self.field_map) - set(FIELD_ALIASES)
        if unknown:
            raise OptionsError(
                f"field_map names unknown fields {sorted(unknown)}; known: {sorted(FIELD_ALIASES)}"
            )
        # Freeze the mapping so a shared Options cannot be changed behind a caller's back.
        object.__setattr__(self, "field_map", MappingProxyType(dict(self.field_map)))

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # The frozen field_map proxy cannot be pickled; worker processes get a plain copy.
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["field_map"] = dict(self.field_map)
        return (_options_from_dict, (values,))

    @classmethod
    def preset(cls, name: str, **changes: Any) -> Options:
        """Named presets: ``default``, ``fast`` (bigger batches, no language id, lexical
        only), ``thorough`` (shorter passages and weaker links kept: more recall)."""
        try:
            base = PRESETS[name]
        except KeyError:
            raise OptionsError(f"unknown preset {name!r}; choose from {sorted(PRESETS)}") from None
        return cls(**{**base, **changes})

    def replace(self, **changes: Any) -> Options:
        """A copy with some fields changed (validated again)."""
        current = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        current["field_map"] = dict(self.field_map)
        return Options(**{**current, **changes})

    def field_names(self, canonical: str) -> tuple[str, ...]:
        """Names to look for in a record for ``canonical``, user mapping first."""
        mapped = self.field_map.get(canonical)
        aliases = FIELD_ALIASES[canonical]
        return (mapped, *aliases) if mapped else aliases


def _options_from_dict(values: dict[str, Any]) -> Options:
    return Options(**values)


PRESETS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "default": {},
        "fast": {"batch_size": 2000, "detect_language": False, "semantic": False},
        # benchmarks/discovery.py --preset thorough: pair recall 0.9741 (3,154 of 3,238;
        # 3,122 with 3 keys and 15 per document), 17 of PAN's 1,000 pairs listed as sharing
        # nothing reported (16), 121,728 candidate pairs, analysis 1,322 s (c101305); with
        # the lone-sentence second look (7196502) 0.9815 (3,178), 29 listed pairs reported,
        # direction 0.9619, analysis 1,253 s. At c121c3d (alignment made faster and
        # independent of a worker's history): 3,174 (0.9802), 28 listed pairs reported,
        # 121,726 candidate pairs, analysis 877 s.
        "thorough": {"min_passage_chars": 80, "min_link_score": 0.1, "min_band_hits": 2,
                     "candidates_per_document": 30, "lone_sentence_similarity": 0.35},
    }
)
