"""The intermediate representation shared by the stages: small frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")

DEFAULT_MODEL = "fr_core_news_md"
"""The spaCy pipeline used unless ``--model`` names another (here, not in ``kg.annotate``, so
that reading it does not import spaCy)."""


def _pickled_by_position(cls: type[_T]) -> type[_T]:
    """Pickle instances as their class and field values in order, rebuilt by the constructor.

    What ``dataclass(slots=True)`` adds for pickling calls ``fields()`` on every object; the
    caches and spills pickle hundreds of thousands of them per build (about 2x faster this way).
    """
    values = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return type(self), values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment, method-assign]
    return cls


class EntityType(str, Enum):
    """Types of entities the graph holds."""

    STATE = "State"
    PERSON = "Person"
    BODY = "Body"
    PLACE = "Place"
    RESOLUTION = "Resolution"


class Modality(str, Enum):
    """How a fact is stated (auxiliary modes of the PLOVER event ontology)."""

    ASSERTED = "asserted"
    PLANNED = "planned"
    REPORTED = "reported"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"
    DENIED = "denied"

    @property
    def direct(self) -> bool:
        """Whether facts of this modality become direct edges."""
        return self in (Modality.ASSERTED, Modality.PLANNED)


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class Document:
    """One input text.

    ``text`` is the whole decoded source; ``body_start`` is where the article starts after any
    leading metadata line. All character offsets in the graph index ``text`` (for a web page,
    the article text extracted from it). ``language`` is an ISO 639-1 code.
    """

    id: str
    text: str
    source: str
    body_start: int = 0
    title: str | None = None
    date: str | None = None
    url: str | None = None
    language: str = "fr"

    @property
    def body(self) -> str:
        """The article text handed to the language model."""
        return self.text[self.body_start :]


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact was read: a sentence and its span in the document text."""

    doc_id: str
    sentence: str
    start: int
    end: int
    rule: str


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention in a document, already linked to an entity key.

    ``key`` is the entity's deterministic identifier (``state/RUS``, ``person/antonio-guterres``).
    """

    key: str
    type: EntityType
    text: str
    start: int
    end: int
    label: str


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class Post:
    """A post held in an organisation, e.g. "ministre des Affaires étrangères" in ``state/RUS``."""

    role: str
    org: str


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class Fact:
    """A relation read from one sentence, with its qualifiers and evidence.

    ``subject`` and ``object`` are entity keys; ``predicate`` is the local name of a kg property.
    """

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    modality: Modality = Modality.ASSERTED
    date: str | None = None
    date_precision: str | None = None
    place: str | None = None
    round: int | None = None
    reported_by: str | None = None
    post: Post | None = None


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class ResolutionInfo:
    """What a document says about one resolution (merged across documents by ``resolve``)."""

    key: str
    body: str | None
    date: str | None
    date_precision: str | None
    status: str
    quote: str | None
    labels: tuple[str, ...] = ()
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None


@_pickled_by_position
@dataclass(frozen=True, slots=True)
class DocResult:
    """Everything extracted from one document."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    facts: tuple[Fact, ...] = ()
    resolutions: tuple[ResolutionInfo, ...] = ()
    warnings: tuple[str, ...] = field(default=())
