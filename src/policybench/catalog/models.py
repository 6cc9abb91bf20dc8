"""The catalog's data model: criteria, sources, groups, options with their scores, presets.

Frozen pydantic models with ``extra="forbid"``, so an unknown or misspelt key in a data file
is an error rather than silently ignored. They describe one file's content; cross-references
between files (a score naming an unknown criterion, a quote naming an unknown source) are
checked by :mod:`policybench.catalog.loader`. Nothing here reads files or knows numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SCALE_MIN = 0.0
SCALE_MAX = 10.0

#: Identifiers are short lowercase slugs, so they work in URLs, file names and CLI flags.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Direction = Literal["benefit", "cost"]
Stance = Literal["supports", "cautions"]
#: How the cited source puts an option: recommended in so many words, argued for without a
#: recommending sentence, or only described or forecast (kept as evidence, ranked only with
#: ``--all``).
Recommendation = Literal["explicit", "implicit", "described"]
RECOMMENDED: frozenset[str] = frozenset({"explicit", "implicit"})
#: A score that rests on the analyst's judgement because the texts are silent must say so,
#: and its range must be at least this wide: a narrow range would claim knowledge nobody has.
Evidence = Literal["judgement"]
JUDGEMENT_MIN_WIDTH = 2.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Quote(_Model):
    """A verbatim passage of a source. ``stance`` says whether it argues for the option (or
    for a good score), cautions against it, or is neutral context (``None``)."""

    source: Id
    text: Text
    stance: Stance | None = None


class Source(_Model):
    """One of the texts in ``../shared/seeds``, cited as the text itself gives it."""

    id: Id
    file: ShortText
    authors: Annotated[list[ShortText], Field(min_length=1)]
    title: ShortText
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    publisher: ShortText | None = None
    note: Text | None = None

    @property
    def citation(self) -> str:
        """Authors (year), title, publisher: the form shown beside every quote."""
        authors = " and ".join(self.authors) if len(self.authors) <= 2 else ", ".join(self.authors)
        year = f" ({self.year})" if self.year else ""
        publisher = f", {self.publisher}" if self.publisher else ""
        return f"{authors}{year}, “{self.title}”{publisher}"


class Group(_Model):
    """A package of options as the papers present them (e.g. the Grand Bargain)."""

    id: Id
    name: ShortText
    description: Text


class Criterion(_Model):
    """A consideration options are scored on, 0–10 on an anchored scale.

    ``direction`` is ``benefit`` (higher is better) or ``cost`` (higher is worse);
    ``levels`` anchors at least 0, 5 and 10 in words. ``actors``, when set, makes the
    criterion a weakest link: every score names the governments that must act (a subset of
    ``actors``) with each one's own score, and the criterion's score is the lowest of them.
    """

    id: Id
    name: ShortText
    cluster: Id
    direction: Direction
    description: Text
    levels: dict[int, Text]
    quotes: Annotated[list[Quote], Field(min_length=1)]
    actors: Annotated[list[Id], Field(min_length=1)] | None = None

    @property
    def scale_min(self) -> float:
        return SCALE_MIN

    @property
    def scale_max(self) -> float:
        return SCALE_MAX

    @field_validator("levels")
    @classmethod
    def _anchored(cls, levels: dict[int, str]) -> dict[int, str]:
        missing = [lv for lv in (0, 5, 10) if lv not in levels]
        if missing:
            raise ValueError(
                "levels must anchor 0, 5 and 10 in words; missing: "
                + ", ".join(str(m) for m in missing)
            )
        off = [lv for lv in levels if not SCALE_MIN <= lv <= SCALE_MAX]
        if off:
            raise ValueError(f"levels {off} lie off the 0–10 scale")
        return levels


class Score(_Model):
    """One option's score on one criterion, with its honest range and its reasons.

    Every score quotes the texts, unless ``evidence`` is ``"judgement"``: then the texts are
    silent on the point, the rationale says so, and the range is at least
    :data:`JUDGEMENT_MIN_WIDTH` wide. ``actors`` (on a weakest-link criterion) gives each
    acting government's own score; ``value`` is their minimum.
    """

    value: float
    range: tuple[float, float]
    rationale: Text
    quotes: list[Quote] = Field(default_factory=list)
    evidence: Evidence | None = None
    actors: dict[Id, float] | None = None

    @property
    def low(self) -> float:
        return self.range[0]

    @property
    def high(self) -> float:
        return self.range[1]

    @model_validator(mode="after")
    def _ordered(self) -> Score:
        low, high = self.range
        for name, v in (("value", self.value), ("range low", low), ("range high", high)):
            if not SCALE_MIN <= v <= SCALE_MAX:
                raise ValueError(f"{name} {v:g} is off the 0–10 scale")
        if not low <= self.value <= high:
            raise ValueError(
                f"range [{low:g}, {high:g}] must contain the value {self.value:g} (low ≤ value ≤ high)"
            )
        if self.evidence is None and not self.quotes:
            raise ValueError(
                "a score needs at least one quote; where the texts are silent, write "
                "'evidence: judgement', say so in the rationale and give an honest range"
            )
        if self.evidence == "judgement" and high - low < JUDGEMENT_MIN_WIDTH:
            raise ValueError(
                f"a judgement score's range [{low:g}, {high:g}] is narrower than "
                f"{JUDGEMENT_MIN_WIDTH:g}: widen it to say how uncertain the judgement is"
            )
        if self.actors is not None:
            if not self.actors:
                raise ValueError(
                    "actors is empty: name each government that must act with its score"
                )
            for actor, v in self.actors.items():
                if not SCALE_MIN <= v <= SCALE_MAX:
                    raise ValueError(f"actors.{actor} {v:g} is off the 0–10 scale")
            lowest = min(self.actors.values())
            if abs(self.value - lowest) > 1e-9:
                raise ValueError(
                    f"value {self.value:g} must be the lowest of the actors' scores ({lowest:g}): "
                    "an option happens only if every government that must act does its part"
                )
        return self


class Option(_Model):
    """A policy option: what it is, who proposes it, and its score on every criterion.

    ``recommendation`` says how the cited source puts it (the baseline has none), with
    ``recommendation_quote`` showing it; ``part_of`` names the package a component belongs to.
    """

    id: Id
    title: ShortText
    group: Id
    summary: Text
    baseline: bool = False
    recommendation: Recommendation | None = None
    recommendation_quote: Quote | None = None
    part_of: Id | None = None
    sources: Annotated[list[Id], Field(min_length=1)]
    quotes: Annotated[list[Quote], Field(min_length=1)]
    scores: dict[Id, Score]

    @property
    def recommended(self) -> bool:
        """Explicitly or implicitly recommended by its source (not merely described)."""
        return self.recommendation in RECOMMENDED

    @property
    def component(self) -> bool:
        """A part of a package, compared within it rather than ranked on its own by default."""
        return self.part_of is not None

    @property
    def ranked_by_default(self) -> bool:
        """The status quo, packages and stand-alone recommendations: what ``rank`` ranks
        unless told ``--all``."""
        return self.baseline or (self.recommended and not self.component)

    @model_validator(mode="after")
    def _provenance(self) -> Option:
        if self.baseline:
            if self.recommendation is not None or self.part_of is not None:
                raise ValueError(
                    "the baseline is nobody's recommendation: drop recommendation and part_of"
                )
            return self
        if self.recommendation is None:
            raise ValueError(
                "missing required field 'recommendation': explicit, implicit or described "
                "(how the cited source puts the option)"
            )
        if self.recommendation_quote is None:
            raise ValueError(
                "missing required field 'recommendation_quote': the passage that shows how the source puts it"
            )
        if self.part_of == self.id:
            raise ValueError("part_of names the option itself; name the package it belongs to")
        return self


class Preset(_Model):
    """A named weight profile for a perspective (a capital, or equal weights)."""

    id: Id
    name: ShortText
    description: Text | None = None
    weights: dict[Id, Annotated[float, Field(ge=0, allow_inf_nan=False)]]
    quotes: Annotated[list[Quote], Field(min_length=1)]


class Requirement(_Model):
    """A non-compensatory screen on one criterion, on the catalog's 0–10 scale: an option
    whose score is below ``at_least`` (or above ``at_most``) is set aside before weighting,
    whatever its other scores. ``reason`` says, for people, why the requirement exists."""

    criterion: Id
    at_least: Annotated[float, Field(ge=SCALE_MIN, le=SCALE_MAX)] | None = None
    at_most: Annotated[float, Field(ge=SCALE_MIN, le=SCALE_MAX)] | None = None
    reason: Text | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Requirement:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a requirement gives exactly one of at_least and at_most")
        return self

    @property
    def expression(self) -> str:
        """The requirement as the command line writes it: ``achievability>=1``."""
        if self.at_least is not None:
            return f"{self.criterion}>={self.at_least:g}"
        return f"{self.criterion}<={self.at_most:g}"

    def failure(self, value: float) -> str | None:
        """``None`` if ``value`` meets the requirement, else what failed, in words the
        command line prints: ``achievability 0 < 1``."""
        if self.at_least is not None and value < self.at_least:
            return f"{self.criterion} {value:g} < {self.at_least:g}"
        if self.at_most is not None and value > self.at_most:
            return f"{self.criterion} {value:g} > {self.at_most:g}"
        return None


class CriteriaFile(_Model):
    criteria: Annotated[list[Criterion], Field(min_length=2)]
    default_screen: list[Requirement] = Field(default_factory=list)


class SourcesFile(_Model):
    sources: Annotated[list[Source], Field(min_length=1)]


class GroupsFile(_Model):
    groups: Annotated[list[Group], Field(min_length=1)]


class PresetsFile(_Model):
    presets: list[Preset]


@dataclass(frozen=True)
class Catalog:
    """A validated catalog. Immutable; look-ups by id are dictionaries built once."""

    root: Path
    criteria: tuple[Criterion, ...]
    sources: tuple[Source, ...]
    groups: tuple[Group, ...]
    options: tuple[Option, ...]
    presets: tuple[Preset, ...]
    fingerprint: str
    files: tuple[str, ...] = field(default=())
    default_screen: tuple[Requirement, ...] = field(default=())

    @cached_property
    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def groups_by_id(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}

    @cached_property
    def options_by_id(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}

    @cached_property
    def presets_by_id(self) -> dict[str, Preset]:
        return {p.id: p for p in self.presets}

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def short_fingerprint(self) -> str:
        """The first 12 hex digits of :attr:`fingerprint`, as shown in the app and exports."""
        return self.fingerprint[:12]
