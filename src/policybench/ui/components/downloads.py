"""Download buttons for what a page shows (CSV, Excel, Markdown, an HTML brief), built as
``policybench export`` builds them: the ranking of the options in play (Rank, Robustness) or
the Compare page's comparison of two perspectives (:func:`show_compare`).

Each file is named after its stamp (:func:`policybench.export.file_name`: the perspective or
profile, the method, the options in play, the catalog and the time) and carries it inside, but
for the CSV, which holds the table alone: its stamp comes as a small text file beside it.

Files are built only when asked for (a button), then cached on the inputs, so a slider move
never pays for an export. Owns the keys under the ``key`` each call is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from policybench.analysis.bands import bands_catalog
from policybench.analysis.frontier import frontier_catalog
from policybench.analysis.rank import Ranking, rank_catalog
from policybench.analysis.screen import Selection
from policybench.catalog import Catalog
from policybench.export import (
    MEDIA_TYPES,
    file_name,
    render_bytes,
    stamp_bytes,
    stamp_path,
)
from policybench.export.bands import bands_section
from policybench.export.compare import Perspective, compare_report
from policybench.export.map import default_axes, map_section
from policybench.export.report import Report, Section, build_report
from policybench.export.stamp import describe_weights
from policybench.present.text import widget_label
from policybench.ui import state
from policybench.ui.cache import by_catalog, freeze
from policybench.ui.components.text import note

#: The formats offered, with their button labels.
LABELS = {"csv": "CSV", "xlsx": "Excel", "markdown": "Markdown", "html": "HTML brief"}
WHAT = (
    "Each file's name says what it holds: the perspective, the method, the options in play, "
    "the catalog and the time. Inside, each is stamped with the weights, the method, the "
    "options in play and what the screen set aside, the catalog and the version, and all but "
    "the CSV carry the quotes with their citations. The CSV holds the table alone, in UTF-8 "
    "that Excel reads; its stamp is the small text file beside it."
)


@dataclass(frozen=True)
class File:
    """A file to download: its name, content and media type."""

    name: str
    data: bytes
    mime: str


def profile_of(catalog: Catalog, weights: Mapping[str, float]) -> tuple[str, str]:
    """The weights' name and file-name key: the preset's (``"Tokyo (preset)"``, ``"tokyo"``)
    when they are exactly a preset's, else ``"custom weights"``."""
    preset = state.matching_preset(catalog, weights)
    return describe_weights(catalog, "custom weights", None if preset == state.CUSTOM else preset)


def page_report(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    fmt: str,
    selection: Selection | None = None,
) -> Report:
    """The report of the ranking a page shows: the options in play (``selection``; default
    every option) under ``weights`` and ``method``, named after the weights' preset."""
    name, key = profile_of(catalog, weights)
    options = selection.options if selection is not None else None
    ranking = rank_catalog(catalog, dict(weights), method=method, label=name, options=options)
    preset = state.matching_preset(catalog, weights)
    return build_report(
        catalog,
        [ranking],
        title=f"policybench: {name}",
        weights_given=dict(weights),
        preset=None if preset == state.CUSTOM else preset,
        profile=(name, key),
        selection=selection,
        charts=fmt == "html",
        sections=_bands_and_map(catalog, weights, ranking, fmt, selection, name),
    )


def _bands_and_map(
    catalog: Catalog,
    weights: Mapping[str, float],
    ranking: Ranking,
    fmt: str,
    selection: Selection | None,
    name: str,
) -> list[Section]:
    """The likely ranks of the ranking shown (the Rank page's bands: same draws, same seed),
    and in the HTML brief the map of impact against achievability, as ``policybench export
    --bands`` writes them."""
    drawn = bands_catalog(catalog, dict(weights), method=ranking.method, options=ranking.option_ids)
    sections = [bands_section(drawn, catalog)]
    axes = default_axes(catalog)
    if fmt == "html" and axes is not None:
        placed = frontier_catalog(
            catalog, dict(weights), x=axes[0], y=axes[1], options=ranking.option_ids, label=name
        )
        screen = selection.expressions if selection is not None else ()
        sections.append(map_section(placed, catalog, screen=screen))
    return sections


def page_export(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    fmt: str,
    selection: Selection | None = None,
) -> bytes:
    """The comparison under ``weights`` and ``method`` as a file in ``fmt``."""
    return render_bytes(fmt, page_report(catalog, weights, method, fmt, selection))


def _files(report: Report, fmt: str) -> list[File]:
    """The file of ``report`` in ``fmt``, and a CSV's stamp beside it."""
    name = file_name(report, fmt)
    out = [File(name, render_bytes(fmt, report), MEDIA_TYPES[fmt])]
    if fmt == "csv":
        out.append(File(stamp_path(name).name, stamp_bytes(report), "text/plain"))
    return out


@by_catalog(max_entries=32)
def _export(
    catalog: Catalog, weights: Mapping[str, float], method: str, fmt: str, selection: Selection
) -> list[File]:
    return _files(page_report(catalog, weights, method, fmt, selection), fmt)


def _scope(selection: Selection) -> tuple[object, ...]:
    """What the cache must tell apart: the options in play and the screen."""
    return (selection.options, selection.expressions, selection.everything)


def _buttons(files_of: Callable[[str], list[File]], key: str) -> None:
    columns = st.columns(len(LABELS))
    for column, (fmt, label) in zip(columns, LABELS.items(), strict=True):
        files = files_of(fmt)
        column.download_button(
            label,
            data=files[0].data,
            file_name=files[0].name,
            mime=files[0].mime,
            key=f"{key}.{fmt}",
            width="stretch",
            help=f"{files[0].name}",
        )
        for extra in files[1:]:
            column.download_button(
                "Its stamp (text)",
                data=extra.data,
                file_name=extra.name,
                mime=extra.mime,
                key=f"{key}.{fmt}.stamp",
                width="stretch",
                type="tertiary",
                help=f"{extra.name}: the weights, method, options in play and catalog of the CSV",
            )


def _prepared(key: str, inputs: object) -> bool:
    """A "prepare" button until the files for ``inputs`` are asked for."""
    wanted = f"{key}.ready"
    if st.session_state.get(wanted) == inputs:
        return True
    if st.button("Prepare the files", key=f"{key}.prepare"):
        st.session_state[wanted] = inputs
        return True
    return False


def show(catalog: Catalog, weights: Mapping[str, float], method: str, *, key: str) -> None:
    """A "prepare" button, then one download button per format for the ranking shown: the
    options in play (:func:`policybench.ui.state.selection`) under the weights and method."""
    selection = state.selection(catalog)
    inputs = (catalog.fingerprint, state.key_of(weights), method)
    with st.expander("Download this ranking (CSV, Excel, Markdown, HTML brief)"):
        note(WHAT)
        if not _prepared(key, (*inputs, _scope(selection))):
            return
        with st.spinner("Preparing…"):
            _buttons(lambda fmt: _export(catalog, weights, method, fmt, selection), key)


@by_catalog(max_entries=16)
def _compare_export(
    catalog: Catalog,
    perspectives: Sequence[Perspective],
    method: str,
    head_to_head: Sequence[str],
    under: Perspective,
    fmt: str,
    selection: Selection,
) -> list[File]:
    report = compare_report(
        catalog,
        perspectives,
        method=method,
        selection=selection,
        head_to_head=head_to_head,
        methods_under=under,
        charts=fmt == "html",
    )
    return _files(report, fmt)


def show_compare(
    catalog: Catalog,
    perspectives: Sequence[Perspective],
    method: str,
    *,
    head_to_head: Sequence[str],
    methods_under: Perspective,
    key: str,
) -> None:
    """The Compare page's own download: the options in play ranked under each of
    ``perspectives`` side by side (the CSV's table), the ``head_to_head`` options criterion by
    criterion and every method under ``methods_under`` (the other files' sections)."""
    selection = state.selection(catalog)
    inputs = (catalog.fingerprint, perspectives, method, tuple(head_to_head), methods_under)
    names = " against ".join(p.name for p in perspectives)
    label = f"Download this comparison: {widget_label(names)} (CSV, Excel, Markdown, HTML brief)"
    with st.expander(label):
        note(
            "The CSV: each option's score and rank under each perspective, and the places it "
            "gains or loses. The other files add each perspective's ranking, the options head "
            "to head, every method's ranking and the quotes. " + WHAT
        )
        if not _prepared(key, freeze((*inputs, _scope(selection)))):
            return
        with st.spinner("Preparing…"):
            _buttons(
                lambda fmt: _compare_export(
                    catalog, perspectives, method, head_to_head, methods_under, fmt, selection
                ),
                key,
            )
