"""Hostile input to the catalog loader: random YAML structures, wrong types, huge numbers,
deep nesting, long text, invalid UTF-8 and mangled copies of valid files. The outcome is
always a valid catalog or a CatalogError of ``path:line: message`` lines; never another
exception, never a hang (sizes and depth are bounded by the loader itself)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policybench.catalog import Catalog, load
from policybench.errors import CatalogError

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
FILES = ["criteria.yaml", "sources.yaml", "groups.yaml", "presets.yaml", "policies/summits.yaml"]
PROBLEM = re.compile(r"^.+:\d+: .+$")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "id",
            "value",
            "range",
            "quotes",
            "benefit",
            "cost",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "\u202e",
            "x" * 5000,
        ]
    ),
)
keys = st.one_of(
    st.sampled_from(
        [
            "id",
            "name",
            "criteria",
            "sources",
            "groups",
            "presets",
            "scores",
            "value",
            "range",
            "quotes",
            "text",
            "source",
            "stance",
            "weights",
            "levels",
            "direction",
            "cluster",
            "summary",
            "title",
            "group",
        ]
    ),
    st.text(max_size=12),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=40,
)


def _outcome(root: Path) -> None:
    try:
        result = load(root)
    except CatalogError as exc:
        assert exc.problems, "a CatalogError must list its problems"
        for line in exc.problems:
            assert PROBLEM.match(line), line
    else:
        assert isinstance(result, Catalog)


def _fresh(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "catalog"
    shutil.copytree(TINY, root)
    return root


@settings(
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(which=st.sampled_from(FILES), tree=trees)
def test_random_structures_in_any_file(tmp_path_factory, which: str, tree: object) -> None:
    root = _fresh(tmp_path_factory)
    (root / which).write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    _outcome(root)


@settings(
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(which=st.sampled_from(FILES), data=st.data())
def test_mangled_copies_of_valid_files(tmp_path_factory, which: str, data: st.DataObject) -> None:
    root = _fresh(tmp_path_factory)
    raw = bytearray((root / which).read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        at = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at : at + data.draw(st.integers(1, 40))]
        elif op == "insert":
            raw[at:at] = data.draw(
                st.sampled_from(
                    [
                        b": ",
                        b"- ",
                        b"\n  ",
                        b"{",
                        b"[",
                        b"&a ",
                        b"*a",
                        b"!!python/object:os.system ",
                        b"\xff\xfe",
                        b"'",
                        b'"',
                        b"\t",
                    ]
                )
            )
        else:
            raw[at:at] = raw[at : at + 30]
    (root / which).write_bytes(bytes(raw))
    _outcome(root)


def test_megabytes_of_text_are_refused_quickly(tmp_path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(TINY, root)
    (root / "policies" / "summits.yaml").write_text("summary: " + "x" * 3_000_000 + "\n")
    try:
        load(root)
    except CatalogError as exc:
        assert any("limit" in p for p in exc.problems)
    else:  # pragma: no cover - the assertion above must hold
        raise AssertionError("an oversized file must be refused")


def test_billion_laughs_is_refused(tmp_path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(TINY, root)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (root / "groups.yaml").write_text(bomb)
    try:
        load(root)
    except CatalogError as exc:
        assert any("aliases are not allowed" in p for p in exc.problems)
    else:  # pragma: no cover
        raise AssertionError("aliases must be refused")
