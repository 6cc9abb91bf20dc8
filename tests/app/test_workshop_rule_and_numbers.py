"""The workshop's rule for the group's ranking and the participants' numbers, across both
workshop pages (review fixes of issues 19 and 20), through streamlit.testing on a temporary
SQLite store.

- the facilitator's "Group ranking by" starts from the rule stored on the workshop and writes
  it back; the participant's page and the contested impacts rank by it (a Borda workshop shows
  the same impact text on both pages, computed here from the engine);
- participants are numbered by the order they joined, so a number never shifts when someone
  else submits first;
- right after a round opens, the camps across rounds say it has no submissions yet rather than
  counting everyone as having left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from policybench import catalog
from policybench.analysis.contest import contested
from policybench.present import deliberation_ui
from policybench.store import Facilitator, Store

PASS = "correct horse battery"
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 9.0}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown]
    for kind in ("info", "warning", "success", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return unescape("\n".join(parts))


def html_table(at: AppTest, columns: set[str]) -> pd.DataFrame:
    for table in at.table:
        if columns <= set(table.value.columns):
            return table.value.map(lambda v: unescape(v) if isinstance(v, str) else v)
    raise AssertionError(f"no HTML table with {columns} on the page")


def frame(at: AppTest, columns: set[str]) -> pd.DataFrame:
    found = [df.value for df in at.dataframe if columns <= set(df.value.columns)]
    assert found, f"no table with {columns} on the page"
    return found[0]


@pytest.fixture
def shop(store: Store) -> Facilitator:
    return store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


@pytest.fixture
def facilitator(
    make_app: Callable[..., AppTest], db_url: str, shop: Facilitator
) -> Callable[[], AppTest]:
    def open_() -> AppTest:
        at = make_app(params={"page": "facilitate", "code": shop.code})
        at.session_state["pb.fac.handle"] = shop
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        assert not [x for x in at.warning if "Session State" in x.value], "widget state misused"
        return at

    return open_


def join(
    store: Store, shop: Facilitator, people: Mapping[str, Mapping[str, float]]
) -> dict[str, str]:
    return {name: store.workshops.join(shop.code, name).token for name in people}


def test_the_rule_is_the_workshops_on_both_pages_and_in_the_impacts(
    store: Store,
    shop: Facilitator,
    facilitator: Callable[[], AppTest],
    open_page: Callable[..., AppTest],
) -> None:
    people = {"ana": ANA, "bob": BOB, "cy": CY}
    tokens = join(store, shop, people)
    w = store.workshops
    for name, weights in people.items():
        w.submit(shop.code, tokens[name], dict(weights))
    w.challenge(shop.code, tokens["ana"], "liaison", "feasibility", 9.0, reason="Tokyo")
    w.set_combination(shop, "borda")
    at = facilitator()
    rule = at.selectbox(key="pb.fac.combination")
    assert rule.value == "borda", "starts from the rule stored on the workshop"
    rule.set_value("copeland").run()
    assert not at.exception
    assert w.get(shop.code).combination == "copeland", "the selectbox writes the workshop's rule"
    at.selectbox(key="pb.fac.combination").set_value("borda").run()
    assert w.get(shop.code).combination == "borda"

    # the impact on the facilitator's page is the engine's under Borda
    cat = catalog.load(TINY)
    [cell] = contested(
        cat, OPTIONS, CRITERIA, list(people.values()), w.challenges(shop), combination="borda"
    )
    [mean_cell] = contested(
        cat, OPTIONS, CRITERIA, list(people.values()), w.challenges(shop), combination="mean"
    )
    said = deliberation_ui.impact_short(cell)
    assert said != deliberation_ui.impact_short(mean_cell), "the rule matters in this room"
    table = html_table(at, {"Score challenged", "If the median were adopted"})
    assert list(table["If the median were adopted"]) == [said]

    # the participant's page ranks the group and measures the impact by the same rule
    w.lock(shop)
    w.reveal(shop)
    page = open_page("workshop", code=shop.code, p=tokens["bob"])
    assert not page.exception and not page.error
    assert "the group's ranking is by borda count" in texts(page).lower()
    room = html_table(page, {"Score challenged", "If the median were adopted"})
    assert list(room["If the median were adopted"]) == [said]


def test_participants_are_numbered_by_join_order(
    store: Store, shop: Facilitator, facilitator: Callable[[], AppTest]
) -> None:
    tokens = join(store, shop, {"Aiko": ANA, "Bo": BOB})
    w = store.workshops
    w.submit(shop.code, tokens["Bo"], BOB)  # Bo submits first, but joined second
    at = facilitator()
    assert list(frame(at, {"participant", "tau"})["participant"]) == ["Participant 2"]
    w.submit(shop.code, tokens["Aiko"], ANA)
    at.run()
    versus = frame(at, {"participant", "tau"})
    assert sorted(versus["participant"]) == ["Participant 1", "Participant 2"]
    assert "Participant 3" not in list(versus["participant"])


def test_a_round_just_opened_has_no_submissions_yet_in_the_camps_history(
    store: Store, shop: Facilitator, facilitator: Callable[[], AppTest]
) -> None:
    people = {
        f"p{k}": {"feasibility": 1.0 + k, "deterrence": 5.0, "backlash": 2.0} for k in range(3)
    }
    tokens = join(store, shop, people)
    w = store.workshops
    for name, weights in people.items():
        w.submit(shop.code, tokens[name], dict(weights))
    w.lock(shop)
    w.reveal(shop)
    w.next_round(shop)
    at = facilitator()
    said = texts(at)
    assert "Round 2 has no submissions yet: its camps appear as they arrive." in said
    history = html_table(at, {"Round", "Camps", "Stability"})
    assert list(history["Round"]) == ["1"], "the empty round is not counted as an exodus"
    assert " left" not in " ".join(s for s in said.splitlines() if s.startswith("From round"))
