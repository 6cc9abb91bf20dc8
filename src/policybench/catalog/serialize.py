"""The catalog as plain JSON-ready data: the schema ``policybench catalog --json`` prints
(DESIGN.md pins its field names; extra fields are allowed, these stay)."""

from __future__ import annotations

from typing import Any

from policybench.catalog.models import Catalog, Quote


def quote_dict(q: Quote) -> dict[str, Any]:
    return {"source": q.source, "text": q.text, "stance": q.stance}


def catalog_dict(catalog: Catalog) -> dict[str, Any]:
    """Every criterion, source, group, option and preset, plus the fingerprint."""
    return {
        "criteria": [
            {
                "id": c.id,
                "name": c.name,
                "description": c.description,
                "direction": c.direction,
                "cluster": c.cluster,
                "scale_min": int(c.scale_min),
                "scale_max": int(c.scale_max),
                "levels": {str(k): v for k, v in sorted(c.levels.items())},
                "quotes": [quote_dict(q) for q in c.quotes],
                "actors": list(c.actors) if c.actors is not None else None,
            }
            for c in catalog.criteria
        ],
        "sources": [
            {
                "id": s.id,
                "file": s.file,
                "authors": list(s.authors),
                "title": s.title,
                "year": s.year,
                "publisher": s.publisher,
                "citation": s.citation,
            }
            for s in catalog.sources
        ],
        "groups": [
            {"id": g.id, "name": g.name, "description": g.description} for g in catalog.groups
        ],
        "options": [
            {
                "id": o.id,
                "title": o.title,
                "group": o.group,
                "summary": o.summary,
                "baseline": o.baseline,
                "recommendation": o.recommendation,
                "recommendation_quote": quote_dict(o.recommendation_quote)
                if o.recommendation_quote
                else None,
                "part_of": o.part_of,
                "ranked_by_default": o.ranked_by_default,
                "sources": list(o.sources),
                "quotes": [quote_dict(q) for q in o.quotes],
                "scores": {
                    cid: {
                        "value": s.value,
                        "low": s.low,
                        "high": s.high,
                        "rationale": s.rationale,
                        "quotes": [quote_dict(q) for q in s.quotes],
                        "evidence": s.evidence,
                        "actors": dict(s.actors) if s.actors is not None else None,
                    }
                    for cid, s in ((cid, o.scores[cid]) for cid in catalog.criterion_ids)
                },
            }
            for o in catalog.options
        ],
        "presets": [
            {
                "id": p.id,
                "name": p.name,
                "description": p.description,
                "weights": {cid: p.weights[cid] for cid in catalog.criterion_ids},
                "quotes": [quote_dict(q) for q in p.quotes],
            }
            for p in catalog.presets
        ],
        "default_screen": [
            {
                "criterion": r.criterion,
                "at_least": r.at_least,
                "at_most": r.at_most,
                "expression": r.expression,
                "reason": r.reason,
            }
            for r in catalog.default_screen
        ],
        "fingerprint": catalog.fingerprint,
    }
