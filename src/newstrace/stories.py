"""Stories: groups of articles about the same event, even when they share no text.

Each document is placed, in publication order, into the story whose centroid it is
closest to, using three signals: the multilingual lead embedding (what it is about), the
named entities it shares with the story (who and where), and time (stories are compared
only within ``STORY_WINDOW_DAYS`` of a dated document). Comparing with a story's centroid,
never with single members, keeps loosely related articles from chaining into one giant
story. A document derived from another (a verified link) joins its source's story.

Incremental: stories, their centroids and entity counts live in the store; new documents
join existing stories without recomputing the rest.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .store import Store

#: Lead-embedding cosine to a story centroid that alone places a document in the story.
STORY_COSINE = 0.80
#: A lower cosine suffices when the document shares this weighted share of its named
#: entities with the story (BASIL: independent reports of one event share their main
#: actors and places; calibrated on BASIL, checked on the demo corpus).
STORY_COSINE_WITH_ENTITIES = 0.50
STORY_ENTITY_OVERLAP = 0.15
#: Entities a story names are those more than this share of its members name (two of
#: three), and each mention counts by its entity's rarity in the corpus (``entity_weights``):
#: otherwise a story's entities grow with every member until any article on the same beat
#: overlaps it, and stories chain. Together, with the thresholds above unchanged, replayed on stored
#: analyses: BASIL ARI 0.896 -> 0.930 (two events sharing "Trump" no longer merged);
#: SheepDog (360 articles x 5 versions, undated) largest story 625 -> 30 documents, five
#: versions in one story 306 -> 311. Measured alongside: the share alone (BASIL 0.897,
#: SheepDog largest 72, 303 in one story), rarity alone (0.902; 655, 318).
STORY_ENTITY_MEMBER_SHARE = 1 / 3
#: Share of a copy made of its parent's text for the parent to decide the copy's story
#: (less, and it may be another story reusing a background paragraph). 0.5, 0.3 and 0.2
#: all gave BASIL ARI 0.909; on 100 SheepDog articles the five versions shared one story
#: in 78, 83 and 87 (an LLM's sensational restyling adds much text of its own).
STORY_PARENT_COVERAGE = 0.3
#: ... or, whatever that share, when the copy reads as a language model's rewrite of the
#: parent, as lineage reads one (wording log-odds at least ``lineage.MODEL_WRITTEN_READING``
#: and ``lineage.HUMAN_ORIGIN_GAP`` above the parent's): a sensational restyling adds much
#: text of the model's own, not of another story. Replayed on the stored analysis of
#: benchmarks/lineage.py (bae5781), stories made again: SheepDog five versions in one
#: story 321 -> 335 of 360 (15 restylings join their article's story, 4 that of another
#: article's version); BASIL ARI 0.9296 -> 0.9296 (its articles read human).
#: Stories more than this many days from a dated document are not candidates for it.
STORY_WINDOW_DAYS = 3

_ENTITY = re.compile(
    r"\b(?:[A-Z][\w'\u2019.-]*[a-z\d][\w'\u2019-]*|[A-Z]{2,})"
    r"(?:\s+(?:of|de|del|van|von|al|the|for|and)?\s*(?:[A-Z][\w'\u2019-]*|[A-Z]{2,}))*"
)
_NOT_ENTITIES = frozenset(
    ["the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "this", "that", "these", "those", "there", "here", "but", "and", "or", "if", "when", "while", "after", "before", "as", "at", "in", "on", "for", "of", "to", "by", "from", "with", "mr", "mrs", "ms", "dr", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
)


def entity_mentions(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Named-entity-like phrases (capitalised sequences, acronyms), lowercased, with spans.

    A cheap, language-agnostic stand-in for NER: sentence-initial function words and
    month/day names are dropped; possessive endings are stripped.
    """
    found = []
    for match in _ENTITY.finditer(text):
        phrase = re.sub(r"['\u2019]s$", "", match.group(0)).strip(" .-")
        words = phrase.lower().split()
        dropped = 0
        while words and words[0] in _NOT_ENTITIES:
            dropped += 1
            words = words[1:]
        value = " ".join(words)
        if words and value not in _NOT_ENTITIES and len(value) > 1:
            raw_words = match.group(0).split()
            start = match.start() + len(" ".join(raw_words[:dropped])) + (1 if dropped else 0)
            found.append((value, (start, start + len(phrase) - (start - match.start()))))
    return found


def entities(text: str) -> Counter[str]:
    """Named-entity-like phrases of ``text``, counted (see ``entity_mentions``)."""
    return Counter(value for value, _ in entity_mentions(text))


@dataclass
class Story:
    id: str
    vector_sum: np.ndarray
    entity_counts: Counter[str] = field(default_factory=Counter)
    members: list[str] = field(default_factory=list)
    first: date | None = None
    last: date | None = None
    centroid: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.centroid = self._normalised()

    def _normalised(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum

    def add(self, doc_id: str, vector: np.ndarray, doc_entities: Counter[str], when: date | None) -> None:
        self.members.append(doc_id)
        self.vector_sum = self.vector_sum + vector
        self.centroid = self._normalised()
        self.entity_counts.update(doc_entities.keys())
        if when:
            self.first = min(self.first or when, when)
            self.last = max(self.last or when, when)


@dataclass
class StoryInput:
    """What story grouping needs of a document."""

    id: str
    vector: np.ndarray
    entities: Counter[str]
    published: date | None = None
    parent: str | None = None  # a verified source of this document, if any
    #: documents it shares quotations with (independent reports of one statement)
    quoting: tuple[str, ...] = ()


def entity_overlap(doc_entities: Counter[str], story: Story,
                   weights: EntityWeights | None = None) -> float:
    """Share of the document's entity mentions that the story names (entities more than
    ``STORY_ENTITY_MEMBER_SHARE`` of its members name), each mention weighed by how rare
    its entity is in the corpus (``weights``, see ``entity_weights``; unweighted without).
    An entity missing from ``weights`` is new to the corpus: as rare as any."""
    return _overlap(_weighed(doc_entities, weights), story)


def _weighed(doc_entities: Counter[str], weights: EntityWeights | None) -> dict[str, float]:
    return {e: n * (weights(e) if weights else 1.0) for e, n in doc_entities.items()}


def _overlap(weighed: dict[str, float], story: Story) -> float:
    total = sum(weighed.values())
    if not total:
        return 0.0
    named = STORY_ENTITY_MEMBER_SHARE * len(story.members)
    return sum(w for e, w in weighed.items() if story.entity_counts.get(e, 0) > named) / total


@dataclass(frozen=True)
class EntityWeights:
    """Inverse document frequency of each entity: a name most of the corpus mentions (a
    president, a country) says little about which event a text reports. An entity the
    corpus has not seen is as rare as the rarest."""

    idf: Mapping[str, float]
    unseen: float

    def __call__(self, entity: str) -> float:
        return self.idf.get(entity, self.unseen)


def entity_weights(document_frequency: Mapping[str, int], documents: int) -> EntityWeights:
    idf = {e: math.log(max(documents, df) / df) for e, df in document_frequency.items() if df > 0}
    return EntityWeights(idf, max(idf.values(), default=1.0))


class _StoryIndex:
    """Stories by the days they span, so a dated document is compared only with stories
    near its date: grouping stays near-linear in the number of documents."""

    def __init__(self, stories: list[Story]) -> None:
        self.stories = stories
        self.by_day: dict[date, set[int]] = {}
        self.undated: set[int] = set()
        self.spans: dict[int, tuple[date, date] | None] = {}
        for i in range(len(stories)):
            self.register(i)

    def register(self, i: int) -> None:
        story = self.stories[i]
        if story.first is None or story.last is None:
            self.undated.add(i)
            return
        self.undated.discard(i)
        old = self.spans.get(i)
        day = story.first
        while day <= story.last:
            if old is None or not old[0] <= day <= old[1]:
                self.by_day.setdefault(day, set()).add(i)
            day += timedelta(days=1)
        self.spans[i] = (story.first, story.last)

    def candidates(self, when: date | None) -> list[int]:
        if when is None:
            return list(range(len(self.stories)))
        found = set(self.undated)
        for offset in range(-STORY_WINDOW_DAYS, STORY_WINDOW_DAYS + 1):
            found |= self.by_day.get(when + timedelta(days=offset), set())
        return sorted(found)


def best_story(doc: StoryInput, stories: Sequence[Story], candidates: Sequence[int] | None = None,
               weights: EntityWeights | None = None) -> tuple[int, float] | None:
    """Index and score of the story a document joins, or None for a new story."""
    candidates = list(range(len(stories))) if candidates is None else list(candidates)
    if not candidates:
        return None
    centroids = np.vstack([stories[i].centroid for i in candidates])
    cosines = centroids @ doc.vector
    best: tuple[int, float] | None = None
    weighed = _weighed(doc.entities, weights)  # once per document, not per story tried
    for position in np.argsort(-cosines)[:20]:
        story = stories[candidates[position]]
        cosine = float(cosines[position])
        overlap = _overlap(weighed, story)
        joins = cosine >= STORY_COSINE or (
            cosine >= STORY_COSINE_WITH_ENTITIES and overlap >= STORY_ENTITY_OVERLAP)
        score = cosine + 0.5 * overlap
        if joins and (best is None or score > best[1]):
            best = (candidates[position], score)
    return best


def _near(story: Story, when: date | None) -> bool:
    """Whether a document dated ``when`` falls within the story's dates (give or take the
    window); undated documents and stories are near everything."""
    if when is None or story.first is None or story.last is None:
        return True
    window = timedelta(days=STORY_WINDOW_DAYS)
    return story.first - window <= when <= story.last + window


def _parents_first(ordered: list[StoryInput]) -> list[StoryInput]:
    """``ordered``, except that a document whose parent comes later is preceded by it (so
    the parent's story is known when the copy is placed): undated copies sort by id, and
    an id says nothing of which version came first."""
    by_id = {d.id: d for d in ordered}
    placed: set[str] = set()
    result: list[StoryInput] = []
    for doc in ordered:
        chain: list[StoryInput] = []
        in_chain: set[str] = set()
        current: StoryInput | None = doc
        while current is not None and current.id not in placed and current.id not in in_chain:
            chain.append(current)
            in_chain.add(current.id)
            current = by_id.get(current.parent or "")
        for item in reversed(chain):
            placed.add(item.id)
            result.append(item)
    return result


def group(documents: Iterable[StoryInput], stories: list[Story] | None = None,
          next_id: int = 1, weights: EntityWeights | None = None
          ) -> tuple[list[Story], dict[str, str]]:
    """Place documents (any order; processed by date) into ``stories``, which it extends;
    ``weights`` are the entities' (``entity_weights``).

    Returns the stories and a map document id -> story id.
    """
    stories = stories if stories is not None else []
    membership = {m: s.id for s in stories for m in s.members}
    ordered = sorted(documents, key=lambda d: (d.published is None, d.published or date.min, d.id))
    position = {s.id: i for i, s in enumerate(stories)}
    index = _StoryIndex(stories)
    counter = next_id
    for doc in _parents_first(ordered):
        chosen: int | None = None
        parent_story = position.get(membership.get(doc.parent or "", ""))
        quoting_story = next((position[membership[d]] for d in doc.quoting if d in membership
                              and _near(stories[position[membership[d]]], doc.published)), None)
        if parent_story is not None and _near(stories[parent_story], doc.published):
            chosen = parent_story
        elif quoting_story is not None:
            chosen = quoting_story
        else:
            found = best_story(doc, stories, index.candidates(doc.published), weights)
            if found is not None:
                chosen = found[0]
        if chosen is None:
            stories.append(Story(f"story-{counter:05d}", np.zeros_like(doc.vector)))
            counter += 1
            chosen = len(stories) - 1
            position[stories[chosen].id] = chosen
        stories[chosen].add(doc.id, doc.vector, doc.entities, doc.published)
        index.register(chosen)
        membership[doc.id] = stories[chosen].id
    return stories, membership


def adjusted_rand_index(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """ARI of two labelings of the same items (Hubert & Arabie)."""
    from scipy.special import comb

    pairs: Counter[tuple[str, str]] = Counter(zip(truth, predicted, strict=True))
    a = Counter(truth)
    b = Counter(predicted)
    n = len(truth)
    index = sum(comb(v, 2) for v in pairs.values())
    sum_a = sum(comb(v, 2) for v in a.values())
    sum_b = sum(comb(v, 2) for v in b.values())
    expected = sum_a * sum_b / comb(n, 2) if n > 1 else 0.0
    maximum = (sum_a + sum_b) / 2
    return float((index - expected) / (maximum - expected)) if maximum != expected else 1.0


# ----------------------------------------------------------------------------- store
def update_stories(store: Store, doc_ids: Sequence[str]) -> int:
    """Place ``doc_ids`` (new or changed documents) into the store's stories; returns how
    many stories exist afterwards. Other documents keep their stories."""
    import pyarrow as pa

    from .lineage import HUMAN_ORIGIN_GAP, MODEL_WRITTEN_READING
    from .normalize import parse_date

    doc_ids = list(doc_ids)
    if not doc_ids:
        return _count(store)
    docs = store.documents(doc_ids)
    with store.transaction():
        store.con.execute("DELETE FROM story_members WHERE list_contains(?, doc_id)", [doc_ids])
        store.con.execute("DELETE FROM doc_entities WHERE list_contains(?, doc_id)", [doc_ids])
        rows = [(d.id, e, n) for d in docs for e, n in entities(f"{d.title or ''}. {d.text}").items()]
        if rows:
            store.insert_arrow("doc_entities", "doc_id, entity, n", pa.table({
                "doc_id": [r[0] for r in rows], "entity": [r[1] for r in rows],
                "n": pa.array([r[2] for r in rows], pa.int32())}))
    stories = _load_stories(store)
    vectors = _vectors(store, doc_ids)
    # A parent decides the story only when a good share of the copy is the parent's text:
    # an article that reuses one background paragraph of another event is not about it;
    # or when the copy reads as a language model's rewrite of the parent, whose added
    # text is the model's own (see ``STORY_PARENT_COVERAGE``).
    parents = dict(store.con.execute(
        """SELECT l.target, first(l.source ORDER BY l.score DESC, l.source) FROM links l
           JOIN (SELECT source, target, sum(target_end - target_start) AS chars FROM passages
                 GROUP BY ALL) p USING (source, target)
           JOIN documents d ON d.id = l.target
           JOIN documents ds ON ds.id = l.source
           -- a tie (two copies of one text scoring alike) goes to the first id at every run
           -- readings of the texts as they are (lineage has just read every linked one)
           LEFT JOIN doc_wording ws ON ws.doc_id = l.source AND ws.content_hash = ds.content_hash
           LEFT JOIN doc_wording wt ON wt.doc_id = l.target AND wt.content_hash = d.content_hash
                AND wt.model = ws.model
           WHERE l.parent AND list_contains(?, l.target) AND (p.chars >= ? * d.n_chars
                 OR (wt.log_odds >= ? AND wt.log_odds - ws.log_odds >= ?))
           GROUP BY l.target""",
        [doc_ids, STORY_PARENT_COVERAGE, MODEL_WRITTEN_READING, HUMAN_ORIGIN_GAP]).fetchall())
    quoting: dict[str, list[str]] = {}
    for a, b in store.con.execute("SELECT a, b FROM shared_quotes WHERE list_contains(?, a) OR "
                                  "list_contains(?, b) ORDER BY a, b", [doc_ids, doc_ids]).fetchall():
        quoting.setdefault(a, []).append(b)
        quoting.setdefault(b, []).append(a)
    inputs = []
    for d in docs:
        published = parse_date(d.published)
        inputs.append(StoryInput(
            d.id, vectors.get(d.id, np.zeros(512, dtype=np.float32)),
            entities(f"{d.title or ''}. {d.text}"),
            date.fromisoformat(published) if published else None, parents.get(d.id),
            tuple(quoting.get(d.id, ()))))
    next_id = 1 + max((int(s.id.rsplit("-", 1)[1]) for s in stories), default=0)
    weights = entity_weights(dict(store.con.execute(
        "SELECT entity, count(DISTINCT doc_id) FROM doc_entities GROUP BY entity").fetchall()),
        store.count_documents())
    _, membership = group(inputs, stories, next_id, weights)
    with store.transaction():
        new_rows = [(membership[d.id], d.id) for d in docs]
        store.insert_arrow("story_members", "story_id, doc_id", pa.table({
            "story_id": [r[0] for r in new_rows], "doc_id": [r[1] for r in new_rows]}))
    return _count(store)


def _count(store: Store) -> int:
    return int(store.scalar("SELECT count(DISTINCT story_id) FROM story_members"))


def _vectors(store: Store, doc_ids: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    if doc_ids is None:
        rows = store.con.execute("SELECT doc_id, vector FROM doc_vectors").fetchall()
    else:
        rows = store.con.execute("SELECT doc_id, vector FROM doc_vectors WHERE list_contains(?, doc_id)",
                                 [list(doc_ids)]).fetchall()
    return {r[0]: np.asarray(r[1], dtype=np.float32) for r in rows}


def _load_stories(store: Store) -> list[Story]:
    rows = store.con.execute(
        "SELECT m.story_id, m.doc_id, d.published, v.vector FROM story_members m "
        "JOIN documents d ON d.id = m.doc_id LEFT JOIN doc_vectors v ON v.doc_id = m.doc_id "
        "ORDER BY m.story_id, m.doc_id").fetchall()
    entity_rows = store.con.execute(
        "SELECT m.story_id, e.entity, count(*) FROM story_members m "
        "JOIN doc_entities e ON e.doc_id = m.doc_id GROUP BY ALL").fetchall()
    stories: dict[str, Story] = {}
    for story_id, doc_id, published, vector in rows:
        v = np.asarray(vector, dtype=np.float32) if vector is not None else np.zeros(512, np.float32)
        story = stories.setdefault(story_id, Story(story_id, np.zeros_like(v)))
        story.add(doc_id, v, Counter(), published)
    for story_id, entity, n in entity_rows:
        if story_id in stories:
            stories[story_id].entity_counts[entity] = n
    return list(stories.values())
