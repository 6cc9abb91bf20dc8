"""policybench.ui.chart_structures: compiled chart structures kept on disk, read back by the
next process without Altair, and never a source of errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policybench.export import charts
from policybench.ui import chart_structures

TABLE = pd.DataFrame({"option": ["A", "B (baseline)"], "score": [0.7, 0.2], "baseline": [False, True]})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "charts"


def _prepared(method: str = "TOPSIS") -> charts.Prepared:
    return charts.score_data(TABLE, method=method)


def _stored(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json"))


def test_a_structure_is_compiled_once_then_read_from_disk(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _prepared()
    first = chart_structures.structure(p.spec, p.args)
    assert first == chart_structures.compile_structure(p.spec, p.args)
    assert "datasets" not in first and first["layer" if "layer" in first else "mark"]
    (stored,) = _stored(cache)
    assert json.loads(stored.read_text(encoding="utf-8")) == first

    def no_compiling(*_: Any) -> dict[str, Any]:
        raise AssertionError("compiled although it is on disk")

    monkeypatch.setattr(chart_structures, "compile_structure", no_compiling)
    assert chart_structures.structure(p.spec, p.args) == first


def test_other_arguments_are_another_structure(cache: Path) -> None:
    a, b = _prepared("TOPSIS"), _prepared("VIKOR")
    spec_a = chart_structures.structure(a.spec, a.args)
    spec_b = chart_structures.structure(b.spec, b.args)
    assert spec_a != spec_b and "VIKOR" in json.dumps(spec_b) and "VIKOR" not in json.dumps(spec_a)
    assert len(_stored(cache)) == 2


def test_changed_code_or_altair_makes_stored_structures_stale(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    p = _prepared()
    chart_structures.structure(p.spec, p.args)
    edited = tmp_path / "chart_specs.py"
    edited.write_text(chart_structures.SOURCES[0].read_text(encoding="utf-8") + "\n# edited\n")
    monkeypatch.setattr(chart_structures, "SOURCES", (edited, chart_structures.SOURCES[1]))
    chart_structures._stamp.cache_clear()
    try:
        chart_structures.structure(p.spec, p.args)
    finally:
        chart_structures._stamp.cache_clear()
    assert len(_stored(cache)) == 2


def test_a_damaged_file_is_compiled_again_and_rewritten(cache: Path) -> None:
    p = _prepared()
    good = chart_structures.structure(p.spec, p.args)
    (stored,) = _stored(cache)
    for damage in ('{"mark": ', "[1, 2]", ""):
        stored.write_text(damage, encoding="utf-8")
        assert chart_structures.structure(p.spec, p.args) == good
        assert json.loads(stored.read_text(encoding="utf-8")) == good


def test_an_unwritable_cache_still_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(blocker))
    p = _prepared()
    assert chart_structures.structure(p.spec, p.args) == chart_structures.compile_structure(p.spec, p.args)
    assert [f.name for f in tmp_path.iterdir()] == ["not-a-folder"]  # no stray temporary file


def test_arguments_without_a_json_form_are_compiled_not_stored(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_structures, "compile_structure", lambda name, args: {"compiled": name})
    assert chart_structures.structure("score_spec", (float("nan"), "m", "t")) == {"compiled": "score_spec"}
    assert chart_structures.structure("score_spec", (object(), "m", "t")) == {"compiled": "score_spec"}
    assert _stored(cache) == []


def test_only_the_newest_structures_are_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_structures, "MAX_FILES", 3)
    monkeypatch.setattr(chart_structures, "compile_structure", lambda name, args: {"rows": args[0]})
    for rows in range(5):
        chart_structures.structure("score_spec", (rows, "m", "t"))
        path = chart_structures._path("score_spec", (rows, "m", "t"))
        assert path is not None
        os.utime(path, (1_000_000 + rows, 1_000_000 + rows))  # written in this order
    kept = {json.loads(f.read_text(encoding="utf-8"))["rows"] for f in _stored(cache)}
    assert kept == {2, 3, 4}


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POLICYBENCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert chart_structures.cache_dir() == tmp_path / "xdg" / "policybench"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert chart_structures.cache_dir() == tmp_path / "home" / ".cache" / "policybench"
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", "~/elsewhere")
    assert chart_structures.cache_dir() == tmp_path / "home" / "elsewhere"


def test_a_new_process_draws_a_stored_structure_without_importing_altair(tmp_path: Path) -> None:
    """What a restarted server gains: the landing chart's structure with no Altair import."""
    script = textwrap.dedent(
        """
        import json, sys
        import pandas as pd
        from policybench.export import charts
        from policybench.ui import chart_structures
        table = pd.DataFrame({"option": ["A", "B"], "score": [0.7, 0.2], "baseline": [False, True]})
        p = charts.score_data(table, method="TOPSIS")
        spec = chart_structures.structure(p.spec, p.args)
        print(json.dumps({"altair": "altair" in sys.modules, "spec": spec}))
        """
    )
    env = {**os.environ, "POLICYBENCH_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    first, second = run(), run()
    assert first["altair"] is True  # compiled: a first start needs Altair
    assert second["altair"] is False and second["spec"] == first["spec"]
