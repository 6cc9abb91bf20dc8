"""The Compare page's tables: ranks under two perspectives, options head to head, every
method side by side.

Long forms feed the charts (:mod:`policybench.present.charts.compare`); wide forms are the
tables shown beneath them. Option and criterion labels come from
:mod:`policybench.present.labels`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from policybench.analysis.rank import MethodAgreement, Ranking, rank_catalog
from policybench.catalog import Catalog
from policybench.present.labels import criterion_label, method_title, movement, option_label


def rank_shift(
    catalog: Catalog,
    profiles: Sequence[tuple[str, Mapping[str, float]]],
    method: str = "wsm",
    *,
    options: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Ranks of the ``options`` in play (default: every option) under two (or more) labelled
    weight profiles, long form.

    Columns: ``option_id``, ``option`` (label), ``profile`` (label), ``position`` (0, 1, …),
    ``rank``, ``shift`` (rank under the first profile minus rank under the last: positive =
    moved up) and ``direction`` (``"up"``, ``"down"``, ``"same"``). A repeated profile label
    is numbered (``"A (2)"``), since the wide table has a column per label.
    """
    if len(profiles) < 2:
        raise ValueError("compare at least two profiles")
    seen: dict[str, int] = {}
    labels = []
    for label, _ in profiles:
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    ranks = [rank_catalog(catalog, w, method=method, options=options).rank_map for _, w in profiles]
    first, last = ranks[0], ranks[-1]
    rows = []
    for oid in first:
        shift = first[oid] - last[oid]
        direction = "up" if shift > 0 else "down" if shift < 0 else "same"
        for k, (label, by_option) in enumerate(zip(labels, ranks, strict=True)):
            rows.append(
                {
                    "option_id": oid,
                    "option": option_label(catalog.options_by_id[oid]),
                    "profile": label,
                    "position": k,
                    "rank": by_option[oid],
                    "shift": shift,
                    "direction": direction,
                }
            )
    return pd.DataFrame(rows)


def shift_table(shift: pd.DataFrame) -> pd.DataFrame:
    """The wide form of :func:`rank_shift`: one row per option, a rank column per profile and
    the ``change`` from the first to the last, sorted by the last."""
    wide = shift.pivot_table(
        index=["option_id", "option"], columns="profile", values="rank", sort=False
    )
    labels = list(dict.fromkeys(shift["profile"]))
    wide = wide[labels].astype(int).reset_index()
    arrows = movement(
        dict(zip(wide["option_id"], wide[labels[-1]].astype(int), strict=True)),
        dict(zip(wide["option_id"], wide[labels[0]].astype(int), strict=True)),
    )
    wide["change"] = wide["option_id"].map(arrows)
    return wide.sort_values(labels[-1], kind="stable").reset_index(drop=True)


def head_to_head(catalog: Catalog, option_ids: Sequence[str]) -> pd.DataFrame:
    """Two or three options criterion by criterion, with each score's range (long form).

    Columns: ``criterion_id``, ``criterion``, ``direction``, ``option_id``, ``option``,
    ``value``, ``low``, ``high``, ``rationale``.
    """
    rows = []
    for crit in catalog.criteria:
        for oid in option_ids:
            option = catalog.options_by_id[oid]
            s = option.scores[crit.id]
            rows.append(
                {
                    "criterion_id": crit.id,
                    "criterion": criterion_label(catalog, crit.id),
                    "direction": crit.direction,
                    "option_id": oid,
                    "option": option_label(option),
                    "value": float(s.value),
                    "low": float(s.low),
                    "high": float(s.high),
                    "rationale": s.rationale,
                }
            )
    return pd.DataFrame(rows)


def head_to_head_table(h2h: pd.DataFrame) -> pd.DataFrame:
    """The wide form of :func:`head_to_head`: a row per criterion, ``value (low–high)`` per
    option."""
    cells = h2h.assign(
        cell=[
            f"{v:g} ({lo:g}–{hi:g})"
            for v, lo, hi in zip(h2h["value"], h2h["low"], h2h["high"], strict=True)
        ]
    )
    wide = cells.pivot_table(
        index="criterion", columns="option", values="cell", aggfunc="first", sort=False
    )
    return wide[list(dict.fromkeys(h2h["option"]))].reset_index()


def method_ranks(catalog: Catalog, agreement: MethodAgreement) -> pd.DataFrame:
    """Every method's ranks side by side: ``option_id``, ``option`` and a rank column per
    method (headed by its name), sorted by the first method."""
    table = pd.DataFrame(
        {
            "option_id": list(agreement.option_ids),
            "option": [option_label(catalog.options_by_id[o]) for o in agreement.option_ids],
        }
    )
    titles = [method_title(m) for m in agreement.methods]
    for k, title in enumerate(titles):
        table[title] = agreement.ranks[k].astype(int)
    return table.sort_values(titles[0], kind="stable").reset_index(drop=True)


def tau_matrix(agreement: MethodAgreement) -> pd.DataFrame:
    """Kendall's tau between methods as a long table (``a``, ``b``, ``tau``) for a heat map."""
    titles = [method_title(m) for m in agreement.methods]
    tau: npt.NDArray[np.float64] = agreement.tau
    return pd.DataFrame(
        [
            {"a": titles[i], "b": titles[j], "tau": float(tau[i, j])}
            for i in range(len(titles))
            for j in range(len(titles))
        ]
    )


def perspectives_table(catalog: Catalog, rankings: Sequence[tuple[str, Ranking]]) -> pd.DataFrame:
    """The same options ranked under two (or more) perspectives, one row per option in the
    first perspective's order: ``option`` (id), ``title``, ``group``, ``baseline``, then for
    each perspective (its key ``K``) ``K:score`` and ``K:rank``, and ``change``: the places
    an option gains from the first perspective to the last (negative: it drops)."""
    if len(rankings) < 2:
        raise ValueError("compare at least two perspectives")
    first = rankings[0][1]
    for _, r in rankings[1:]:
        if r.option_ids != first.option_ids:
            raise ValueError("perspectives to compare must rank the same options")
    rows: list[dict[str, object]] = []
    for i in first.order():
        option = catalog.options_by_id[first.option_ids[i]]
        row: dict[str, object] = {
            "option": option.id,
            "title": option.title,
            "group": catalog.groups_by_id[option.group].name,
            "baseline": bool(option.baseline),
        }
        for key, r in rankings:
            row[f"{key}:score"] = float(r.scores[i])
            row[f"{key}:rank"] = int(r.ranks[i])
        row["change"] = int(first.ranks[i]) - int(rankings[-1][1].ranks[i])
        rows.append(row)
    return pd.DataFrame(rows)
