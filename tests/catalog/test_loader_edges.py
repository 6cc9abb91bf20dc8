"""Edges of the catalog loader's checks that mutation testing found unguarded
(docs/TESTING.md): every bad source file is reported, not only the first; a preset's quotes
are checked verbatim as an option's are; a missing sources file, or source texts folder, is
one clear problem that names it. Each test names the mutant it kills
(mutmut's names, under ``policybench.catalog.loader.``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policybench.catalog import load
from policybench.errors import CatalogError

NISHINO = "004_619887759c692b52.txt"
GLOSSERMAN = "001_a2f3abc2dd5c69ac.txt"


def _catalog(tiny_options: Path, tmp_path: Path, *edits: tuple[str, str, str]) -> Path:
    """A copy of the tiny catalog with text replaced: ``(file, old, new)`` each."""
    root = tmp_path / "catalog"
    shutil.copytree(tiny_options, root)
    for rel, old, new in edits:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def _problems(root: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(root)  # problems are reported relative to the working directory
    with pytest.raises(CatalogError) as info:
        load(".", seeds_dir)
    return list(info.value.problems)


def test_every_source_file_that_is_not_a_plain_name_is_reported(
    tiny_options: Path, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_source_texts`` 29 (``break`` for ``continue``): the second bad file is named too."""
    root = _catalog(
        tiny_options,
        tmp_path,
        ("sources.yaml", f"file: {NISHINO}", f"file: texts/{NISHINO}"),
        ("sources.yaml", f"file: {GLOSSERMAN}", f"file: ../{GLOSSERMAN}"),
    )
    assert _problems(root, seeds_dir, monkeypatch) == [
        f"sources.yaml:4: file 'texts/{NISHINO}' must be a plain file name in the sources folder",
        f"sources.yaml:9: file '../{GLOSSERMAN}' must be a plain file name in the sources folder",
    ]


def test_a_bad_source_file_does_not_stop_the_next_sources_quotes_being_checked(
    tiny_options: Path, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_source_texts`` 29 again: after a bad first file, the second source is still read,
    so a quote that is not in it is still caught (here the hawk preset's, one word changed)."""
    root = _catalog(
        tiny_options,
        tmp_path,
        ("sources.yaml", f"file: {NISHINO}", f"file: texts/{NISHINO}"),
        ("presets.yaml", "threaten to undermine", "threaten to weaken"),
    )
    assert _problems(root, seeds_dir, monkeypatch) == [
        f"presets.yaml:13: quote not found verbatim in {GLOSSERMAN} (whitespace folded): "
        "'Those frictions threaten to weaken the united front essential to counter and ...'",
        f"sources.yaml:4: file 'texts/{NISHINO}' must be a plain file name in the sources folder",
    ]


def test_a_preset_quote_that_is_not_verbatim_is_reported(
    tiny_options: Path, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_Checker.preset`` 47: a preset's quotes are checked like an option's; the message
    names the file and line, the source file and the quote as written."""
    root = _catalog(
        tiny_options, tmp_path, ("presets.yaml", "threaten to undermine", "threaten to weaken")
    )
    assert _problems(root, seeds_dir, monkeypatch) == [
        f"presets.yaml:13: quote not found verbatim in {GLOSSERMAN} (whitespace folded): "
        "'Those frictions threaten to weaken the united front essential to counter and ...'"
    ]


def test_a_catalog_without_its_sources_file_says_so_and_nothing_else(
    tiny_options: Path, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``load`` 27: sources.yaml is validated only when it was read; a missing one is one
    clear problem, not a crash."""
    root = _catalog(tiny_options, tmp_path)
    (root / "sources.yaml").unlink()
    assert _problems(root, seeds_dir, monkeypatch) == [
        "sources.yaml:0: missing file sources.yaml: every catalog needs one"
    ]


def test_a_source_texts_folder_that_is_not_there_is_named(
    tiny_options: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_source_texts`` 3: the message names the folder given."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CatalogError) as info:
        load(tiny_options, tmp_path / "nowhere")
    assert info.value.problems == ["nowhere:0: source texts folder not found (--sources DIR)"]
