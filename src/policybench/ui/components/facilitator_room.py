"""The room as the facilitator's page reads it from the store, once per run: every round's
submissions, who joined (in the order they joined), the live challenges and the decisions; and
how the page names the participants.

The page (:mod:`policybench.ui.screens.facilitate`) reads one :class:`Room` per run and hands
it to every panel, so that all of them show the same moment of the room. Nothing here reads
the store or computes a result.

Participants are "Participant 1", "Participant 2", … in the order they joined
(:func:`policybench.present.labels.participant_numbers`, which the workshop's export uses too),
so the same person has the same number whoever submits when, in every round, every panel and
the export; with "show names" ticked, their display names instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from policybench.analysis.contest import overrides_from
from policybench.analysis.weights import weight_matrix
from policybench.present.contest import adjusted_label
from policybench.present.deliberation_ui import numbering
from policybench.store import Challenge, Facilitator, ScoreDecision, Submission
from policybench.store.workshops import Workshops

FloatArray = npt.NDArray[np.float64]

#: How someone is labelled whom the labels do not have (never, as they are made from the same
#: read; a safety net, never a name).
UNKNOWN = "A participant"


@dataclass(frozen=True)
class Room:
    """One read of a workshop: ``round`` is the current round; ``rounds`` maps every round
    from 1 to it to its submissions in join order (empty for a round nobody submitted in);
    ``joined`` the display names of everyone who joined, in join order; ``challenges`` every
    live challenge (named) and ``decisions`` every score decision."""

    round: int
    rounds: Mapping[int, tuple[Submission, ...]]
    joined: tuple[str, ...]
    challenges: tuple[Challenge, ...]
    decisions: tuple[ScoreDecision, ...]

    @property
    def current(self) -> tuple[Submission, ...]:
        """The current round's submissions."""
        return tuple(self.rounds.get(self.round, ()))

    @property
    def overrides(self) -> dict[str, dict[str, float]]:
        """The adopted scores, ``{option: {criterion: value}}`` (empty when none)."""
        return overrides_from(self.decisions)

    def matrix(self, number: int, criteria: Sequence[str]) -> FloatArray:
        """Round ``number``'s weights, ``(P, M)`` in join order and ``criteria``' order: what
        the cached computations take (an array is hashed as its bytes, where a list of
        mappings is hashed number by number)."""
        return weight_matrix([s.weights for s in self.rounds.get(number, ())], criteria)

    def labels(self, names: bool) -> dict[str, str]:
        """Display name → how the page shows that person (see the module docstring)."""
        people = [s.display_name for r in sorted(self.rounds) for s in self.rounds[r]]
        people += [c.display_name for c in self.challenges]
        return numbering(self.joined, people, names=names)

    @property
    def adjusted(self) -> str:
        """The adopted-scores label ("2 scores adjusted in this workshop"), or ""."""
        return adjusted_label(self.overrides)

    def labels_for(self, subs: Sequence[Submission], names: bool) -> list[str]:
        """The labels of ``subs``' authors, in their order ("A participant (k)" for one the
        labels lack, ``k`` its place in ``subs``, so that labels stay distinct)."""
        known = self.labels(names)
        return [known.get(s.display_name, f"{UNKNOWN} ({k})") for k, s in enumerate(subs, 1)]

    def labelled_challenges(self, names: bool) -> tuple[Challenge, ...]:
        """The challenges with each author's label in place of their name."""
        known = self.labels(names)
        return tuple(
            replace(c, display_name=known.get(c.display_name, UNKNOWN)) for c in self.challenges
        )

    def decision_on(self, option: str, criterion: str) -> ScoreDecision | None:
        """The decision on one cell, if any."""
        return next(
            (d for d in self.decisions if (d.option, d.criterion) == (option, criterion)), None
        )


def room_from(
    rounds: Mapping[int, Sequence[Submission]],
    joined: Sequence[str],
    challenges: Sequence[Challenge],
    decisions: Sequence[ScoreDecision],
) -> Room:
    """A :class:`Room` from what the store returned (``rounds`` as
    :meth:`~policybench.store.workshops.Workshops.rounds` gives them: 1 to the current one)."""
    return Room(
        round=max(rounds, default=1),
        rounds={r: tuple(subs) for r, subs in sorted(rounds.items())},
        joined=tuple(joined),
        challenges=tuple(challenges),
        decisions=tuple(decisions),
    )


def rows(weights: FloatArray, criteria: Sequence[str]) -> list[dict[str, float]]:
    """A weight matrix (:meth:`Room.matrix`) back as one mapping per participant."""
    return [dict(zip(criteria, map(float, row), strict=True)) for row in weights]


def read_room(workshops: Workshops, handle: Facilitator) -> Room:
    """One read of the workshop for this run (every round, who joined, challenges,
    decisions)."""
    return room_from(
        workshops.rounds(handle),
        [p.display_name for p in workshops.participants(handle)],
        workshops.challenges(handle),
        workshops.decisions(handle),
    )
