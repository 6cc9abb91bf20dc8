"""Which options are in play: the default set, and non-compensatory screening.

Two questions come before any weighting, and every front end (the app, ``policybench rank``,
``smaa``, ``frontier``, ``export``) asks them here so that they all answer alike:

- **Which options are ranked.** By default the status quo, the packages and the stand-alone
  recommendations (:attr:`policybench.catalog.Option.ranked_by_default`): a component of a
  package is compared within its package, and an option its source only describes is kept as
  evidence; ``everything=True`` (``rank --all``, the app's toggle) ranks them all.
- **Which options are screened out.** A requirement such as ``achievability>=1`` sets aside
  every option that fails it, whatever its other scores (the UK multi-criteria analysis
  manual's screening; no trade-off can buy an option back). The catalog may declare a default
  screen (``default_screen`` in ``criteria.yaml``), applied unless switched off.

Screening is on the catalog's scores, not on the normalised values: a requirement reads as the
catalog's anchors do ("achievability 0: no government of that country could adopt it").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policybench.catalog import Catalog, Requirement
from policybench.errors import InputError


@dataclass(frozen=True)
class ScreenedOut:
    """An option set aside, with every requirement it fails (``"achievability 0 < 1"``)."""

    option: str
    failed: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """The options in play after choosing the set and applying the screen, in catalog order.

    ``requirements`` is the screen that was applied (the catalog's default first, then the
    user's); ``screened_out`` lists what it set aside; ``everything`` says whether components
    and described options were included.
    """

    options: tuple[str, ...]
    screened_out: tuple[ScreenedOut, ...]
    requirements: tuple[Requirement, ...]
    everything: bool

    @property
    def expressions(self) -> tuple[str, ...]:
        """The screen as the command line writes it, for stamps and URLs."""
        return tuple(r.expression for r in self.requirements)


def candidates(catalog: Catalog, *, everything: bool = False) -> tuple[str, ...]:
    """The options ranked before any screen: the default set, or every option."""
    return tuple(o.id for o in catalog.options if everything or o.ranked_by_default)


def select(
    catalog: Catalog,
    requirements: Sequence[Requirement] = (),
    *,
    everything: bool = False,
    default_screen: bool = True,
    options: Sequence[str] | None = None,
) -> Selection:
    """The options in play under ``requirements`` (and the catalog's default screen unless
    ``default_screen`` is False), among ``options`` if given, else :func:`candidates`.

    Raises :class:`~policybench.errors.InputError` when a requirement names a criterion the
    catalog does not have, or when nothing is left to rank (the message says which
    requirements emptied the list, so the user can relax them).
    """
    screen = (*(catalog.default_screen if default_screen else ()), *requirements)
    for req in screen:
        if req.criterion not in catalog.criteria_by_id:
            raise InputError(
                f"requirement {req.expression!r} names unknown criterion {req.criterion!r}; "
                f"the criteria are: {', '.join(catalog.criterion_ids)}"
            )
    pool = tuple(options) if options is not None else candidates(catalog, everything=everything)
    kept: list[str] = []
    out: list[ScreenedOut] = []
    for oid in pool:
        option = catalog.options_by_id[oid]
        failed = tuple(
            f
            for req in screen
            if (f := req.failure(option.scores[req.criterion].value)) is not None
        )
        if failed:
            out.append(ScreenedOut(oid, failed))
        else:
            kept.append(oid)
    if len(kept) < 2:
        what = ", ".join(r.expression for r in screen)
        left = "no option" if not kept else f"only {kept[0]!r}"
        raise InputError(
            f"the screen {what} leaves {left} to rank (at least two are needed); "
            "relax a requirement" + ("" if everything else ", or rank every option with --all")
        )
    return Selection(tuple(kept), tuple(out), screen, everything)
