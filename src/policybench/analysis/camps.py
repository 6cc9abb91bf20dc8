"""Camps in a room: participants grouped by the rankings their weights give, and "you are here".

The plain API of issue 20 (participants' weight vectors in, camps out), so it serves a workshop
and weights collected anywhere else; :mod:`policybench.analysis.common_ground` takes the camps
on to what every camp can live with and how camps change across rounds, and
:mod:`policybench.present.camps` words both.

How camps are found (:func:`find_camps`):

- Each participant's ranking of the options in play under their weights (one vectorised
  scoring call for the room), then the Kendall distance between every two rankings,
  ``(1 - tau_b) / 2`` (0 the same order, 1 the reverse; ties handled by tau-b). Rankings, not
  raw weights: two people whose different weights give the same order are in the same place.
  Tau-b is computed for all pairs at once as a Gram matrix of pair signs, the formula of
  :func:`policybench.robustness.kendall_tau_b` without its ``P × P × N²`` broadcast.
- Average-linkage (UPGMA) agglomerative clustering of that distance
  (:func:`scipy.cluster.hierarchy.linkage`). Average, because the distance is not Euclidean
  (Ward's, centroid and median linkage assume it is), single linkage chains two camps together
  through one person between them, and complete linkage lets the single farthest pair decide;
  average linkage uses every pair, as the silhouette that judges the cut does.
- The tree is cut at 2 … ``max_camps`` clusters; clusters smaller than ``min_size`` (three by
  default, so that nobody is identified by their camp) are "fit none"; a cut counts only if it
  leaves two camps or more. Each is scored by the mean silhouette (Rousseeuw 1987) over the
  room, those who fit none counting 0 (:func:`silhouette` says why), and the best is kept if it
  reaches ``min_silhouette``; otherwise the room is one camp, "no clear camps". Fewer than
  ``min_participants`` (:data:`MIN_PARTICIPANTS`) submissions: no camps.
- Why there are camps or not is a code (:data:`Reason`) with the numbers behind it on
  :class:`Camps` (the thresholds, the best silhouette, the size of the best split tried);
  :func:`policybench.present.camps.reason_text` words it.
- Deterministic and blind to the order of participants: the room is clustered in a canonical
  order (by ranking), so a tie between merges is broken by what people ranked, never by when
  they joined, and camps are numbered by size, then by that order.

Ids and arrays in, frozen dataclasses out; no labels, no store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform

from policybench.analysis.rank import DEFAULT_METHOD, recorded_caveats
from policybench.analysis.weights import Weights, participant_shares, weight_matrix
from policybench.analysis.workshop import RoomModel, room_model
from policybench.catalog import Catalog
from policybench.errors import InputError

__all__ = [
    "MIN_PARTICIPANTS",
    "MIN_SILHOUETTE",
    "MIN_SIZE",
    "Camp",
    "Camps",
    "Distinctive",
    "Reason",
    "Weights",
    "find_camps",
    "kendall_distances",
    "participant_shares",
    "place",
    "silhouette",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Why a room has camps or not:
#: ``"clear"`` it splits into camps;
#: ``"no_submissions"`` nobody submitted;
#: ``"too_few"`` fewer than :attr:`Camps.min_participants` submitted;
#: ``"same_ranking"`` everyone's weights give the same ranking;
#: ``"too_small"`` no split leaves two camps of at least :attr:`Camps.min_size`;
#: ``"no_clear_split"`` the best split's mean silhouette is below :attr:`Camps.min_silhouette`.
Reason = Literal[
    "clear", "no_submissions", "too_few", "same_ranking", "too_small", "no_clear_split"
]

#: Submissions a round needs before camps are looked for (issue 20: fewer than six show the
#: group view without camps): with camps of three or more, six is the fewest that can split.
MIN_PARTICIPANTS = 6
#: The fewest members a camp may have, so that nobody is identified by their camp.
MIN_SIZE = 3

#: The mean silhouette a split needs to count as camps. Kaufman & Rousseeuw (1990) read 0.51
#: and above as "a reasonable structure has been found", 0.26–0.50 as "weak and could be
#: artificial". Simulated rooms on the shipped catalog (8–40 people, 40 rooms each) agree:
#: rooms in agreement (every weight equal ± 40 %) reach it at most 3 times in 100, rooms drawn
#: from two capitals' presets ± 30 % at least 95 times, from three capitals' 62–85 times.
MIN_SILHOUETTE = 0.5
#: Options shown as a camp's top under its central weights.
CAMP_TOP = 3
#: Criteria named as distinguishing a camp, at most.
MAX_DISTINCTIVE = 3
#: A criterion distinguishes a camp when its median share is at least this many times the rest
#: of the room's median, or at most its inverse…
DISTINCTIVE_RATIO = 1.5
#: …and differs from it by at least this share (five points of 100: less is within what a
#: slider step moves).
DISTINCTIVE_GAP = 0.05
#: Added to both medians when ordering criteria by how far apart they sit (log ratio), so a
#: median of 0 does not make the ratio infinite.
_RATIO_FLOOR = 0.01
#: Silhouettes closer than this are a tie (float noise must not decide between two cuts).
_TIE = 1e-9


@dataclass(frozen=True)
class Distinctive:
    """A criterion on which a camp's central weight (``camp``) sits far from the rest of the
    room's (``room``: the median share of everyone outside the camp, the medians rescaled to
    sum to 1 as the camp's are). ``ratio`` is ``camp / room`` (``inf`` when ``room`` is 0).
    """

    criterion: str
    camp: float
    room: float
    ratio: float


@dataclass(frozen=True)
class Camp:
    """One camp: its ``index`` (0-based, as in :attr:`Camps.labels`), ``members`` (row
    indices, ascending), ``central`` weights (the members' median share of each criterion,
    rescaled to sum to 1), the ``distinctive`` criteria (furthest from the rest of the room
    first), the ``top`` option ids under the central weights, and its ``spread``: the largest,
    over its members, of a member's mean Kendall distance to the other members (how far from
    the camp its least typical member sits; :func:`place` uses it)."""

    index: int
    members: tuple[int, ...]
    central: FloatArray
    distinctive: tuple[Distinctive, ...]
    top: tuple[str, ...]
    spread: float

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Camps:
    """The camps of one room.

    ``labels[p]`` is participant ``p``'s camp index, or -1 for "fits none"; ``camps`` is empty
    when there were too few submissions, and holds one camp (everyone) when the room has no
    clear camps (``clear`` False). ``k`` is the number of clusters the tree was cut into (camps
    plus clusters too small to be one; 1 for the room as one camp, 0 without camps);
    ``silhouette`` is the mean silhouette of the best split tried (None when no split could be
    scored), kept when it is rejected so that the reason can say by how much; ``split`` is the
    number of camps in that split (0 when none was scored). ``reason`` says why there are camps
    or not (:data:`Reason`), against the settings the room was judged by: ``min_participants``,
    ``min_size`` and ``min_silhouette``. ``ranks`` are the participants' rankings (``(P, N)``),
    kept for :func:`place`; ``method``, ``normalization``, ``params`` and ``overrides`` are
    what they were ranked with.
    """

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    labels: IntArray
    camps: tuple[Camp, ...]
    k: int
    silhouette: float | None
    clear: bool
    reason: Reason
    unassigned: int
    ranks: IntArray
    method: str
    normalization: str
    overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    split: int = 0
    min_participants: int = MIN_PARTICIPANTS
    min_size: int = MIN_SIZE
    min_silhouette: float = MIN_SILHOUETTE

    @property
    def participants(self) -> int:
        return int(self.labels.shape[0])


# ------------------------------------------------------------------------------ distances
def kendall_distances(ranks: npt.ArrayLike) -> FloatArray:
    """``(P, P)`` Kendall distance ``(1 - tau_b) / 2`` between every two rankings ``(P, N)``.

    Equal to ``(1 - kendall_tau_b(r[:, None], r[None, :])) / 2``, computed as a Gram matrix of
    pair signs so that memory grows with ``P × N²``, not ``P² × N²``. Where tau-b is undefined
    (a ranking that ties every option) the distance is 0 to a ranking that also ties
    everything and 1/2 (no association) to any other.
    """
    r = np.asarray(ranks, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] < 2:
        raise InputError("Kendall distances need rankings of at least two options, one per row")
    i, j = np.triu_indices(r.shape[1], k=1)
    signs = np.sign(r[:, i] - r[:, j])
    concordance = signs @ signs.T  # entries are sums of -1/0/1: exact in floating point
    untied = np.abs(signs).sum(axis=1)
    den = np.sqrt(np.outer(untied, untied))
    tau = np.where(den > 0, concordance / np.where(den > 0, den, 1.0), 0.0)
    both_flat = (untied[:, None] == 0) & (untied[None, :] == 0)
    tau = np.where(both_flat, 1.0, tau)
    out: FloatArray = np.clip((1.0 - tau) / 2.0, 0.0, 1.0)
    np.fill_diagonal(out, 0.0)
    return out


def silhouette(distances: FloatArray, labels: IntArray) -> float:
    """Mean silhouette (Rousseeuw 1987) over the whole room, a participant who fits none
    (label -1) counting 0, as a cluster of one does in Rousseeuw's definition; the others'
    ``a`` and ``b`` are taken over the camps alone. Counting those who fit none keeps a cut
    from scoring better by leaving out the people who sit between camps (averaged over the
    camps alone, dropping one near-member can turn a good split into a perfect one). Each camp
    needs two members or more, and there must be two camps."""
    inside = labels >= 0
    groups = np.unique(labels[inside])
    d = distances[np.ix_(inside, inside)]
    member = (labels[inside][:, None] == groups[None, :]).astype(np.float64)  # (P', C)
    sums, sizes = d @ member, member.sum(axis=0)
    own = np.argmax(member, axis=1)
    rows = np.arange(own.size)
    a = sums[rows, own] / (sizes[own] - 1)
    others = sums / sizes
    others[rows, own] = np.inf
    b = others.min(axis=1)
    top = np.maximum(a, b)
    s = np.where(top > 0, (b - a) / np.where(top > 0, top, 1.0), 0.0)
    return float(s.sum() / labels.size)


def _cut(tree: FloatArray, p: int, k: int) -> IntArray:
    """Cluster ids (0 … k-1, in order of each cluster's first row) after the first ``p - k``
    merges of a linkage ``tree`` over ``p`` rows."""
    nodes: list[list[int]] = [[i] for i in range(p)]
    alive = set(range(p))
    for t in range(p - k):  # a loop over merges (fewer than participants), not options
        a, b = int(tree[t, 0]), int(tree[t, 1])
        nodes.append(nodes[a] + nodes[b])
        alive -= {a, b}
        alive.add(p + t)
    out = np.empty(p, dtype=np.int64)
    for c, node in enumerate(sorted(alive, key=lambda n: min(nodes[n]))):
        out[nodes[node]] = c
    return out


# ------------------------------------------------------------------------------ the room
def _check_settings(min_size: int, max_camps: int, min_participants: int, min_sil: float) -> None:
    if min_size < MIN_SIZE:
        raise InputError(
            f"min_size is {min_size}: a camp needs at least {MIN_SIZE} members, so that nobody is "
            "identified by their camp"
        )
    if max_camps < 2:
        raise InputError(f"max_camps is {max_camps}: give 2 or more (one camp is no split)")
    if min_participants < 0:
        raise InputError(f"min_participants is {min_participants}: give 0 or more")
    if not -1.0 <= min_sil <= 1.0:
        raise InputError(f"min_silhouette is {min_sil}: a silhouette lies between -1 and 1")


def find_camps(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Weights,
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    params: Mapping[str, Any] | None = None,
    min_size: int = MIN_SIZE,
    max_camps: int = 4,
    min_participants: int = MIN_PARTICIPANTS,
    min_silhouette: float = MIN_SILHOUETTE,
) -> Camps:
    """The camps of a room from the participants' ``weights`` (any positive scale each).

    ``weights`` are mappings ``{criterion: weight}`` (a missing criterion is 0) or rows in the
    order of ``criteria``. ``overrides`` are adopted scores ``{option: {criterion: value}}``;
    ``params`` the method's parameters (e.g. VIKOR's ``v``), as
    :func:`~policybench.analysis.workshop.group_result` takes them, so that the rankings the
    room is clustered on are the ones the group result shows. See the module docstring for the
    method.

    Raises
    ------
    InputError
        Settings out of range, or weights of the wrong shape.
    WeightsError
        A participant whose weights are negative, not numbers, or all zero (named by row, from 1).
    """
    _check_settings(min_size, max_camps, min_participants, min_silhouette)
    model = room_model(
        catalog,
        options,
        criteria,
        method=method,
        normalization=normalization,
        params=params,
        overrides=overrides,
    )
    opts = model.option_ids
    shares = model.shares(weights)
    p = shares.shape[0]
    notes: list[str] = []
    camps: tuple[Camp, ...] = ()
    found = _Split(np.full(p, -1, dtype=np.int64), 0, None, 0, "too_few")
    ranks = np.zeros((p, len(opts)), dtype=np.int64)
    if p == 0:
        found = replace(found, reason="no_submissions")
    elif p >= min_participants:
        with recorded_caveats() as notes:
            notes += model.notes
            ranks = model.ranks(shares)  # (P, N)
            # canonical order: by ranking, so that nothing depends on the order people joined
            order = np.lexsort(ranks.T[::-1])
            back = np.argsort(order)
            dist = kendall_distances(ranks[order])
            found = _split(dist, min_size, max_camps, min_silhouette)
            found = replace(found, labels=found.labels[back])
            camps = _describe(found.labels, shares, dist[np.ix_(back, back)], model)
    return Camps(
        option_ids=opts,
        criterion_ids=model.criterion_ids,
        labels=found.labels,
        camps=camps,
        k=found.k,
        silhouette=found.silhouette,
        clear=found.reason == "clear",
        reason=found.reason,
        unassigned=int((found.labels < 0).sum()),
        ranks=ranks,
        method=method,
        normalization=model.normalization,
        overrides={o: dict(row) for o, row in (overrides or {}).items()},
        notes=tuple(notes),
        params=dict(model.params),
        split=found.split,
        min_participants=min_participants,
        min_size=min_size,
        min_silhouette=min_silhouette,
    )


@dataclass(frozen=True)
class _Split:
    """How the tree was cut: ``labels`` (-1 fits none), ``k`` clusters, the best
    ``silhouette`` tried with ``split`` camps in it, and the ``reason``."""

    labels: IntArray
    k: int
    silhouette: float | None
    split: int
    reason: Reason


def _split(dist: FloatArray, min_size: int, max_camps: int, min_silhouette: float) -> _Split:
    """The cut of a room in canonical order: labels are camp numbers by size, then by first
    row (-1 fits none); all 0 when the room is one camp."""
    p = dist.shape[0]
    distinct = int(np.unique(dist, axis=0).shape[0])  # rows at distance 0 are equal rows
    best: tuple[tuple[float, int, int], IntArray, int] | None = None
    # one ranking (or one person) has no tree to cut
    tree = linkage(squareform(dist, checks=False), "average") if distinct > 1 else np.empty((0, 4))
    # a cut below the number of distinct rankings never separates two equal rankings
    for k in range(2, min(max_camps, distinct) + 1):
        raw = _cut(tree, p, k)
        sizes = np.bincount(raw, minlength=k)
        keep = np.flatnonzero(sizes >= min_size)
        if keep.size < 2:
            continue
        # number camps by size, then by their first row (rows are in canonical order)
        first = np.array([np.flatnonzero(raw == c)[0] for c in keep])
        ranked = keep[np.lexsort((first, -sizes[keep]))]
        number = np.full(k, -1, dtype=np.int64)
        number[ranked] = np.arange(ranked.size)
        labels = number[raw]
        s = silhouette(dist, labels)
        key = (round(s / _TIE) * _TIE, int((labels >= 0).sum()), -k)
        if best is None or key > best[0]:
            best = (key, labels, k)
    room = np.zeros(p, dtype=np.int64)
    if best is None:
        return _Split(room, 1, None, 0, "same_ranking" if distinct == 1 else "too_small")
    (s_best, _, _), labels, k = best
    count = int(labels.max()) + 1
    if s_best < min_silhouette:
        return _Split(room, 1, s_best, count, "no_clear_split")
    return _Split(labels, k, s_best, count, "clear")


def _describe(
    labels: IntArray, shares: FloatArray, dist: FloatArray, model: RoomModel
) -> tuple[Camp, ...]:
    """Each camp's members, central weights, distinctive criteria, top options and spread."""
    option_ids, criterion_ids = model.option_ids, model.criterion_ids
    count = int(labels.max()) + 1
    members = [np.flatnonzero(labels == c) for c in range(count)]
    central = np.vstack([_central(shares[m]) for m in members])  # (C, M)
    top_ranks = model.ranks(central)
    camps = []
    for c, rows in enumerate(members):  # a loop over camps (at most a handful)
        rest = np.setdiff1d(np.arange(labels.size), rows)
        within = dist[np.ix_(rows, rows)].sum(axis=1) / max(rows.size - 1, 1)
        order = np.lexsort((np.arange(len(option_ids)), top_ranks[c]))[:CAMP_TOP]
        camps.append(
            Camp(
                index=c,
                members=tuple(int(r) for r in rows),
                central=central[c],
                distinctive=_distinctive(shares[rows], shares[rest], criterion_ids),
                top=tuple(option_ids[i] for i in order),
                spread=float(within.max()),
            )
        )
    return tuple(camps)


def _central(shares: FloatArray) -> FloatArray:
    """The members' median share per criterion, rescaled to sum to 1 (their mean when every
    median is 0, which only members with nothing in common can give)."""
    median = np.median(shares, axis=0)
    total = median.sum()
    out: FloatArray = median / total if total > 0 else shares.mean(axis=0)
    return out


def _distinctive(
    camp: FloatArray, rest: FloatArray, criterion_ids: tuple[str, ...]
) -> tuple[Distinctive, ...]:
    """The criteria on which the camp's central weights sit furthest from the rest of the
    room's (both medians rescaled to sum to 1, :func:`_central`, so that a card's percentages
    and its ratios agree): at least :data:`DISTINCTIVE_RATIO` apart and :data:`DISTINCTIVE_GAP`
    apart, at most :data:`MAX_DISTINCTIVE`; none when the camp is the whole room."""
    if rest.shape[0] == 0:
        return ()
    mine, theirs = _central(camp), _central(rest)
    far = np.abs(np.log((mine + _RATIO_FLOOR) / (theirs + _RATIO_FLOOR)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(theirs > 0, mine / np.where(theirs > 0, theirs, 1.0), math.inf)
    apart = (np.abs(mine - theirs) >= DISTINCTIVE_GAP) & (
        (ratio >= DISTINCTIVE_RATIO) | (ratio <= 1 / DISTINCTIVE_RATIO)
    )
    picked = [j for j in np.lexsort((np.arange(far.size), -far)) if apart[j]]
    return tuple(
        Distinctive(criterion_ids[j], float(mine[j]), float(theirs[j]), float(ratio[j]))
        for j in picked[:MAX_DISTINCTIVE]
    )


# ------------------------------------------------------------------------------ you are here
def place(
    camps: Camps,
    weights_row: Mapping[str, float] | npt.ArrayLike,
    catalog: Catalog,
    *,
    params: Mapping[str, Any] | None = None,
) -> int | None:
    """Which camp a participant's weights fall in (its index), or None for "fits none".

    The ranking ``weights_row`` gives (under the model the camps were found with: their
    method, normalisation, adopted scores and ``params``, unless ``params`` is given) is
    compared with the room's. A ranking someone in the room has is in that person's camp (equal
    rankings are never split), so a participant gets their own label. Any other falls in the
    camp whose members are nearest on average (Kendall distance; the lower index on a tie) if
    that mean is within the camp's :attr:`Camp.spread` (no farther from the camp than its own
    least typical member), else in none. Without camps (too few submissions) there is nowhere
    to be: None. Only a camp index comes back, never anyone else's weights or ranking.
    """
    if not camps.camps:
        return None
    crits = camps.criterion_ids
    if isinstance(weights_row, Mapping):
        row = weight_matrix([weights_row], crits)
    else:
        row = np.asarray(weights_row, dtype=np.float64).reshape(1, -1)
    with recorded_caveats():  # the caveats were noted when the camps were found
        model = room_model(
            catalog,
            camps.option_ids,
            crits,
            method=camps.method,
            normalization=camps.normalization,
            params=camps.params if params is None else params,
            overrides=camps.overrides,
        )
        mine = model.ranks(model.shares(row))
    d = kendall_distances(np.vstack([mine, camps.ranks]))[0, 1:]
    same = np.flatnonzero(d == 0)
    if same.size:
        label = int(camps.labels[same[0]])
        return None if label < 0 else label
    means = np.array([d[list(c.members)].mean() for c in camps.camps])
    nearest = int(np.argmin(means))
    return nearest if means[nearest] <= camps.camps[nearest].spread + _TIE else None
