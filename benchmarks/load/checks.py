"""After the window: what the store holds against what each participant's page confirmed.

- **Submissions**, round by round: a participant's stored submission in a round must be
  exactly the weights and revision their page last confirmed ("Saved (revision N)") in that
  round. Anything else is *lost* (confirmed, not stored as confirmed, or stored where nothing
  was confirmed); a stored submission that holds weights the page confirmed in *another* round
  is also reported *in the wrong round*.
- **Challenges**: each cell a participant's page confirmed ("Challenge saved") must be stored
  with the last confirmed value, range, reason, quote and source, the verification the
  catalog's own check expects (:mod:`~benchmarks.load.plan`), and the round it was confirmed
  in; a stored challenge nobody's page confirmed is lost too (a save refused while the round
  was locked must leave nothing).

Pure functions over plain data: the load test calls them with what the store returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks.load.plan import Cell, PlannedChallenge

#: round → (revision, weights) as a page confirmed them last in that round.
Confirmed = Mapping[int, tuple[int, Mapping[str, float]]]


def submissions(
    name: str, confirmed: Confirmed, stored: Mapping[int, Any]
) -> tuple[list[str], list[str]]:
    """(lost, in the wrong round) for one participant; ``stored``: round → their stored
    submission (with ``revision`` and ``weights``) in the rounds where there is one."""
    lost: list[str] = []
    wrong: list[str] = []
    for rnd in sorted(set(confirmed) | set(stored)):
        got = stored.get(rnd)
        if rnd in confirmed:
            revision, weights = confirmed[rnd]
            if got is None:
                lost.append(f"{name}, round {rnd}: confirmed revision {revision}, nothing stored")
            elif got.revision != revision or dict(got.weights) != dict(weights):
                lost.append(
                    f"{name}, round {rnd}: confirmed revision {revision} {dict(weights)}, "
                    f"stored revision {got.revision} {dict(got.weights)}"
                )
            continue
        got = stored[rnd]  # not confirmed in this round, so stored in it
        lost.append(
            f"{name}, round {rnd}: stored revision {got.revision} without a confirmed submit"
        )
        elsewhere = [r for r, (_, w) in confirmed.items() if dict(w) == dict(got.weights)]
        if elsewhere:
            wrong.append(
                f"{name}: weights confirmed in round {elsewhere[0]} are stored in round {rnd}"
            )
    return lost, wrong


def challenges(
    name: str, confirmed: Mapping[Cell, tuple[PlannedChallenge, int]], stored: Sequence[Any]
) -> list[str]:
    """What is wrong with one participant's stored challenges (``stored``: theirs, as the
    store's :class:`~policybench.store.Challenge`) against the saves their page confirmed:
    cell → (the last confirmed save, the round it was confirmed in)."""
    found = {(c.option, c.criterion): c for c in stored}
    problems = []
    for cell, (want, rnd) in sorted(confirmed.items()):
        got = found.get(cell)
        if got is None:
            problems.append(f"{name}: challenge of {cell} confirmed in round {rnd}, not stored")
            continue
        differs = _differences(want, rnd, got)
        if differs:
            problems.append(f"{name}: challenge of {cell} stored with {'; '.join(differs)}")
    for cell in sorted(set(found) - set(confirmed)):
        problems.append(f"{name}: challenge of {cell} stored without a confirmed save")
    return problems


def _differences(want: PlannedChallenge, rnd: int, got: Any) -> list[str]:
    """Each field of the stored challenge that is not what was confirmed, as "field x, not y"."""
    expected = {
        "value": want.value,
        "low": want.low,
        "high": want.high,
        "reason": want.reason,
        "quote": want.quote,
        "source": want.source,
        "verified": want.verified,
        "round": rnd,
    }
    return [
        f"{field} {getattr(got, field)!r}, not {value!r}"
        for field, value in expected.items()
        if getattr(got, field) != value
    ]
