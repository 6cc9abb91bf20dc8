"""Common ground between camps, what divides them, and how camps change across rounds.

Given the camps of a room (:func:`policybench.analysis.camps.find_camps`):

- :func:`common_ground`: for each camp, SMAA over that camp's own weights (drawn uniformly
  between its members' lowest and highest share of each criterion, as the room's SMAA on the
  facilitator's page is drawn between everyone's; :func:`policybench.analysis.rank.smaa_catalog`),
  and each option's chance of a top-k rank there. An option's ``floor`` is its lowest chance
  over the camps: what the least keen camp gives it. Options are sorted by floor; those one
  camp ranks high and another low are "dividing".
- :func:`camps_across_rounds`: the camps of successive rounds of one workshop, matched by
  member overlap, with who stayed, moved, joined and left, the share who stayed (the stability
  figure a facilitator reads to decide whether another round is worth it), and whether common
  ground grew. Who stayed is counted only between two rounds that both have clear camps: a
  room with no clear camps is one group, and "staying" in it would say nothing.

Ids and arrays in, frozen dataclasses out; no labels, no store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from policybench.analysis.camps import Camps, Reason
from policybench.analysis.rank import SMAA_SEED, recorded_caveats, smaa_catalog
from policybench.analysis.weights import Weights, participant_shares
from policybench.catalog import Catalog
from policybench.errors import InputError

FloatArray = npt.NDArray[np.float64]

#: The top k that common ground is judged on unless the facilitator picks another (the page's
#: ``pb.fac.topk`` starts here, and the exports use it).
TOP_K = 3
#: SMAA samples per camp (its standard error on a chance is at most 0.5 / √2000 ≈ 0.011).
COMMON_SAMPLES = 2_000
#: An option is dividing when the camp keenest on it puts it in its top k this much more often
#: than the camp least keen on it: half the time or more, so one camp wants it in most of its
#: weightings where another mostly does not.
DIVIDING_GAP = 0.5
#: An option is common ground when every camp puts it in its top k at least this often, i.e.
#: more often than not; across rounds, common ground grows when more options reach it.
COMMON_FLOOR = 0.5


@dataclass(frozen=True)
class Dividing:
    """An option one camp ranks high and another low: each camp's chance of putting it in
    its top k (``high`` in camp ``high_camp``, ``low`` in camp ``low_camp``) and the ``gap``."""

    option: str
    high_camp: int
    high: float
    low_camp: int
    low: float

    @property
    def gap(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class CommonGround:
    """What every camp can live with.

    ``chance[i, c]`` is the share of camp ``camps[c]``'s SMAA samples in which option ``i`` takes
    one of the first ``top_k`` ranks; ``floor`` its lowest over the camps, ``mean`` the mean,
    ``expected`` the mean over the camps of its expected rank. ``order`` lists option indices
    by floor, then mean chance, then expected rank (so that options every camp has in its top
    k are in the order the camps rank them), then id. ``dividing`` lists the options whose
    chances are at least ``gap`` apart between two camps, widest first. Without camps (too few
    submissions) every array is empty or NaN and ``order`` is empty.
    """

    option_ids: tuple[str, ...]
    camps: tuple[int, ...]
    top_k: int
    samples: int
    seed: int
    chance: FloatArray
    floor: FloatArray
    mean: FloatArray
    expected: FloatArray
    order: tuple[int, ...]
    dividing: tuple[Dividing, ...]
    gap: float = DIVIDING_GAP
    notes: tuple[str, ...] = ()

    @property
    def common(self) -> tuple[int, ...]:
        """Option indices, in :attr:`order`, that every camp puts in its top k at least half
        the time (floor ≥ :data:`COMMON_FLOOR`)."""
        return tuple(i for i in self.order if self.floor[i] >= COMMON_FLOOR)


def common_ground(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    camps: Camps,
    weights: Weights,
    *,
    top_k: int = TOP_K,
    samples: int = COMMON_SAMPLES,
    seed: int = SMAA_SEED,
    gap: float = DIVIDING_GAP,
    method: str | None = None,
    normalization: str | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    params: Mapping[str, Any] | None = None,
) -> CommonGround:
    """Each option's chance of a top-``top_k`` rank in every camp, its floor, and the options
    that divide the camps.

    ``weights`` are the participants' weights, in the order (and number) the camps were found
    from. ``method``, ``normalization``, ``params`` and ``overrides`` default to those of
    ``camps`` (the model the camps ranked with; given another ``method``, its own default
    normalisation and no parameters); every camp's SMAA uses the same ``seed``, so the camps
    are compared on the same random numbers.

    Raises
    ------
    InputError
        Options, criteria or participants that differ from the camps', or ``top_k`` / ``gap``
        out of range.
    """
    opts, crits = tuple(options), tuple(criteria)
    if opts != camps.option_ids or crits != camps.criterion_ids:
        raise InputError(
            "common ground must use the options and criteria the camps were found with; "
            "find the camps again for these"
        )
    if not 1 <= top_k <= len(opts):
        raise InputError(f"top_k is {top_k}: give a number from 1 to {len(opts)} (the options)")
    if not 0 < gap <= 1:
        raise InputError(f"gap is {gap}: give a share above 0 and at most 1")
    shares = participant_shares(weights, crits)
    if shares.shape[0] != camps.participants:
        raise InputError(
            f"{shares.shape[0]} weight rows were given for camps found from "
            f"{camps.participants} participants; give the same participants in the same order"
        )
    n, c = len(opts), len(camps.camps)
    if c == 0:
        nan = np.full(n, np.nan)
        return CommonGround(
            opts, (), top_k, samples, seed, np.zeros((n, 0)), nan, nan, nan, (), (), gap
        )
    chance, expected = np.zeros((n, c)), np.zeros((n, c))
    same_model = method is None
    extra = dict(params) if params is not None else dict(camps.params) if same_model else {}
    with recorded_caveats() as notes:
        for camp in camps.camps:  # one SMAA per camp (a handful), each vectorised
            rows = shares[list(camp.members)]
            result = smaa_catalog(
                catalog,
                None,
                method=method or camps.method,
                normalization=normalization or (camps.normalization if same_model else None),
                samples=samples,
                seed=seed,
                weight_low=rows.min(axis=0),
                weight_high=rows.max(axis=0),
                options=opts,
                criteria=crits,
                overrides=camps.overrides if overrides is None else overrides,
                **extra,
            )
            chance[:, camp.index] = result.rank_acceptability[:, :top_k].sum(axis=1)
            expected[:, camp.index] = result.expected_rank
            notes += [note for note in result.notes if note not in notes]
    floor, mean, exp = chance.min(axis=1), chance.mean(axis=1), expected.mean(axis=1)
    ids = np.array(opts)
    order = np.lexsort((ids, exp, -mean, -floor))
    return CommonGround(
        option_ids=opts,
        camps=tuple(camp.index for camp in camps.camps),
        top_k=top_k,
        samples=samples,
        seed=seed,
        chance=chance,
        floor=floor,
        mean=mean,
        expected=exp,
        order=tuple(int(i) for i in order),
        dividing=_dividing(chance, opts, gap),
        gap=gap,
        notes=tuple(notes),
    )


def _dividing(chance: FloatArray, option_ids: tuple[str, ...], gap: float) -> tuple[Dividing, ...]:
    """Options whose keenest and least keen camps are ``gap`` apart or more, widest first (the
    lower camp index on a tie; then by id)."""
    if chance.shape[1] < 2:
        return ()
    high, low = chance.argmax(axis=1), chance.argmin(axis=1)
    rows = np.arange(chance.shape[0])
    width = chance[rows, high] - chance[rows, low]
    picked = np.flatnonzero(width >= gap - 1e-12)
    picked = picked[np.lexsort((np.array(option_ids)[picked], -width[picked]))]
    return tuple(
        Dividing(option_ids[i], int(high[i]), float(chance[i, high[i]]), int(low[i]),
                 float(chance[i, low[i]]))
        for i in picked
    )  # fmt: skip


# ------------------------------------------------------------------------------ rounds
@dataclass(frozen=True)
class Transition:
    """Between two consecutive rounds, among the ``both`` participants in both: how many
    ``stayed`` in the matched camp (or fit none both times) and how many ``moved``; how many
    ``joined`` (only in the later round) and ``left`` (only in the earlier). ``matched`` pairs
    camp indices (earlier, later) that share members. ``stability`` is ``stayed / both``.

    Staying is counted only when both rounds have clear camps: otherwise ``stayed``, ``moved``
    and ``stability`` are None, ``matched`` is empty, and ``unclear`` lists the rounds of the
    two without clear camps, earlier first, each with the reason it has none
    (:data:`policybench.analysis.camps.Reason`), so that a reader can say why."""

    before: int
    after: int
    both: int
    stayed: int | None
    moved: int | None
    joined: int
    left: int
    matched: tuple[tuple[int, int], ...]
    unclear: tuple[tuple[int, Reason], ...] = ()

    @property
    def stability(self) -> float | None:
        if self.stayed is None or self.both == 0:
            return None
        return self.stayed / self.both


@dataclass(frozen=True)
class CampHistory:
    """Camps round by round: ``rounds`` in order, each round's number of ``camps`` (0 without
    camps, 1 for no clear camps) and whether they were ``clear``; the ``transitions`` between
    consecutive rounds; with common ground given, each round's ``common`` (the number of
    options every camp puts in its top k at least half the time, None where not given) and
    ``grew`` between consecutive rounds (more such options than the round before);
    ``submissions``, each round's number of participants. A round without submissions yet (one
    just opened) has no transition into it: :attr:`empty` lists such rounds."""

    rounds: tuple[int, ...]
    camps: tuple[int, ...]
    clear: tuple[bool, ...]
    transitions: tuple[Transition, ...]
    common: tuple[int | None, ...]
    grew: tuple[bool | None, ...]
    submissions: tuple[int, ...] = ()

    @property
    def empty(self) -> tuple[int, ...]:
        """The rounds nobody has submitted in yet."""
        return tuple(r for r, n in zip(self.rounds, self.submissions, strict=True) if n == 0)


def _match(
    a: Camps, b: Camps, ia: npt.NDArray[np.intp], ib: npt.NDArray[np.intp]
) -> dict[int, int]:
    """Camp ``a``'s index → camp ``b``'s, pairing camps so that the members they share (among
    rows ``ia`` of ``a`` and ``ib`` of ``b``, the same people) add up to the most (Hungarian
    algorithm); pairs that share nobody are not matched."""
    la, lb = a.labels[ia], b.labels[ib]
    both = (la >= 0) & (lb >= 0)
    overlap = np.zeros((len(a.camps), len(b.camps)), dtype=np.int64)
    np.add.at(overlap, (la[both], lb[both]), 1)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}


def _transition(
    before: int, after: int, a: tuple[Camps, Sequence[str]], b: tuple[Camps, Sequence[str]]
) -> Transition:
    keys_a, keys_b = list(a[1]), list(b[1])
    where_b = {key: i for i, key in enumerate(keys_b)}
    shared = [key for key in keys_a if key in where_b]
    ia = np.array([i for i, key in enumerate(keys_a) if key in where_b], dtype=np.intp)
    ib = np.array([where_b[key] for key in shared], dtype=np.intp)
    joined = len(keys_b) - len(shared)
    left = len(keys_a) - len(shared)
    unclear = tuple((r, c.reason) for r, c in ((before, a[0]), (after, b[0])) if not c.clear)
    if unclear:
        return Transition(before, after, len(shared), None, None, joined, left, (), unclear)
    match = _match(a[0], b[0], ia, ib)
    lookup = np.full(len(a[0].camps) + 1, -2, dtype=np.int64)  # -2: matched to no camp
    for ca, cb in match.items():
        lookup[ca] = cb
    lookup[-1] = -1  # fitting none stays fitting none
    stayed = int((lookup[a[0].labels[ia]] == b[0].labels[ib]).sum())
    return Transition(
        before, after, len(shared), stayed, len(shared) - stayed, joined, left,
        tuple(sorted(match.items())),
    )  # fmt: skip


def camps_across_rounds(
    by_round: Mapping[int, tuple[Camps, Sequence[str]]],
    common: Mapping[int, CommonGround] | None = None,
) -> CampHistory:
    """How the camps changed from round to round.

    ``by_round[r]`` is round ``r``'s camps and the participant keys in the camps' row order
    (any stable id: the keys only say who is the same person across rounds). Camps are matched
    between consecutive rounds by greatest member overlap (the Hungarian algorithm,
    :func:`scipy.optimize.linear_sum_assignment`), since their numbers follow size and can
    change when one camp grows past another. ``common[r]`` is round ``r``'s common ground
    (optional, any rounds); all must use the same ``top_k``.

    Raises
    ------
    InputError
        Keys that do not match a round's participants, a key twice in a round, or common ground
        with different ``top_k`` between rounds.
    """
    rounds = tuple(sorted(by_round))
    for r in rounds:
        camps, keys = by_round[r]
        if len(keys) != camps.participants:
            raise InputError(
                f"round {r}: {len(keys)} participant keys for {camps.participants} participants"
            )
        if len(set(keys)) != len(keys):
            raise InputError(f"round {r}: a participant key appears twice")
    given = common or {}
    ks = {g.top_k for g in given.values()}
    if len(ks) > 1:
        raise InputError(
            "common ground was computed with different top k across rounds "
            f"({', '.join(map(str, sorted(ks)))}); use the same k to compare rounds"
        )
    counts = tuple(len(given[r].common) if r in given and given[r].camps else None for r in rounds)
    # a round nobody has submitted in yet (just opened) has no camps to move between: a
    # transition into it would say that everyone left
    transitions = tuple(
        _transition(r, s, by_round[r], by_round[s])
        for r, s in pairwise(rounds)
        if by_round[s][0].participants
    )
    grew = tuple(None if x is None or y is None else y > x for x, y in pairwise(counts))
    return CampHistory(
        rounds=rounds,
        camps=tuple(len(by_round[r][0].camps) for r in rounds),
        clear=tuple(by_round[r][0].clear for r in rounds),
        transitions=transitions,
        common=counts,
        grew=grew,
        submissions=tuple(by_round[r][0].participants for r in rounds),
    )
