"""Rank bands in files: a report section with each option's likely ranks and the draws that
made them (samples, seed, percentiles), in every format that writes sections (XLSX, JSON,
Markdown, HTML)."""

from __future__ import annotations

import pandas as pd

from policybench.analysis.bands import RankBands
from policybench.catalog import Catalog
from policybench.export.report import Section
from policybench.present.bands import bands_sentence, with_bands


def bands_table(bands: RankBands, catalog: Catalog) -> pd.DataFrame:
    """One row per option, by point rank (ties in catalog order): ``rank``, ``rank_low``,
    ``rank_high``, ``likely ranks``, ``option``, ``title``, ``first`` (the share of draws in
    which it ranks first)."""
    order = sorted(range(len(bands.option_ids)), key=lambda i: (int(bands.rank[i]), i))
    table = pd.DataFrame(
        {
            "rank": [int(bands.rank[i]) for i in order],
            "option": [bands.option_ids[i] for i in order],
            "title": [catalog.options_by_id[bands.option_ids[i]].title for i in order],
            "first": [float(bands.first[i]) for i in order],
        }
    )
    return with_bands(table, bands)


def bands_section(bands: RankBands, catalog: Catalog) -> Section:
    """The bands of one ranking as a report section, stamped with how they were drawn."""
    about = {
        **bands.about(),
        "method": bands.method,
        "normalization": bands.normalization,
        "meaning": bands_sentence(bands),
    }
    table = bands_table(bands, catalog)
    return Section("bands", "Likely ranks", about, (("Likely ranks", table),))
