"""policybench.export.stamp: the stamp's fields and the lines that say them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from policybench import __version__
from policybench.analysis.rank import rank_catalog
from policybench.catalog import Catalog
from policybench.export.stamp import (
    method_entry,
    option_set_text,
    provenance,
    slug,
    stamp_lines,
    utc_timestamp,
)


def test_utc_timestamp_is_iso_8601_utc() -> None:
    when = datetime(2025, 3, 4, 5, 6, 7, 891, tzinfo=timezone(timedelta(hours=9)))
    assert utc_timestamp(when) == "2025-03-03T20:06:07Z"
    assert utc_timestamp(datetime(2025, 3, 4, 5, 6, 7)) == "2025-03-04T05:06:07Z"  # naive: UTC
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", utc_timestamp())


def test_a_method_entry_is_the_rankings_provenance(tiny: Catalog) -> None:
    ranking = rank_catalog(tiny, method="promethee2", preference="linear", q=1.0, p=3.0)
    entry = method_entry("promethee2", "the title", ranking)
    assert entry["label"] == "promethee2" and entry["title"] == "the title"
    assert entry["method"] == "promethee2" and entry["normalization"] == ranking.normalization
    assert entry["params"]["preference"] == "linear" and entry["params"]["p"] == 3.0
    assert entry["name"] != "promethee2"  # the method's name as people read it


def test_provenance_ends_every_stamp(tiny: Catalog) -> None:
    ranking = rank_catalog(tiny)
    given = provenance(ranking, timestamp="2025-01-31T09:30:00Z")
    assert given == {
        "catalog_fingerprint": tiny.short_fingerprint,
        "policybench_version": __version__,
        "generated_at": "2025-01-31T09:30:00Z",
    }
    when = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)
    assert provenance(ranking, version="9.9", timestamp=when)["policybench_version"] == "9.9"
    assert provenance(ranking, timestamp=when)["generated_at"] == "2025-01-31T09:30:00Z"


def test_the_stamp_in_words() -> None:
    meta = {
        "profile": "Tokyo (preset)",
        "methods": [{"name": "Weighted sum", "title": "wsm (scale)"}],
        "weights": {"a": 0.25, "b": 0.75},
        "all": False,
        "screen": ["a>=1"],
        "screened_out": [{"option": "x"}],
        "catalog_fingerprint": "0123456789ab",
        "policybench_version": "1.0",
        "generated_at": "2025-01-31T09:30:00Z",
    }
    assert option_set_text(meta) == "default set, screen a>=1 (1 set aside)"
    assert option_set_text({**meta, "all": True, "screen": []}) == "every option, no screen"
    assert option_set_text({"profile": "p"}) == ""
    assert stamp_lines(meta) == [
        "Tokyo (preset) · Weighted sum, wsm (scale) · default set, screen a>=1 (1 set aside)",
        "weights: a 0.250, b 0.750",
        "catalog 0123456789ab · policybench 1.0 · 2025-01-31T09:30:00Z",
    ]
    assert slug("Tokyo (preset) — v2") == "tokyo-preset-v2" and slug("…") == "x"
