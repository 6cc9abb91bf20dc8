"""The catalog's data model: criteria, sources, groups, options with their scores, presets.

Frozen pydantic models with ``extra="forbid"``, so an unknown or misspelt key in a data file
is an error rather than silently ignored. They describe one file's content; cross-references
between files (a score naming an unknown criterion, a quote naming an unknown source) are
checked by :mod:`policybench.catalog.loader`. Nothing here reads files or knows numpy.
"""

from __future__ import annotations

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
    ``levels`` anchors at least 0, 5 and 10 in words.
    """

    id: Id
    name: ShortText
    cluster: Id
    direction: Direction
    description: Text
    levels: dict[int, Text]
    quotes: Annotated[list[Quote], Field(min_length=1)]

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
    """One option's score on one criterion, with its honest range and its reasons."""

    value: float
    range: tuple[float, float]
    rationale: Text
    quotes: Annotated[list[Quote], Field(min_length=1)]

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
        return self


class Option(_Model):
    """A policy option: what it is, who proposes it, and its score on every criterion."""

    id: Id
    title: ShortText
    group: Id
    summary: Text
    baseline: bool = False
    sources: Annotated[list[Id], Field(min_length=1)]
    quotes: Annotated[list[Quote], Field(min_length=1)]
    scores: dict[Id, Score]


class Preset(_Model):
    """A named weight profile for a perspective (a capital, or equal weights)."""

    id: Id
    name: ShortText
    description: Text | None = None
    weights: dict[Id, Annotated[float, Field(ge=0, allow_inf_nan=False)]]
    quotes: Annotated[list[Quote], Field(min_length=1)]


class CriteriaFile(_Model):
    criteria: Annotated[list[Criterion], Field(min_length=2)]


class SourcesFile(_Model):
    sources: Annotated[list[Source], Field(min_length=1)]


class GroupsFile(_Model):
    groups: Annotated[list[Group], Field(min_length=1)]


class PresetsFile(_Model):
    presets: list[Preset]
