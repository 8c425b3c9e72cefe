"""Normalize: from a raw record's text to a clean article body with exact offsets.

Pure functions over strings. ``clean_body`` separates the article from scraped debris
(leading ``date 2023-11-13`` fields, newsletter prompts, stray ``& nbsp,`` entities) and
keeps what it removed as evidence; ``segment`` cuts the clean body into paragraphs and
sentences whose ``(start, end)`` offsets slice it exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil import parser as dateparser

Span = tuple[int, int]

# A scraper's leading metadata field, e.g. " date 2023-11-13 " before the article text.
_SCRAPED_DATE = re.compile(
    r"\A\s*(?:date|published|posted)\s*[:=]?\s*(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?Z?)?\s*",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "KYIV, March 3, 2024 (Reuters) — ..." or "3 March 2024 -": a dateline opening the body.
_DATELINE = re.compile(
    rf"\A\s*(?:[A-Z][A-Za-z.'\- ]{{1,40}}?,\s*)?"
    rf"(?P<date>{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"\s*(?:\([A-Za-z .]+\)\s*)?[-\u2013\u2014:]"
)

# Lines that are site furniture, not article: kept as evidence, removed from the body.
_BOILERPLATE_LINE = re.compile(
    r"""^\s*(?:
        get\ (?:the|our)\b.{0,80}\bin\ your\ inbox\b.*
      | sign\ up\ (?:for|to|now)\b.*
      | subscribe\ (?:to|now|for|today)\b.*
      | (?:advertisement|advertising|sponsored(?:\ content)?|story\ continues\ below)\s*:?
      | (?:read\ more|related|see\ also|recommended|click\ here)\b\s*:.*
      | (?:share\ (?:this|on)|follow\ us\ on)\b.*
      | (?:©|\(c\)\ |copyright\ \d{4}).*
      | all\ rights\ reserved\.?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_BOILERPLATE_LINE = 200

# Entity debris left by scrapers and spinners: "& nbsp,", "&nbsp;", "& amp;".
_MARKUP_DEBRIS = re.compile(r"[ \t]?&\s?(?:nbsp|amp|quot|#160|#8217)\s?[;,]?", re.IGNORECASE)

_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

# Sentence ends: terminal punctuation (optionally closed by quotes/brackets) followed by
# white space; or CJK terminal punctuation, which needs no space after it.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+)|[\u3002\uff01\uff1f]+[\u300d\u300f)]*")
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "rev", "fr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "approx", "ave", "blvd", "mt", "ft"]
)


@dataclass(frozen=True)
class Evidence:
    """Something removed from the body, with where it stood in the raw text."""

    kind: str  # scraped_date | boilerplate_line | markup_debris
    text: str
    raw_start: int

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "raw_start": self.raw_start}


@dataclass
class CleanBody:
    text: str
    scraped_date: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


def clean_body(raw: str) -> CleanBody:
    """Remove scraped fields, furniture lines and entity debris; keep them as evidence."""
    evidence: list[Evidence] = []
    scraped_date = None
    offset = 0
    match = _SCRAPED_DATE.match(raw)
    if match:
        scraped_date = match.group(1)
        evidence.append(Evidence("scraped_date", match.group(0).strip(), match.start(1)))
        offset = match.end()
    kept: list[str] = []
    position = offset
    for line in raw[offset:].splitlines(keepends=True):
        stripped = line.strip()
        if (
            stripped
            and len(stripped) <= _MAX_BOILERPLATE_LINE
            and _BOILERPLATE_LINE.match(stripped)
        ):
            evidence.append(Evidence("boilerplate_line", stripped, position))
            kept.append("\n" if line.endswith("\n") else "")
        else:
            kept.append(_strip_debris(line, position, evidence))
        position += len(line)
    text = "".join(kept)
    text = _BLANK_RUN.sub("\n\n", text).strip()
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return CleanBody(text=text, scraped_date=scraped_date, evidence=evidence)


def _strip_debris(line: str, line_start: int, evidence: list[Evidence]) -> str:
    def record(match: re.Match[str]) -> str:
        evidence.append(Evidence("markup_debris", match.group(0).strip(), line_start + match.start()))
        return " " if match.group(0)[:1] in " \t" else ""

    if "&" not in line:
        return line
    return re.sub(r"  +", " ", _MARKUP_DEBRIS.sub(record, line))


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs: blocks separated by blank lines; a text without any uses its lines."""
    separator = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else re.compile(r"\n")
    spans: list[Span] = []
    start = 0
    for match in separator.finditer(text):
        spans.extend(_trimmed(text, start, match.start()))
        start = match.end()
    spans.extend(_trimmed(text, start, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if end > start else []


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of ``text[start:end]`` as absolute spans, never crossing paragraphs."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for p_start, p_end in paragraph_spans(text[start:end]):
        _split_paragraph(text, start + p_start, start + p_end, spans)
    return spans


def _split_paragraph(text: str, start: int, end: int, out: list[Span]) -> None:
    chunk = text[start:end]
    cursor = 0
    for match in _SENTENCE_END.finditer(chunk):
        stop = match.end()
        if _is_abbreviation(chunk, match.start()) or not _next_starts_sentence(chunk, stop):
            continue
        out.extend((start + s, start + e) for s, e in _trimmed(chunk, cursor, stop))
        cursor = stop
    out.extend((start + s, start + e) for s, e in _trimmed(chunk, cursor, len(chunk)))


def _is_abbreviation(chunk: str, dot: int) -> bool:
    if chunk[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (chunk[word_start - 1].isalpha() or chunk[word_start - 1] == "."):
        word_start -= 1
    word = chunk[word_start:dot].lower()
    # Single capital letters are initials ("J. Smith"), except at sentence level after digits.
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _next_starts_sentence(chunk: str, stop: int) -> bool:
    rest = chunk[stop:].lstrip()
    if not rest:
        return True
    first = rest[0]
    return not first.islower()


def segment(text: str) -> tuple[list[Span], list[Span]]:
    """Paragraph and sentence spans of a clean body."""
    paragraphs = paragraph_spans(text)
    sentences: list[Span] = []
    for p_start, p_end in paragraphs:
        _split_paragraph(text, p_start, p_end, sentences)
    return paragraphs, sentences


def find_dateline_date(text: str) -> str | None:
    """The ISO date of a dateline opening the body ("PARIS, May 4, 2024 —"), if any."""
    match = _DATELINE.match(text[:200])
    return parse_date(match.group("date")) if match else None


def parse_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, a timestamp, or a free-form date string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds since the epoch
        try:
            return datetime.utcfromtimestamp(seconds).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = dateparser.parse(text, default=datetime(1900, 1, 1), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year < 1800 or parsed.year > 2200:
        return None
    return parsed.date().isoformat()


# ----------------------------------------------------------------------------- tokens
#: English function words left out of content tokens: they carry no evidence of reuse.
STOPWORDS = frozenset(["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "said", "says", "say", "mr", "mrs", "ms", "one", "two", "s", "t"])

#: Verbs that give words to a speaker: what a quotation's attribution (``candidates``) and a
#: claim's speaker (``claims``) are found by.
SPEECH_VERBS = frozenset(["said", "says", "say", "told", "tells", "added", "adds", "stated", "wrote",
                          "writes", "asked", "announced", "declared", "explained", "noted", "replied",
                          "responded", "warned", "argued", "insisted", "claimed", "accused"])


def opens_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` begins a sentence: only space before it, or the end of a
    sentence (``.``, ``!``, ``?``, perhaps closing a quotation), so its capital says nothing."""
    i = at - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    if i >= 0 and text[i] in "\"\u201d":  # a closing quotation mark: did the quote end a sentence?
        i -= 1
    return i < 0 or text[i] in ".!?"


_TOKEN = re.compile(r"\w+", re.UNICODE)
_STEMMER = None
_STEM_CACHE: dict[str, str] = {}


def stem(word: str) -> str:
    """Snowball (Porter 2) English stem, cached: the same word is stemmed once per process."""
    global _STEMMER
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    result = _STEMMER.stemWord(word)
    if len(_STEM_CACHE) < 500_000:
        _STEM_CACHE[word] = result
    return result


def words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


#: Scripts written without spaces between words (Chinese, Japanese kana and kanji, Thai).
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _unspaced_tokens(token: str) -> list[str]:
    """Character pairs stand in for words in unspaced scripts (a CJK word is one to three
    characters; pairs, not overlapping bigrams, keep a sentence's token count near its
    English translation's word count so unit sizes compare across languages)."""
    out: list[str] = []
    cursor = 0
    for run in _UNSPACED.finditer(token):
        if run.start() > cursor:
            out.append(token[cursor:run.start()])
        chars = run.group()
        out.extend(chars[i:i + 2] for i in range(0, len(chars), 2))
        cursor = run.end()
    if cursor < len(token):
        out.append(token[cursor:])
    return out


def content_tokens(text: str) -> list[str]:
    """Stemmed words of ``text`` without stopwords: the units of lexical comparison."""
    tokens = _TOKEN.findall(text.lower())
    if _UNSPACED.search(text):
        tokens = [piece for t in tokens for piece in _unspaced_tokens(t)]
    return [stem(w) for w in tokens if w not in STOPWORDS]
