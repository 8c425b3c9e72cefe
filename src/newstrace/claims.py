"""Claims: what a copy did to the facts of its source.

``extract_claims`` finds, with character spans, the checkable claims of a text: numbers
with what they count, dates, direct quotes with their speaker, attributions ("according
to ...", "X said"), and each sentence as a factual statement (with negation and hedging
noted). ``diff_claims`` pairs a source's claims with a copy's and classifies each as
``kept``, ``altered`` (before and after shown), ``dropped``, or, for copy claims with no
support in the source, ``added`` (``editorial`` when it is opinion or a call to action).
Pure functions over strings and spans.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from .align import Passage, coverage
from .model import Span
from .normalize import SPEECH_VERBS, STOPWORDS, content_tokens, opens_sentence, segment, stem

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?:\s*(?P<scale>thousand|million|billion|trillion))?(?P<pct>\s*(?:%|percent\b|per cent\b))?"
    r"(?:-(?P<hyph>[a-z]+))?",
    re.IGNORECASE,
)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_DATE = re.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?"
    r"|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)(?:\s+\d{4})?"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|(?:19|20)\d{2})\b")
_QUOTE = re.compile(r"[\"\u201c\u201e](?P<q>[^\"\u201c\u201d\u201e]{12,600}?)[\"\u201d]")
_SPEECH_VERBS = "(?:" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + ")"
_NAME = r"(?P<name>(?:[A-Z][\w'\u2019.-]+\s){0,4}[A-Z][\w'\u2019-]+)"
_SPEAKER_AFTER = re.compile(rf"^[\s,]*{_SPEECH_VERBS}\s+(?:the\s+)?{_NAME}|^[\s,]*{_NAME.replace('name', 'name2')}\s+{_SPEECH_VERBS}")
_SPEAKER_BEFORE = re.compile(rf"{_NAME}\s+{_SPEECH_VERBS}\s*[,:]?\s*$")
_ATTRIBUTION = re.compile(
    rf"\baccording to\s+(?P<src>(?:the\s+)?(?:[\w'\u2019-]+\s){{0,7}}?[\w'\u2019-]+?)(?=[,.;]|\s+(?:on|in|at|and|which|who)\b)"
    rf"|{_NAME}\s+{_SPEECH_VERBS}\b|\b{_SPEECH_VERBS}\s+{_NAME.replace('name', 'name2')}")
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|n't)\b|n't\b", re.I)
_HEDGES = re.compile(r"\b(?:may|might|could|reportedly|allegedly|possibly|perhaps|appears?|seems?|"
                     r"likely|unlikely|suggests?|estimated|about|around|nearly|almost|roughly)\b", re.I)
_EDITORIAL = re.compile(
    r"\b(?:we must|we should|we need|must all|should be|it is time|it's time|serves as a|reminder|"
    r"lesson|teaches us|let us|let's|only by|wake-up call|shameful|disgrace|outrageous|"
    r"unacceptable|deserve|for generations to come|working together)\b", re.I)

#: Statement match (rapidfuzz token_set_ratio of content words) for a copy sentence to
#: support a source sentence. 55 pairs an LLM paraphrase of a sentence with its source in
#: the demo and fixtures while leaving sentences of other stories unmatched.
STATEMENT_MATCH = 55
#: Quote match (partial_ratio) for a copy quote to be the source's quote.
QUOTE_MATCH = 85


@dataclass(frozen=True)
class Claim:
    kind: str  # number | date | quote | attribution | entity | statement
    text: str
    span: Span
    sentence: Span
    value: str | None = None
    unit: str | None = None
    speaker: str | None = None
    negated: bool = False
    hedged: bool = False

    def as_dict(self) -> dict[str, object]:
        # by hand, not dataclasses.asdict: its deep copy took 13 of the 93 s that
        # describing 805 SheepDog links took
        data = {"kind": self.kind, "text": self.text, "span": list(self.span),
                "sentence": list(self.sentence), "value": self.value, "unit": self.unit,
                "speaker": self.speaker, "negated": self.negated, "hedged": self.hedged}
        return {k: v for k, v in data.items() if v not in (None, False)}


def _number_value(match: re.Match[str]) -> float:
    raw = match.group("num").lower().replace(",", "")
    value = float(_NUMBER_WORDS.get(raw, 0)) if raw in _NUMBER_WORDS else float(raw)
    if match.group("scale"):
        value *= _SCALE[match.group("scale").lower()]
    return value


def _unit_after(text: str, end: int, match: re.Match[str]) -> str | None:
    if match.group("pct"):
        return "percent"
    if match.group("hyph"):
        return stem(match.group("hyph").lower())
    following = re.findall(r"[A-Za-z][\w'-]*", text[end:end + 60])
    for word in following[:4]:
        lowered = word.lower()
        if lowered in STOPWORDS or lowered in _SCALE:
            continue
        return stem(lowered)
    return None


def _format_number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def _speaker_near(text: str, quote_start: int, quote_end: int, sentence: Span) -> str | None:
    after = text[quote_end:min(len(text), quote_end + 80)]
    match = _SPEAKER_AFTER.match(after)
    if match:
        return (match.group("name") or match.group("name2") or "").strip() or None
    before = text[max(sentence[0], quote_start - 80):quote_start]
    match = _SPEAKER_BEFORE.search(before)
    if match:
        return match.group("name").strip()
    return None


#: Texts whose claims are kept per process, so a document linked to many others (a
#: source and its copies) is read once (sized like ``framing.TEXT_FRAME_CACHE``).
CLAIMS_CACHE = 128


def extract_claims(text: str, sentences: Sequence[Span] | None = None) -> list[Claim]:
    """Numbers, dates, quotes, attributions and statements of ``text`` with spans."""
    if sentences is None:
        return list(_claims_of(text))
    return _extract(text, list(sentences))


@lru_cache(maxsize=CLAIMS_CACHE)
def _claims_of(text: str) -> tuple[Claim, ...]:
    return tuple(_extract(text, segment(text)[1]))


def _extract(text: str, sentences: list[Span]) -> list[Claim]:
    claims: list[Claim] = []
    for sentence in sentences:
        s_start, s_end = sentence
        chunk = text[s_start:s_end]
        negated = bool(_NEGATION.search(chunk))
        hedged = bool(_HEDGES.search(chunk))
        date_spans = [m.span() for m in _DATE.finditer(chunk)]
        for match in _NUMBER.finditer(chunk):
            if any(a <= match.start() < b for a, b in date_spans):
                continue  # a day or year inside a date: the date is the claim
            if match.group("num").lower() in _NUMBER_WORDS and not (match.group("scale") or match.group("pct") or match.group("hyph")):
                unit = _unit_after(chunk, match.end(), match)
                if unit is None:
                    continue
            start, end = s_start + match.start(), s_start + match.end()
            claims.append(Claim("number", match.group(0), (start, end), sentence,
                                _format_number(_number_value(match)),
                                _unit_after(chunk, match.end(), match)))
        for match in _DATE.finditer(chunk):
            claims.append(Claim("date", match.group(0), (s_start + match.start(), s_start + match.end()),
                                sentence, match.group(0).lower().replace(",", "")))
        for match in _ATTRIBUTION.finditer(chunk):
            who = (match.group("src") or match.group("name") or match.group("name2") or "").strip()
            if who:
                claims.append(Claim("attribution", match.group(0),
                                    (s_start + match.start(), s_start + match.end()), sentence,
                                    speaker=who))
        claims.append(Claim("statement", chunk, sentence, sentence, negated=negated, hedged=hedged))
    claims.extend(_entity_claims(text, sentences))
    for match in _QUOTE.finditer(text):
        if len(match.group("q").split()) < 4:
            continue
        sentence = _sentence_at(sentences, match.start()) or (match.start(), match.end())
        claims.append(Claim("quote", match.group("q"), (match.start("q"), match.end("q")), sentence,
                            " ".join(match.group("q").lower().split()),
                            speaker=_speaker_near(text, match.start(), match.end(), sentence)))
    return _inherit_speakers(sorted(claims, key=lambda c: (c.span, c.kind)), text)


def _sentence_at(sentences: Sequence[Span], offset: int) -> Span | None:
    """The sentence holding ``offset`` (sentences are in text order and disjoint)."""
    k = bisect_right(sentences, (offset, math.inf)) - 1
    return sentences[k] if k >= 0 and offset < sentences[k][1] else None


def _entity_claims(text: str, sentences: Sequence[Span]) -> list[Claim]:
    """The first mention of each named entity (people, places, organisations)."""
    from .stories import entity_mentions

    mentions = entity_mentions(text)
    starts = {sp[0] for sp in sentences}
    # A lone capitalised word opening a sentence ("Furthermore", "Officials") is a name
    # only if the text also capitalises it mid-sentence.
    mid_sentence = {v for v, (start, _) in mentions if start not in starts}
    seen: set[str] = set()
    out = []
    for value, (start, end) in mentions:
        if value in seen or (start in starts and " " not in value and value not in mid_sentence):
            continue
        seen.add(value)
        sentence = _sentence_at(sentences, start) or (start, end)
        out.append(Claim("entity", text[start:end], (start, end), sentence, value))
    return out


def _inherit_speakers(claims: list[Claim], text: str) -> list[Claim]:
    """A quote with no speaker of its own that follows another quote in the same
    paragraph continues that speaker's words."""
    out: list[Claim] = []
    last: Claim | None = None
    for claim in claims:
        if claim.kind == "quote":
            if claim.speaker is None and last is not None and "\n\n" not in text[last.span[1]:claim.span[0]]:
                claim = Claim(claim.kind, claim.text, claim.span, claim.sentence, claim.value,
                              claim.unit, last.speaker, claim.negated, claim.hedged)
            last = claim if claim.speaker else last
        out.append(claim)
    return out


# ----------------------------------------------------------------------------- diff
@dataclass
class ClaimChange:
    status: str  # kept | altered | dropped | added
    kind: str
    source: Claim | None = None
    copy: Claim | None = None
    changed: list[str] = field(default_factory=list)  # value, unit, speaker, negation, hedging
    editorial: bool = False
    note: str | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"status": self.status, "kind": self.kind}
        if self.source:
            data["source"] = self.source.as_dict()
        if self.copy:
            data["copy"] = self.copy.as_dict()
        if self.changed:
            data["changed"] = self.changed
        if self.editorial:
            data["editorial"] = True
        if self.note:
            data["note"] = self.note
        return data


@dataclass
class ClaimDiff:
    changes: list[ClaimChange]

    def counts(self) -> dict[str, int]:
        counts = {"kept": 0, "altered": 0, "dropped": 0, "added": 0}
        for change in self.changes:
            counts[change.status] += 1
        return counts

    @property
    def attribution_issues(self) -> list[ClaimChange]:
        return [c for c in self.changes if c.kind in ("quote", "attribution") and
                (c.status == "altered" and "speaker" in c.changed or c.note)]

    def distortion(self) -> float:
        """How much the copy changes or invents facts, in [0, 1]: altered facts, invented
        non-editorial statements and attribution problems over the facts compared.
        Dropping is not distortion (cutting is not falsifying); editorial additions are
        framing, measured apart."""
        facts = [c for c in self.changes if c.kind != "statement" or c.status != "kept"]
        base = [c for c in self.changes if c.status != "added" or not c.editorial]
        added = [c for c in self.changes if c.status == "added" and not c.editorial]
        bad = sum(1 for c in self.changes if c.status == "altered") + \
            sum(1 for c in added if c.kind not in ("statement", "entity")) + \
            0.5 * sum(1 for c in added if c.kind in ("statement", "entity")) + \
            sum(1 for c in self.changes if c.note == "speaker removed")
        del facts
        return round(min(1.0, bad / max(1, len(base))), 4)

    def as_dict(self) -> dict[str, object]:
        return {"counts": self.counts(), "distortion": self.distortion(),
                "changes": [c.as_dict() for c in self.changes if c.status != "kept" or c.kind != "statement"]}


def _statement_tokens(text: str, claims: Sequence[Claim]) -> list[str]:
    return [" ".join(content_tokens(text[slice(*c.span)])) for c in claims]


def _best_statement(tokens_a: str, candidates: list[Claim], candidate_tokens: list[str]
                    ) -> Claim | None:
    """The copy statement that supports a source statement best (the first of equals),
    if any reaches ``STATEMENT_MATCH``. (One ``cdist`` matrix per pair was slower: the
    search raises its cutoff to the best score found so far.)"""
    if not tokens_a:
        return None
    from rapidfuzz import process

    found = process.extractOne(tokens_a, candidate_tokens, scorer=fuzz.token_set_ratio,
                               score_cutoff=STATEMENT_MATCH)
    return None if found is None else candidates[found[2]]


#: A side of a link whose text outside the aligned passages is more than this many times
#: as long as the whole other text is mostly other material: a long document that took a
#: passage of the source, or a long source (a transcript) of which a passage was taken. Its
#: claims outside the sentences the passages touch are not about this reuse, so
#: ``diff_linked`` leaves them out. Texts of comparable size are compared whole, so an LLM
#: restyling's unaligned sentences still count as added and a condensed copy's cuts as
#: dropped (of SheepDog's 1,220 source-restyling parent links, 205 have passages covering
#: under half the restyling). Before: a passage of a PAN13 source inside a 518 kB document
#: listed 16,672 claim changes (3.3 MB of JSON), nearly all that document's own sentences.
CLAIM_SCOPE_OTHER_MATERIAL = 3.0


def diff_linked(source_text: str, copy_text: str, passages: Sequence[Passage]) -> ClaimDiff:
    """``diff_claims`` over what a link's aligned ``passages`` make comparable (see
    ``CLAIM_SCOPE_OTHER_MATERIAL``)."""
    return diff_claims(source_text, copy_text,
                       _in_scope(extract_claims(source_text), passages, "source", len(source_text),
                                 len(copy_text)),
                       _in_scope(extract_claims(copy_text), passages, "target", len(copy_text),
                                 len(source_text)))


def _in_scope(claims: list[Claim], passages: Sequence[Passage], side: str, length: int,
              other_length: int) -> list[Claim]:
    outside = length * (1 - coverage(passages, length, side))
    if not passages or outside <= CLAIM_SCOPE_OTHER_MATERIAL * other_length:
        return claims
    spans = [getattr(p, side) for p in passages]
    return [c for c in claims if any(c.sentence[0] < end and start < c.sentence[1] for start, end in spans)]


def diff_claims(source_text: str, copy_text: str, source_claims: Sequence[Claim] | None = None,
                copy_claims: Sequence[Claim] | None = None) -> ClaimDiff:
    """Each source claim kept, altered or dropped in the copy; each unsupported copy claim added."""
    source_claims = list(source_claims) if source_claims is not None else extract_claims(source_text)
    copy_claims = list(copy_claims) if copy_claims is not None else extract_claims(copy_text)
    changes: list[ClaimChange] = []
    s_statements = [c for c in source_claims if c.kind == "statement"]
    c_statements = [c for c in copy_claims if c.kind == "statement"]
    # Sentence correspondence: each source sentence's best copy sentence, if good enough.
    counterpart: dict[Span, Claim] = {}
    supported: set[Span] = set()
    c_tokens = _statement_tokens(copy_text, c_statements)
    for claim, tokens in zip(s_statements, _statement_tokens(source_text, s_statements), strict=True):
        match = _best_statement(tokens, c_statements, c_tokens)
        if match is not None:
            counterpart[claim.sentence] = match
            supported.add(match.sentence)
            changed = []
            if claim.negated != match.negated:
                changed.append("negation")
            if claim.hedged != match.hedged:
                changed.append("hedging")
            changes.append(ClaimChange("altered" if changed else "kept", "statement", claim, match, changed))
        else:
            changes.append(ClaimChange("dropped", "statement", claim))
    copy_by_sentence: dict[Span, list[Claim]] = {}
    for claim in copy_claims:
        copy_by_sentence.setdefault(claim.sentence, []).append(claim)
    used: set[int] = set()
    copy_entities: dict[str | None, Claim] = {}
    for claim in copy_claims:
        if claim.kind == "entity":
            copy_entities.setdefault(claim.value, claim)
    for claim in source_claims:
        if claim.kind in ("statement",):
            continue
        if claim.kind == "quote":
            changes.append(_diff_quote(claim, copy_claims, used))
            continue
        if claim.kind == "entity":
            match = copy_entities.get(claim.value)
            if match is not None:
                used.add(id(match))
            changes.append(ClaimChange("kept" if match else "dropped", "entity", claim, match))
            continue
        partner = counterpart.get(claim.sentence)
        pool = copy_by_sentence.get(partner.sentence, []) if partner else []
        changes.append(_diff_detail(claim, pool, copy_claims, used))
    for claim in copy_claims:
        if id(claim) in used:
            continue
        if claim.kind == "statement" and claim.sentence in supported:
            continue
        if claim.kind != "statement" and claim.sentence in supported:
            # A number/date/attribution in a supported sentence that matched nothing: added detail.
            pass
        if claim.kind in ("statement", "number", "quote", "attribution", "date", "entity"):
            editorial = bool(_EDITORIAL.search(copy_text[slice(*claim.sentence)]))
            changes.append(ClaimChange("added", claim.kind, copy=claim, editorial=editorial))
    return ClaimDiff(changes)


def _diff_quote(claim: Claim, copy_claims: Sequence[Claim], used: set[int]) -> ClaimChange:
    from rapidfuzz import process

    quotes = [c for c in copy_claims if c.kind == "quote" and id(c) not in used]
    found = process.extractOne(claim.value or "", [c.value or "" for c in quotes],
                               scorer=fuzz.partial_ratio, score_cutoff=QUOTE_MATCH)
    if found is None:
        return ClaimChange("dropped", "quote", claim)
    best = quotes[found[2]]
    used.add(id(best))
    if claim.speaker and not best.speaker:
        return ClaimChange("altered", "quote", claim, best, ["speaker"], note="speaker removed")
    if claim.speaker and best.speaker and _same_person(claim.speaker, best.speaker) is False:
        return ClaimChange("altered", "quote", claim, best, ["speaker"], note="quote put into another's mouth")
    changed = [] if fuzz.ratio(claim.value or "", best.value or "") >= 95 else ["wording"]
    return ClaimChange("altered" if changed else "kept", "quote", claim, best, changed)


def _same_person(a: str, b: str) -> bool:
    """Same speaker: a shared name word ("Mayor Reyes" / "Tomas Reyes"), or for unnamed
    sources ("a report presented to the council") nearly the same words."""
    words_a = {w.lower() for w in a.split() if w[:1].isupper()}
    words_b = {w.lower() for w in b.split() if w[:1].isupper()}
    if words_a and words_b:
        return bool(words_a & words_b)
    return fuzz.ratio(a.lower(), b.lower()) >= 80


def _diff_detail(claim: Claim, pool: Sequence[Claim], copy_claims: Sequence[Claim],
                 used: set[int]) -> ClaimChange:
    same_kind = [c for c in pool if c.kind == claim.kind and id(c) not in used]
    if claim.kind == "number":
        exact = [c for c in same_kind if c.value == claim.value]
        if exact:
            used.add(id(exact[0]))
            changed = [] if exact[0].unit == claim.unit or not exact[0].unit else ["unit"]
            return ClaimChange("altered" if changed else "kept", "number", claim, exact[0], changed)
        by_unit = [c for c in same_kind if c.unit and c.unit == claim.unit]
        if by_unit:
            used.add(id(by_unit[0]))
            return ClaimChange("altered", "number", claim, by_unit[0], ["value"])
        elsewhere = [c for c in copy_claims if c.kind == "number" and c.value == claim.value and id(c) not in used]
        if elsewhere:
            used.add(id(elsewhere[0]))
            return ClaimChange("kept", "number", claim, elsewhere[0])
        return ClaimChange("dropped", "number", claim)
    if claim.kind == "date":
        exact = [c for c in same_kind if c.value == claim.value] or \
            [c for c in copy_claims if c.kind == "date" and c.value == claim.value and id(c) not in used]
        if exact:
            used.add(id(exact[0]))
            return ClaimChange("kept", "date", claim, exact[0])
        if same_kind:
            used.add(id(same_kind[0]))
            return ClaimChange("altered", "date", claim, same_kind[0], ["value"])
        return ClaimChange("dropped", "date", claim)
    # attribution
    if same_kind:
        match = next((c for c in same_kind if _same_person(claim.speaker or "", c.speaker or "")), None)
        if match is not None:
            used.add(id(match))
            return ClaimChange("kept", "attribution", claim, match)
        used.add(id(same_kind[0]))
        return ClaimChange("altered", "attribution", claim, same_kind[0], ["speaker"],
                           note="claim attributed to someone else")
    if pool:  # the sentence survives but says nothing of who said it
        return ClaimChange("dropped", "attribution", claim, note="source of the claim removed")
    return ClaimChange("dropped", "attribution", claim)


# ----------------------------------------------------------------------------- credit
#: Second-level labels under which a country's domains are registered (bbc.co.uk): the
#: outlet's name is the label before them.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "news"})
_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*$")


def _host_stem(host: str) -> str | None:
    """The label of a host name that names its outlet: ``nytimes`` of ``www.nytimes.com``,
    ``bbc`` of ``news.bbc.co.uk``."""
    labels = host.lower().strip(".").split(".")
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2]


def outlet_names(source: str | None, url: str | None) -> list[str]:
    """The names a text could credit an outlet by: its ``source`` as given (without a
    leading "The"), and for a host name, given as the source or in the URL, the label that
    names the outlet with hyphens read as spaces (``halden-herald.example``: "halden
    herald"). Names under three letters are left out (too many words are "ap")."""
    from urllib.parse import urlsplit

    names: list[str] = []
    hosts = [urlsplit(url).hostname or ""] if url else []
    given = (source or "").strip()
    if _HOST.match(given.lower()):
        hosts.insert(0, given)
    elif given:
        names.append(re.sub(r"^the\s+", "", given, flags=re.I))
    for host in hosts:
        stem = _host_stem(host)
        if stem:
            names.extend([stem.replace("-", " "), stem])
    seen: dict[str, str] = {}
    for name in names:
        if len(re.sub(r"\W", "", name)) >= 3:
            seen.setdefault(name.lower(), name)
    return list(seen.values())


#: A one-word outlet name at least this common in English (wordfreq's Zipf scale: "time"
#: 6.1, "sun" 5.3, "guardian" 4.2, "nytimes" 0) names the outlet only when written with a
#: capital inside a sentence ("said the Guardian"): otherwise it is the word.
COMMON_NAME_ZIPF = 4.0


def _mentions(name: str, text: str) -> list[Span]:
    from .transform import zipf

    words = [w for w in re.split(r"[\s-]+", name) if w]
    pattern = re.compile(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, words)) + r"(?!\w)", re.I)
    spans = [m.span() for m in pattern.finditer(text)]
    if len(words) == 1 and zipf(words[0].lower()) >= COMMON_NAME_ZIPF:
        spans = [(start, end) for start, end in spans
                 if text[start].isupper() and not opens_sentence(text, start)]
    return spans


def source_credit(source_names: list[str], copy_names: list[str], source_text: str, copy_text: str,
                  passages: Sequence[Passage]) -> dict[str, object] | None:
    """Whether a copy names the outlet it was taken from in words of its own: ``{"outlet":
    the outlet's first name, "credited": bool, "mention": the words that name it}``, or None
    when the source's outlet is not known or is the copy's own (an outlet republishing its
    text credits nobody). A mention inside the copied passages counts only when the source
    text does not have it: a source that names itself is copied, not credited."""
    if not source_names:
        return None
    if {n.lower() for n in source_names} & {n.lower() for n in copy_names}:
        return None
    copied = [p.target for p in passages]
    for name in source_names:
        in_source = bool(_mentions(name, source_text))
        for start, end in _mentions(name, copy_text):
            inside = any(s <= start and end <= e for s, e in copied)
            if not inside or not in_source:
                return {"outlet": source_names[0], "credited": True, "mention": copy_text[start:end]}
    return {"outlet": source_names[0], "credited": False}
