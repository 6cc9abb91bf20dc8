"""A whole workshop as a report: the group's result from its submissions, in any export format.

Shared by ``policybench export --workshop CODE`` (:mod:`policybench.cli_export`, which opens the
store and checks the facilitator's passphrase first) and the app's facilitator page (which
already holds the facilitator's handle). Both read the submissions from the store and hand them
here, so the file a facilitator downloads and the one the command line writes are the same.

Nothing here touches the store, Streamlit or files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from policybench.analysis import rank_catalog
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.export.report import Report, build_report, group_section


class WorkshopLike(Protocol):
    """What is read of a stored workshop (:class:`policybench.store.Workshop`)."""

    @property
    def title(self) -> str: ...
    @property
    def options(self) -> tuple[str, ...]: ...
    @property
    def criteria(self) -> tuple[str, ...]: ...
    @property
    def state(self) -> str: ...
    @property
    def catalog_fingerprint(self) -> str | None: ...
    @property
    def created_at(self) -> Any: ...


class SubmissionLike(Protocol):
    """What is read of a stored submission (:class:`policybench.store.Submission`)."""

    @property
    def display_name(self) -> str: ...
    @property
    def weights(self) -> Mapping[str, float]: ...
    @property
    def reasons(self) -> Mapping[str, str]: ...


def missing_from_catalog(catalog: Catalog, shop: WorkshopLike) -> list[str]:
    """The workshop's option and criterion ids that ``catalog`` does not have (in order)."""
    return [o for o in shop.options if o not in catalog.options_by_id] + [
        c for c in shop.criteria if c not in catalog.criteria_by_id
    ]


def catalog_note(catalog: Catalog, shop: WorkshopLike) -> str | None:
    """A note when the workshop was created on another version of the catalog, else None."""
    if shop.catalog_fingerprint and shop.catalog_fingerprint != catalog.fingerprint:
        return (
            f"the workshop was created on catalog {shop.catalog_fingerprint[:12]}; "
            f"this export uses {catalog.short_fingerprint}"
        )
    return None


def workshop_report(
    catalog: Catalog,
    shop: WorkshopLike,
    submissions: Sequence[SubmissionLike],
    *,
    methods: Sequence[str] = ("wsm",),
    normalization: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    names: bool = False,
    combine: str = "mean",
    ranking_rule: str = "borda",
    title: str | None = None,
    charts: bool = True,
) -> Report:
    """The workshop's report: the rankings under the group's combined weights (one per
    method), plus the group section (:func:`policybench.export.report.group_section`).

    ``params`` gives each method its own parameters (by method name). Participants appear as
    "participant 1", "participant 2", … unless ``names``. A workshop created on another
    catalog version is noted in the group section's stamp (``"catalog note"``).

    Raises
    ------
    InputError
        No submissions yet, or the workshop uses options or criteria the catalog lacks.
    """
    if not submissions:
        raise InputError(f"workshop {shop.title!r} has no submissions yet: nothing to export")
    missing = missing_from_catalog(catalog, shop)
    if missing:
        raise InputError(
            f"the workshop uses {', '.join(map(repr, missing))}, which this catalog does not "
            "have; export with the catalog it was run on (--options)"
        )
    chosen = list(methods) or ["wsm"]
    own = {m: dict((params or {}).get(m, {})) for m in chosen}
    about: dict[str, Any] = {"state": shop.state, "created_at": shop.created_at.isoformat()}
    note = catalog_note(catalog, shop)
    if note:
        about["catalog note"] = note
    section, combined = group_section(
        catalog,
        title=shop.title,
        option_ids=shop.options,
        criterion_ids=shop.criteria,
        weights=[s.weights for s in submissions],
        names=[s.display_name for s in submissions] if names else None,
        reasons=[s.reasons for s in submissions],
        method=chosen[0],
        normalization=normalization,
        weight_rule=combine,
        ranking_rule=ranking_rule,
        about=about,
        charts=charts,
        **own[chosen[0]],
    )
    label = f"workshop group weights ({combine} of {len(submissions)} participants)"
    rankings = [
        rank_catalog(
            catalog,
            combined,
            method=m,
            normalization=normalization,
            options=shop.options,
            criteria=shop.criteria,
            label=label,
            **own[m],
        )
        for m in chosen
    ]
    return build_report(
        catalog,
        rankings,
        title=title or f"Workshop: {shop.title}",
        sections=[section],
        extra_metadata={"workshop": shop.title, "participants": len(submissions)},
        charts=charts,
    )
