"""What the formats share: how each column's numbers are written, the columns' names as people
read them (:func:`header`: the tables keep machine ids, ``score:deterrence``, which JSON
writes as they are), the comparison table's banded headers, and the report's stamp as
``(label, text)`` pairs (:func:`metadata_items`) or as a text file (:func:`stamp_text`)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from policybench.export.report import RankingPart, Report

#: Decimals of every non-integer number people read in an export (scores, weights, shares).
DECIMALS = 3
#: Decimals, at most, of a 0–10 score that is not the catalog's own (a median of proposals, an
#: adopted value): as a room reads a score, without the noise of a mean ("6.25", "6.33").
SCALE_DECIMALS = 2
#: The columns of a workshop's tables that hold 0–10 scores other than the catalog's columns
#: (:mod:`policybench.export.deliberation`): the catalog's score beside the room's proposals,
#: medians and adopted values.
SCALE_COLUMNS = frozenset(
    {
        "catalog score",
        "catalog low",
        "catalog high",
        "median proposal",
        "proposals iqr",
        "lowest proposal",
        "highest proposal",
        "proposed score",
        "proposed low",
        "proposed high",
        "adopted score",
        "adopted low",
        "adopted high",
    }
)


def kind(column: str) -> str:
    """How a column's numbers are shown: ``rank``, ``raw`` (the catalog's 0–10 scores),
    ``scale`` (other 0–10 scores, :data:`SCALE_COLUMNS`), ``share``, ``weight`` or
    ``float``."""
    if column == "rank" or column.endswith(":rank") or column.endswith(" rank"):
        return "rank"
    if column.startswith(("score:", "low:", "high:")):
        return "raw"
    if column in SCALE_COLUMNS:
        return "scale"
    if column in {"first", "confidence", "agreement"} or column.startswith("rank "):
        return "share"
    if column == "weight" or column.startswith("weight:") or column.endswith(":weight"):
        return "weight"
    return "float"


def is_missing(value: Any) -> bool:
    """None, NaN, ``pd.NA`` or ``pd.NaT``."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    return value is pd.NA or value is pd.NaT


def format_value(column: str, value: Any) -> str:
    """A cell as text for Markdown and HTML: ranks as integers, the catalog's 0–10 scores as
    given, other 0–10 scores to :data:`SCALE_DECIMALS` decimals at most, every other number to
    :data:`DECIMALS` decimals; booleans as yes/no; missing as empty."""
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value) + 0.0  # + 0.0: no "-0.000"
        shown = kind(column)
        if shown == "rank" and v.is_integer():
            return str(int(v))
        if shown == "raw":
            return f"{v:g}"
        if shown == "scale":
            return f"{round(v, SCALE_DECIMALS) + 0.0:g}"
        return f"{round(v, DECIMALS) + 0.0:.{DECIMALS}f}"  # -0.0001 too: "0.000", not "-0.000"
    return str(value)


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN becomes null, numpy scalars and arrays become Python values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA:
        return None
    return value


def criterion_names(report: Report) -> dict[str, str]:
    """``{criterion id: name}`` of the criteria in the report."""
    return dict(zip(report.criteria["criterion"], report.criteria["name"], strict=True))


def prefix_names(report: Report) -> dict[str, str]:
    """The column prefixes of the comparison table as people read them: each method by its
    name (``wsm`` → ``"Weighted sum"``; with its normalisation when a method comes twice),
    or each perspective by its name in a comparison of perspectives."""
    m = report.metadata
    if report.kind == "compare":
        return {p["key"]: str(p["name"]) for p in m.get("perspectives", [])}
    methods = m["methods"]
    names = [str(x.get("name") or x["method"]) for x in methods]
    return {
        x["label"]: (n if names.count(n) == 1 else x["title"])
        for x, n in zip(methods, names, strict=True)
    }


#: Fixed column names as people read them.
PLAIN = {
    "rank": "Rank",
    "option": "Option id",
    "title": "Option",
    "group": "Group",
    "baseline": "Status quo",
    "score": "Score",
    "criterion": "Criterion id",
    "name": "Criterion",
    "cluster": "Cluster",
    "direction": "Direction",
    "weight": "Weight (share)",
    "where": "Where",
    "preset": "Preset",
    "stance": "Stance",
    "quote": "Quote",
    "source": "Source id",
    "citation": "Citation",
    "rationale": "Rationale",
    "change": "Places gained",
    "first": "Ranked first (share)",
    "confidence": "Confidence",
    "participant": "Participant",
    "reason": "Reason",
    "method": "Method",
    "kendall w": "Kendall's W",
    "kendall w p-value": "Kendall's W: p-value",
}


def part_title(report: Report, part: RankingPart) -> str:
    """A ranking's heading: ``"Weighted sum — wsm (scale)"`` (a perspective's already names
    itself and its method)."""
    if report.kind == "compare":
        return part.title
    name = prefix_names(report).get(part.label, part.label)
    return part.title if name == part.title else f"{name} — {part.title}"


def header(report: Report, column: str) -> str:
    """A column's name as people read it: ``score:deterrence`` → ``"Deterrence: score"``,
    ``wsm:contribution:deterrence`` → ``"Weighted sum: Deterrence adds"``, ``wsm:rank`` →
    ``"Weighted sum: rank"``, ``rank 3`` → ``"Rank 3 (share)"``."""
    if column in PLAIN:
        return PLAIN[column]
    names = criterion_names(report)
    prefixes = prefix_names(report)
    options = dict(zip(report.comparison["option"], report.comparison["title"], strict=True))
    parts = column.split(":")
    if len(parts) == 2:
        head, tail = parts
        if head in {"score", "low", "high"} and tail in names:
            return f"{names[tail]}: {head}"
        if head == "contribution" and tail in names:
            return f"{names[tail]} adds"
        if head == "weight":
            if tail in names:
                return f"{names[tail]}: weight"
            if tail in prefixes:
                return f"Weight: {prefixes[tail]}"
        if head == "rank" and tail in options:
            return f"{options[tail]}: rank"
        if head in prefixes and tail in {"total", "score"}:
            return f"{prefixes[head]}: score"
        if head in prefixes and tail == "rank":
            return f"{prefixes[head]}: rank"
    if len(parts) == 3 and parts[1] == "contribution" and parts[0] in prefixes:
        return f"{prefixes[parts[0]]}: {names.get(parts[2], parts[2])} adds"
    if column.startswith("rank ") and column[5:].isdigit():
        return f"Rank {column[5:]} (share)"
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


def headers(report: Report, columns: Any) -> list[str]:
    """:func:`header` of each column."""
    return [header(report, str(c)) for c in columns]


def bands(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """The comparison table's columns grouped under a band label, each with a short header:
    ``[("Option", [("option", "Id"), ("title", "Option"), ...]), ("Feasibility (benefit)",
    [("score:feasibility", "Score"), ...]), ("Weighted sum", [...])]``."""
    names = criterion_names(report)
    directions = dict(zip(report.criteria["criterion"], report.criteria["direction"], strict=True))
    prefixes = prefix_names(report)
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for col in report.comparison.columns:
        parts = col.split(":")
        if len(parts) == 1:
            band, short = "Option", PLAIN.get(col, col)
        elif parts[0] in {"score", "low", "high"}:
            band = f"{names.get(parts[1], parts[1])} ({directions.get(parts[1], '')})"
            short = parts[0].capitalize()
        else:
            band = prefixes.get(parts[0], parts[0])
            if parts[1] == "contribution":
                short = f"{names.get(parts[2], parts[2])} adds"
            else:
                short = "Score" if parts[1] in {"total", "score"} else parts[1].capitalize()
        if out and out[-1][0] == band:
            out[-1][1].append((col, short))
        else:
            out.append((band, [(col, short)]))
    return out


def about_text(value: Any) -> str:
    """A section's stamp value as short text: a statistic (Kendall's W, a p-value) to three
    significant digits, a mapping of numbers (weights) as ``k=v`` pairs to :data:`DECIMALS`
    decimals, nothing as ``n/a``."""
    value = jsonable(value)
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
    ):
        return ", ".join(f"{k}={v:.{DECIMALS}f}" for k, v in value.items())
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def about_items(about: dict[str, Any]) -> list[tuple[str, str]]:
    """A section's stamp as ``(label, text)`` pairs."""
    return [(str(k), about_text(v)) for k, v in about.items()]


_STAMP_KEYS = {
    "title",
    "profile",
    "profile_key",
    "perspectives",
    "methods",
    "weights",
    "weights_given",
    "options",
    "criteria",
    "all",
    "screen",
    "screened_out",
    "catalog_fingerprint",
    "policybench_version",
    "generated_at",
}


def _weights(weights: Any) -> str:
    return ", ".join(f"{k}={v:.{DECIMALS}f}" for k, v in weights.items())


def metadata_items(report: Report) -> list[tuple[str, str]]:
    """The stamp as ``(label, text)`` pairs, in a fixed order, for Markdown, HTML, XLSX and
    the CSV's stamp file: the weights' source (the perspective or profile by name), the
    method(s), the weights, the options in play and what the screen set aside, then the
    catalog, version and time."""
    m = report.metadata
    kind = "perspectives" if report.kind == "compare" else "weights from"
    items: list[tuple[str, str]] = [(kind, str(m["profile"]))]
    for i, meth in enumerate(m["methods"], start=1):
        params = ", ".join(f"{k}={json.dumps(jsonable(v))}" for k, v in meth["params"].items())
        name = meth.get("name") or meth["method"]
        items.append(
            (
                f"method {i}" if len(m["methods"]) > 1 else "method",
                f"{name}, {meth['title']}" + (f"; parameters: {params}" if params else ""),
            )
        )
    if "perspectives" in m:
        items += [(f"weights: {p['name']}", _weights(p["weights"])) for p in m["perspectives"]]
    else:
        items.append(("weights", _weights(m["weights"])))
    if "weights_given" in m:
        given = ", ".join(f"{k}={v:g}" for k, v in m["weights_given"].items())
        items.append(("weights as given", given))
    items += [(k, about_text(v)) for k, v in m.items() if k not in _STAMP_KEYS]
    if "all" in m:
        items.append(
            (
                "options in play",
                f"{len(m['options'])}: "
                + (
                    "every option (packages, their components and described options too)"
                    if m["all"]
                    else "the default set (packages and stand-alone recommendations)"
                ),
            )
        )
        items.append(("screen", ", ".join(m["screen"]) or "none"))
        out = m.get("screened_out") or []
        items.append(
            (
                "set aside by the screen",
                "; ".join(f"{o['title']} [{o['option']}]: {', '.join(o['failed'])}" for o in out)
                or "none",
            )
        )
    else:
        items.append(("options", str(len(m["options"]))))
    items += [
        ("catalog fingerprint", str(m["catalog_fingerprint"])),
        ("policybench version", str(m["policybench_version"])),
        ("generated at", str(m["generated_at"])),
    ]
    return items


def stamp_text(report: Report) -> str:
    """The stamp as a small text file (what a CSV, which holds the table alone, is sent with):
    the title, then one ``label: value`` line per item of :func:`metadata_items`."""
    lines = [str(report.title), ""]
    lines += [f"{k}: {v}" for k, v in metadata_items(report)]
    return "\n".join(lines) + "\n"


def option_quote_rows(quotes: pd.DataFrame) -> pd.DataFrame:
    """An option's own quotes in a quotes table: the one that makes it a recommendation, then
    the others."""
    return quotes[quotes["where"].isin(["recommendation", "option"])]
