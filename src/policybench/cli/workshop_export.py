"""The workshop part of ``policybench export``: ``--workshop CODE`` in any report format, and
``--format patch``.

A workshop is read from the store with the facilitator's passphrase (``$POLICYBENCH_WORKSHOP_
PASSPHRASE``, else a hidden prompt, asked for only once the code is known): its rounds, every
live challenge, the challenges as the room saw them at each reveal, and the facilitator's
decisions (:func:`read`). The group's ranking uses the rule the facilitator chose for the
workshop (stored with it, as its pages use it) unless ``--group-ranking`` names another
(:func:`rules`). :func:`report` builds the
report the facilitator's downloads build (:func:`policybench.export.workshop_report.
workshop_report`); :func:`write_patch` writes the adopted scores as a patch against the
catalog directory in use (``--options``), with paths relative to the root of the git
repository that holds it (:func:`repo_path`), so that ``git apply`` at that root applies it.
With no score adopted there is nothing to patch: a message, exit 0, and no file (DESIGN.md has
no exit code for an empty result; an empty file is not a patch ``git apply`` takes).

The join code never appears in what this writes: it lets anyone join while the workshop is
open.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from policybench.errors import InputError

if TYPE_CHECKING:
    from policybench.catalog import Catalog
    from policybench.export.report import Report
    from policybench.store import Challenge, ScoreDecision, Submission, Workshop

PASSPHRASE_ENV = "POLICYBENCH_WORKSHOP_PASSPHRASE"
#: Where a catalog outside any git repository is taken to sit (DESIGN.md's layout).
DEFAULT_REPO_PATH = "options"


@dataclass(frozen=True)
class Record:
    """What is read of a workshop for its export."""

    shop: Workshop
    rounds: Mapping[int, Sequence[Submission]]
    challenges: Sequence[Challenge]
    decisions: Sequence[ScoreDecision]
    seen: Mapping[int, Sequence[Challenge]] = field(default_factory=dict)
    joined: Sequence[str] = ()  # display names in the order people joined

    @property
    def latest(self) -> Sequence[Submission]:
        """The latest round's submissions that has any ([] when none has)."""
        from policybench.analysis.rounds import latest_submitted

        latest = latest_submitted(self.rounds)
        return [] if latest is None else self.rounds[latest]


def flags(*, named: bool, option_set: bool, bands: bool) -> None:
    """Refuse, as a usage error, what does not apply to a workshop: weights of its own (they
    are the participants'), an option set (it ranks the options it was run on) and the
    likely ranks (drawn for a profile's ranking)."""
    if named:
        raise typer.BadParameter(
            "a workshop's weights are its participants': leave out --profile, --preset and "
            "--weights",
            param_hint="--workshop",
        )
    if option_set:
        raise typer.BadParameter(
            "a workshop ranks the options it was run on: leave out --all, --require and "
            "--no-default-screen",
            param_hint="--workshop",
        )
    if bands:
        raise typer.BadParameter(
            "the likely ranks are drawn for a profile's ranking: leave out --bands",
            param_hint="--workshop",
        )


def passphrase() -> str:
    """The facilitator's passphrase: ``$POLICYBENCH_WORKSHOP_PASSPHRASE``, else a hidden prompt
    (never a command-line option, which other users of the machine could read)."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    return str(typer.prompt("Facilitator passphrase", hide_input=True))


def read(code: str, secret: Callable[[], str], *, db: str | None) -> Record:
    """The workshop ``code``: its rounds, challenges and decisions, with the facilitator's
    passphrase (``secret`` is called once the code is known to exist)."""
    from policybench.store import open_store

    with open_store(db) as store:
        shop = store.workshops.get(code)
        facilitator = store.workshops.verify_facilitator(code, secret())
        seen = {
            r: store.workshops.challenges(facilitator, round=r)
            for r in range(1, shop.visible_round + 1)  # a loop over the revealed rounds
        }
        return Record(
            shop,
            store.workshops.rounds(facilitator),
            store.workshops.challenges(facilitator),
            store.workshops.decisions(facilitator),
            seen,
            [p.display_name for p in store.workshops.participants(facilitator)],
        )


def rules(
    stored: str, combine: str | None, group_ranking: str | None
) -> tuple[str, str | None, str | None]:
    """``(combination, weight rule, ranking rule)`` for the group result: the group's ranking
    by ``group_ranking`` when given, else by the workshop's ``stored`` rule; ``combine`` sets
    how weights are combined where the group's ranking is not itself a rule on weights (a
    ranking by weights uses its own rule: giving another is a usage error)."""
    from policybench import group

    combination = group_ranking or stored
    if combine is not None and combination in group.WEIGHT_RULES and combine != combination:
        raise typer.BadParameter(
            f"the group's ranking is by the {combination} of the weights: --combine {combine} "
            f"would contradict it; give --group-ranking {combine} instead",
            param_hint="--combine",
        )
    return combination, combine, None


def report(
    cat: Catalog,
    record: Record,
    *,
    methods: list[str],
    normalization: str | None,
    params: dict[str, dict[str, Any]],
    names: bool,
    combine: str | None,
    group_ranking: str | None,
    title: str | None,
    charts: bool,
    top_k: int,
) -> Report:
    """The workshop's report, as the app's facilitator page builds it (a note on stderr when
    the workshop ran on another version of the catalog); the group's ranking by the
    workshop's own rule unless ``group_ranking`` (see :func:`rules`)."""
    from policybench.export.workshop_report import catalog_note, workshop_report

    combination, weight_rule, ranking_rule = rules(record.shop.combination, combine, group_ranking)
    built = workshop_report(
        cat,
        record.shop,
        record.latest,
        methods=methods,
        normalization=normalization,
        params=params,
        names=names,
        combination=combination,
        weight_rule=weight_rule,
        ranking_rule=ranking_rule,
        title=title,
        charts=charts,
        rounds=record.rounds,
        challenges=record.challenges,
        seen=record.seen,
        decisions=record.decisions,
        joined=record.joined,
        top_k=top_k,
    )
    note = catalog_note(cat, record.shop)
    if note:
        typer.echo(f"note: {note}", err=True)
    return built


def repo_path(catalog_dir: Path) -> str:
    """Where ``catalog_dir`` sits in the git repository that holds it (the nearest folder
    above it with a ``.git``): the patch's paths start there. ``"."`` when the catalog is the
    repository; :data:`DEFAULT_REPO_PATH` when no repository holds it."""
    here = catalog_dir.resolve()
    for root in (here, *here.parents):
        if (root / ".git").exists():
            return here.relative_to(root).as_posix() or "."
    return DEFAULT_REPO_PATH


def write_patch(cat: Catalog, record: Record, out: str) -> str:
    """Write the adopted scores as a patch at ``out`` (``-``: standard output; a folder: a
    file named after the workshop and the catalog); what was done, for stderr."""
    from policybench.export import write_text
    from policybench.export.patch import EXTENSION
    from policybench.export.stamp import slug
    from policybench.export.workshop_report import catalog_note, workshop_patch

    note = catalog_note(cat, record.shop)
    if note:
        typer.echo(f"note: {note}", err=True)
    adopted = sum(d.decision == "adopted" for d in record.decisions)
    text = workshop_patch(
        cat.root,
        cat,
        record.shop,
        record.decisions,
        record.challenges,
        repo_path=repo_path(cat.root),
    )
    title = record.shop.title
    if not text:
        decided = len(record.decisions)
        why = (
            f"{decided} decision{'s' if decided != 1 else ''}, none adopted"
            if decided
            else "no decision yet"
        )
        return (
            f"nothing to patch: no score was adopted in workshop {title!r} ({why}); no file written"
        )
    if out == "-":
        typer.echo(text, nl=False)
        where = "standard output"
    else:
        stem = f"policybench-{slug(title)}-catalog-patch-{cat.short_fingerprint}"
        target = Path(out) / f"{stem}{EXTENSION}" if Path(out).is_dir() else Path(out)
        try:
            where = str(write_text(target, text))
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return (
        f"wrote {where} (catalog patch: {adopted} score{'s' if adopted != 1 else ''} adopted in "
        f"workshop {title!r}, against catalog {cat.short_fingerprint}); apply it with "
        "`git apply` at the repository's root, then run `policybench validate`"
    )
