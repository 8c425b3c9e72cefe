"""Copy makers: derive copies of an article the way content farms do.

Used to build the demo corpus, test fixtures and benchmarks honestly: a spun copy in
our tests is made by a spinner, not written to look like one. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from types import MappingProxyType

from .normalize import segment

#: The spinner's thesaurus: common news words and the (often wrong-sense) swaps article
#: spinners make. Demonyms are swapped carelessly on purpose, as real spinners do.
SPIN_SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "offensive": ("insulting", "hostile"), "attack": ("assault", "strike"),
    "said": ("stated", "mentioned"), "says": ("states", "mentions"), "told": ("informed",),
    "announced": ("introduced", "declared"), "government": ("authorities", "administration"),
    "officials": ("authorities", "functionaries"), "people": ("individuals", "persons"),
    "city": ("metropolis", "town"), "council": ("board", "committee"),
    "bridge": ("overpass", "span"), "repairs": ("maintenance", "fixes"),
    "residents": ("inhabitants", "occupants"), "week": ("seven days",), "weeks": ("weeks",),
    "closed": ("shut", "sealed"), "close": ("shut", "seal"), "open": ("accessible",),
    "reopen": ("resume", "re-open"), "major": ("main", "significant"), "big": ("large", "huge"),
    "small": ("little", "tiny"), "important": ("crucial", "vital"), "new": ("novel", "fresh"),
    "old": ("aged", "ancient"), "plan": ("scheme", "strategy"), "plans": ("schemes",),
    "report": ("account", "document"), "reports": ("accounts",), "increase": ("rise", "boost"),
    "decrease": ("decline", "drop"), "warned": ("cautioned", "alerted"),
    "expected": ("anticipated", "predicted"), "meeting": ("assembly", "gathering"),
    "agreement": ("deal", "accord"), "talks": ("negotiations", "discussions"),
    "crisis": ("emergency", "predicament"), "water": ("liquid",), "shortage": ("deficit", "scarcity"),
    "farmers": ("growers", "agriculturists"), "workers": ("employees", "laborers"),
    "strike": ("walkout", "stoppage"), "union": ("guild", "federation"),
    "company": ("firm", "enterprise"), "trains": ("locomotives",), "passengers": ("travellers", "riders"),
    "minister": ("secretary", "official"), "president": ("head of state", "chief"),
    "country": ("nation", "state"), "region": ("area", "territory"), "local": ("regional", "native"),
    "support": ("backing", "help"), "help": ("assist", "aid"), "problem": ("issue", "difficulty"),
    "quickly": ("rapidly", "swiftly"), "however": ("nevertheless", "yet"), "also": ("additionally",),
    "according": ("as per",), "percent": ("per cent", "%"), "million": ("million",),
    "decision": ("choice", "ruling"), "vote": ("ballot", "poll"), "voted": ("balloted", "polled"),
    "damage": ("harm", "destruction"), "storm": ("tempest", "gale"), "rain": ("downpour", "showers"),
    "hospital": ("infirmary", "clinic"), "police": ("law enforcement", "cops"),
    "Armenian": ("Iranian",), "Azerbaijani": ("Iranian",), "Norwegian": ("Swedish",),
    "German": ("Dutch",), "French": ("Gallic",), "sources": ("resources",),
    "statement": ("assertion", "declaration"), "spokesperson": ("representative",),
    "spokeswoman": ("representative",), "spokesman": ("representative",),
    "begin": ("commence",), "began": ("commenced",), "start": ("commence", "onset"),
    "end": ("finish", "conclusion"), "ended": ("concluded", "finished"),
    "rules": ("regulations", "guidelines"), "limit": ("cap", "restriction"),
    "pay": ("wages", "compensation"), "rise": ("surge", "climb"),
})

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_DEBRIS = (" & nbsp,", " &nbsp;", " & amp;")


def spin(text: str, rate: float = 0.6, seed: int = 0, debris: float = 0.03,
         thesaurus: Mapping[str, tuple[str, ...]] = SPIN_SYNONYMS) -> str:
    """Swap words for thesaurus entries with probability ``rate`` each, keeping word order;
    sprinkle entity debris after a fraction ``debris`` of sentences."""
    if not 0.0 <= rate <= 1.0 or not 0.0 <= debris <= 1.0:
        raise ValueError("rate and debris must be in [0, 1]")
    rng = random.Random(seed)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        options = thesaurus.get(word) or thesaurus.get(word.lower())
        if not options or rng.random() >= rate:
            return word
        choice = rng.choice(options)
        return choice[:1].upper() + choice[1:] if word[:1].isupper() else choice

    spun = _WORD.sub(swap, text)
    if debris:
        spun = re.sub(r"(?<=[a-z0-9])([.!?])(?=[\"\u201d]?\s)",
                      lambda m: (rng.choice(_DEBRIS) + m.group(1)) if rng.random() < debris else m.group(1),
                      spun)
    return spun


def excerpt(text: str, keep: float = 0.5, seed: int = 0, lead: int = 2) -> str:
    """Cut an article down to about ``keep`` of its sentences: the first ``lead`` sentences
    and a random selection of the rest, in their original order, one paragraph each."""
    if not 0.0 < keep <= 1.0:
        raise ValueError("keep must be in (0, 1]")
    _, sentences = segment(text)
    if not sentences:
        return text
    rng = random.Random(seed)
    n_keep = max(1, round(len(sentences) * keep))
    head = list(range(min(lead, n_keep)))
    rest = sorted(rng.sample(range(len(head), len(sentences)), max(0, n_keep - len(head))))
    chosen = head + rest
    return "\n\n".join(text[sentences[i][0]:sentences[i][1]] for i in chosen)


def reorder(text: str, seed: int = 0) -> str:
    """The same sentences in a shuffled order (a lazy rewrite)."""
    _, sentences = segment(text)
    parts = [text[s:e] for s, e in sentences]
    random.Random(seed).shuffle(parts)
    return " ".join(parts)


def with_scraped_date(text: str, iso_date: str) -> str:
    """Prefix the scraper's date field that copies often carry (" date 2023-11-13 ")."""
    return f" date {iso_date} {text}"
