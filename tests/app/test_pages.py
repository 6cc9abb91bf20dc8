"""Every page, through streamlit.testing: smoke tests on the shipped and the tiny catalog,
the Evidence page's escaping and search, Compare, Robustness, Criteria, and the error paths."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from policybench import catalog, mcda
from policybench.analysis import rank as analysis_rank
from policybench.errors import CatalogError
from policybench.present.labels import method_title, option_label
from policybench.ui import state
from policybench.ui.app import PAGES
from policybench.ui.components import errors
from support import controls

ROOT = Path(__file__).resolve().parents[2]
TITLES = {
    "screens/rank.py": "Rank the options",
    "screens/evidence.py": "Evidence behind every score",
    "screens/compare.py": "Compare",
    "screens/robustness.py": "How robust is the ranking?",
    "screens/criteria.py": "The criteria",
    "screens/glossary.py": "Glossary",
}
#: The pages of issue 4 (the workshop pages are tested in test_workshop.py, with their store).
SCREENS = list(TITLES)
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) **bold** :red[red] $x^2$ <img src=x onerror=alert(2)>"


#: Text in which every ASCII punctuation character is backslash-escaped.
INERT = re.compile(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~\\])*")


def unescape(markdown: str) -> str:
    """Undo policybench's backslash escapes and drop its invisible word joiners (for
    comparing shown text with the catalog)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def unmarked(markdown: str) -> str:
    """Shown text with the search's marks taken off, unescaped."""
    return unescape(re.sub(r":violet\[\*\*(.*?)\*\*\]", r"\1", markdown))


@pytest.mark.parametrize("page", SCREENS)
@pytest.mark.parametrize("which", ["shipped", "tiny"])
def test_every_page_draws_without_error(make_app, tiny_options, page: str, which: str) -> None:
    options = ROOT / "options" if which == "shipped" else tiny_options
    at = make_app(options=options).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == TITLES[page]
    assert len(at.get("vega_lite_chart")) >= (
        1 if page in {"screens/rank.py", "screens/compare.py", "screens/robustness.py"} else 0
    )


def test_each_page_file_defines_main_and_runs_it_only_as_a_script() -> None:
    assert set(SCREENS) <= {f"screens/{file}" for file, _, _ in PAGES}
    for file, _, _ in PAGES:
        text = (ROOT / "src" / "policybench" / "ui" / "screens" / file).read_text()
        assert "def main() -> None:" in text
        assert text.rstrip().endswith('if __name__ == "__main__":\n    main()')


# ------------------------------------------------------------------------------ Evidence
@pytest.fixture
def hostile_catalog(copy_catalog) -> Path:
    """The tiny catalog with a quote and a rationale full of HTML and Markdown."""
    root = copy_catalog()
    path = root / "policies" / "summits.yaml"
    text = path.read_text()
    anchor = "    rationale: Test rationale for summits on feasibility.\n    quotes:\n"
    assert anchor in text
    text = text.replace(
        anchor,
        f"    rationale: 'Rationale with <b>html</b> and [a link](http://example.com)'\n    quotes:\n"
        f"      - source: nishino-2017\n        stance: cautions\n        text: '{HOSTILE}'\n",
    )
    path.write_text(text)
    catalog.load(root)  # the loader accepts it: verbatim checks run only with --sources
    return root


def test_evidence_shows_script_quotes_as_text(make_app, hostile_catalog) -> None:
    at = make_app(options=hostile_catalog).run()
    at.switch_page("screens/evidence.py").run()
    at.session_state["pb.evidence.card.summits"] = True
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    quote = [m for m in shown if "script" in m]
    assert len(quote) == 1
    text = quote[0]
    assert text.startswith(":orange-badge[cautions] ")
    body = text.split("“", 1)[1].split("”", 1)[0]
    assert unescape(body) == HOSTILE
    # nothing in it can act as HTML or Markdown: every ASCII punctuation character is escaped
    assert INERT.fullmatch(body), body
    rationale = [m for m in shown if "Rationale with" in m]
    assert rationale and INERT.fullmatch(rationale[0])
    assert unescape(rationale[0]) == "Rationale with <b>html</b> and [a link](http://example.com)"


def cards(at):
    """The Evidence page's option cards (the sidebar's "Saved profiles" expander excluded)."""
    return [e for e in at.expander if e.label != "Saved profiles"]


def test_evidence_cards_open_lazily(make_app) -> None:
    at = make_app().run()
    at.switch_page("screens/evidence.py").run()
    assert len(cards(at)) == 4
    assert not any("Test rationale" in m.value for m in at.markdown)
    at.session_state["pb.evidence.card.liaison"] = True
    at.run()
    assert any("Test rationale for liaison" in unescape(m.value) for m in at.markdown)
    cited = [
        unescape(m.value)
        for m in at.markdown
        if "Brad Glosserman" in m.value or "Junya Nishino" in m.value
    ]
    assert cited, "quotes carry their citation"


def test_evidence_search_and_filters(make_app, tiny_options) -> None:
    at = make_app().run()
    at.switch_page("screens/evidence.py").run()
    at.text_input(key="pb.evidence.search").input("rationale for SUMMITS   on deterrence").run()
    labels = [unmarked(e.label) for e in cards(at)]
    assert labels == ["Regular summits · Dialogue"], labels  # only it holds every word
    assert ":violet[**summits**]" in cards(at)[0].label, "the match is marked in the title"
    at.session_state["pb.evidence.card.summits"] = True
    at.run()
    assert any("matches the search" in m.value for m in at.markdown)
    marked = [m.value for m in at.markdown if "Test rationale" in unmarked(m.value)]
    assert ":violet[**deterrence**]" in " ".join(marked)
    at.text_input(key="pb.evidence.search").input("").run()
    at.multiselect(key="pb.evidence.groups").set_value(["status-quo"]).run()
    assert [unescape(e.label) for e in cards(at)] == ["Status quo (baseline) · Status quo"]
    at.text_input(key="pb.evidence.search").input("nothing like this anywhere").run()
    assert not cards(at)
    assert any("No option matches" in i.value for i in at.info)


def test_evidence_comes_most_relevant_first(make_app) -> None:
    """ "liaison" is liaison's title and in all three of its rationales, and only in one quote
    of each other option: liaison first, the others after it in catalog order."""
    at = make_app().run()
    at.switch_page("screens/evidence.py").run()
    at.text_input(key="pb.evidence.search").input("LIAISON").run()
    labels = [unmarked(e.label).split(" · ")[0] for e in cards(at)]
    assert labels == [
        "Liaison officers",
        "Status quo (baseline)",
        "Regular summits",
        "A 2+2 meeting",
    ]
    assert any("most relevant first" in m.value for m in at.markdown)


def test_the_evidence_view_lives_in_the_address(make_app) -> None:
    at = make_app().run()
    at.switch_page("screens/evidence.py").run()
    at.text_input(key="pb.evidence.search").input("liaison").run()
    at.multiselect(key="pb.evidence.groups").set_value(["dialogue"]).run()
    at.session_state["pb.evidence.card.summits"] = True
    at.run()
    params = {k: str(v) for k, v in at.query_params.items() if k in state.EVIDENCE_PARAMS}
    assert params == {"q": "liaison", "group": "dialogue", "option": "summits"}
    # the address reopens the same view in a new session
    again = make_app(params={"page": "evidence", **params}).run()
    assert not again.exception
    assert again.text_input(key="pb.evidence.search").value == "liaison"
    assert again.multiselect(key="pb.evidence.groups").value == ["dialogue"]
    assert unmarked(cards(again)[0].label).startswith("Regular summits"), "the linked card first"
    assert any("Test rationale for summits" in unmarked(m.value) for m in again.markdown)
    # closing the card takes it out of the address
    again.session_state["pb.evidence.card.summits"] = False
    again.run()
    assert "option" not in again.query_params


def test_a_link_opens_an_options_card(make_app) -> None:
    at = make_app(params={"page": "evidence", "option": "two-plus-two"}).run()
    assert not at.exception
    assert at.title[0].value == "Evidence behind every score"
    assert unescape(cards(at)[0].label) == "A 2+2 meeting · Dialogue"
    assert any("Test rationale for two-plus-two" in unescape(m.value) for m in at.markdown)
    assert at.query_params["option"] == "two-plus-two"
    # a link naming no option says so, and lists every option
    bad = make_app(params={"page": "evidence", "option": "<b>nope</b>", "group": "zzz"}).run()
    assert not bad.exception
    said = " ".join(unescape(w.value) for w in bad.warning)
    assert "option: unknown “<b>nope</b>”" in said and "group: unknown “zzz”" in said
    assert len(cards(bad)) == 4


def test_search_marks_stay_text(make_app, hostile_catalog) -> None:
    """Marking a match escapes the catalog's text first: the hostile quote, searched for a
    word inside its markup, still shows as its own characters, nothing in it live."""
    at = make_app(options=hostile_catalog).run()
    at.switch_page("screens/evidence.py").run()
    at.text_input(key="pb.evidence.search").input("alert").run()
    at.session_state["pb.evidence.card.summits"] = True
    at.run()
    quote = [m.value for m in at.markdown if "script" in m.value]
    assert len(quote) == 1
    body = quote[0].split("“", 1)[1].split("”", 1)[0]
    assert body.count(":violet[**alert**]") == 3
    plain = re.sub(r":violet\[\*\*(.*?)\*\*\]", r"\1", body)
    assert INERT.fullmatch(plain), plain
    assert unescape(plain) == HOSTILE


# ------------------------------------------------------------------------------ Criteria
def test_criteria_page_shows_definitions_levels_and_quotes(make_app, tiny_options) -> None:
    at = make_app().run()
    at.switch_page("screens/criteria.py").run()
    cat = catalog.load(tiny_options)
    text = "\n".join(unescape(m.value) for m in at.markdown)
    for crit in cat.criteria:
        assert crit.description in text
        for level, meaning in crit.levels.items():
            assert f"**{level}**: {meaning}" in text
        for quote in crit.quotes:
            assert " ".join(quote.text.split()) in text
    assert "Cost: a higher score is worse" in text


def test_the_criteria_page_explains_cost_scale_and_weakest_link(make_app) -> None:
    from policybench.present.glossary import define

    at = make_app(options=ROOT / "options").run()
    at.switch_page("screens/criteria.py").run()
    helped = {m.value: m.help for m in at.markdown if m.help}
    weakest = [v for k, v in helped.items() if k.startswith("**A weakest link:**")]
    assert weakest == [define("weakest-link")], "once, on the criterion scored by actors"
    assert define("scale") in helped.values() and define("cost") in helped.values()


# ------------------------------------------------------------------------------ Glossary
def test_the_glossary_lists_every_term_with_an_anchor(make_app) -> None:
    from policybench.present.glossary import TERMS

    at = make_app().run()
    at.switch_page("screens/glossary.py").run()
    assert not at.exception
    assert [h.value for h in at.subheader] == [t.name for t in TERMS]
    assert [h.proto.anchor for h in at.subheader] == [t.id for t in TERMS]
    shown = {m.value for m in at.markdown}
    assert all(t.definition in shown for t in TERMS)


# ------------------------------------------------------------------------------ Compare
def test_compare_page_ranks_every_method_and_their_agreement(make_app, tiny_options) -> None:
    at = make_app().run()
    at.switch_page("screens/compare.py").run()
    assert not at.exception
    cat = catalog.load(tiny_options)
    p = catalog.to_problem(cat, {"feasibility": 1, "deterrence": 1, "backlash": 1})
    table = next(d.value for d in at.dataframe if "TOPSIS" in d.value.columns)
    for method in mcda.METHODS:
        norm = mcda.METHODS[method].catalog_normalization
        ranks = dict(
            zip(
                p.option_ids,
                mcda.rank(mcda.score(p.matrix, p.weights, p.types, method, norm)),
                strict=True,
            )
        )
        col = method_title(method)
        by_label = {option_label(cat.options_by_id[o]): o for o in p.option_ids}
        assert {
            by_label[label]: int(r) for label, r in zip(table["option"], table[col], strict=True)
        } == ranks
    assert len(at.get("vega_lite_chart")) == 3  # slope, head to head, agreement


def test_compare_needs_two_profiles_and_two_options(make_app) -> None:
    at = make_app().run()
    at.switch_page("screens/compare.py").run()
    at.selectbox(key="pb.compare.right").set_value("current").run()
    assert any("two different profiles" in i.value for i in at.info)
    at.multiselect(key="pb.compare.options").set_value(["summits"]).run()
    assert any("at least two options" in i.value for i in at.info)
    assert not at.exception


# ------------------------------------------------------------------------------ Robustness
def test_robustness_opens_with_the_verdict_and_shows_its_shift(make_app, tiny_options) -> None:
    """Equal weights: the verdict's smallest shift (1/24 of the weight, to 2+2) is the very
    one "What would it take?" shows first."""
    at = make_app().run()
    at.switch_page("screens/robustness.py").run()
    assert not at.exception
    assert at.subheader[0].value == "Verdict: :orange-background[Fragile]"
    assert at.subheader[0].proto.anchor == "results"
    lines = next(m.value for m in at.markdown if m.value.startswith("- ") and "See " in m.value)
    assert "[See What would it take?](#what-would-it-take)" in lines
    assert "[See SMAA](#smaa)" in lines and "(rank?" in lines
    assert at.selectbox(key="pb.robust.option").value == "two-plus-two"
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Moving 4.2\u00a0% of the total weight between criteria puts A 2+2 meeting first" in said
    anchors = {h.proto.anchor for h in at.header}
    assert {"one-criterion", "stability", "what-would-it-take", "smaa"} <= anchors


def test_what_it_takes_applies_weights_that_put_the_option_first(make_app, tiny_options) -> None:
    at = make_app().run()
    at.switch_page("screens/robustness.py").run()
    assert not at.exception
    at.selectbox(key="pb.robust.option").set_value("liaison").run()
    apply = next(b for b in at.button if b.label == "Apply these weights to the sliders")
    apply.click().run()
    assert not at.exception
    weights = controls.weights(at)
    assert weights != {"feasibility": 10.0, "deterrence": 10.0, "backlash": 10.0}
    cat = catalog.load(tiny_options)
    p = catalog.to_problem(cat, weights)
    ranks = dict(
        zip(
            p.option_ids,
            mcda.rank(mcda.score(p.matrix, p.weights, p.types, "wsm", "scale")),
            strict=True,
        )
    )
    assert ranks["liaison"] == 1
    assert sum(r == 1 for r in ranks.values()) == 1, "first outright, not tied"


def test_smaa_runs_on_request_with_a_progress_bar(make_app) -> None:
    at = make_app().run()
    at.switch_page("screens/robustness.py").run()
    before = len(at.get("vega_lite_chart"))
    assert any("press Run" in i.value for i in at.info)
    at.select_slider(key="pb.robust.samples").set_value(1_000).run()
    at.checkbox(key="pb.robust.uncertain").check().run()
    next(b for b in at.button if b.label == "Run").click().run()
    assert not at.exception
    assert not at.error
    assert len(at.get("vega_lite_chart")) == before + 2


def test_smaa_samples_around_the_current_weights_unless_asked_for_every_weighting(
    make_app, tiny_options
) -> None:
    from policybench.analysis.rank import smaa_catalog

    at = make_app(params={"preset": "hawk"}).run()
    at.switch_page("screens/robustness.py").run()
    assert at.select_slider(key="pb.robust.spread").value == 0.1
    at.select_slider(key="pb.robust.samples").set_value(1_000).run()
    next(b for b in at.button if b.label == "Run").click().run()
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "1,000 samples of weights within ±0.1 of the current ones" in said
    cat = catalog.load(tiny_options)
    around = smaa_catalog(cat, cat.presets_by_id["hawk"].weights, samples=1_000, delta=0.1)
    whole = smaa_catalog(cat, cat.presets_by_id["hawk"].weights, samples=1_000)
    assert not np.allclose(around.result.rank_acceptability, whole.result.rank_acceptability)
    at.select_slider(key="pb.robust.spread").set_value("whole").run()
    next(b for b in at.button if b.label == "Run").click().run()
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "1,000 samples of every possible weighting" in said


def test_slow_methods_compute_on_request(make_app) -> None:
    at = make_app(params={"method": "topsis"}).run()
    at.switch_page("screens/robustness.py").run()
    labels = [b.label for b in at.button]
    assert "Compute stability intervals" in labels and "Find the nearest weights" in labels
    next(b for b in at.button if b.label == "Compute stability intervals").click().run()
    assert not at.exception
    assert any(
        "criterion" in d.value.columns and "top_from" in d.value.columns for d in at.dataframe
    )


# ------------------------------------------------------------------------------ errors
def test_a_broken_catalog_shows_every_problem(make_app, copy_catalog) -> None:
    root = copy_catalog()
    crit = root / "criteria.yaml"
    crit.write_text(crit.read_text().replace("direction: cost", "direction: sideways"))
    summits = root / "policies" / "summits.yaml"
    summits.write_text(summits.read_text().replace("value: 7", "value: 17"))
    with pytest.raises(CatalogError) as info:
        catalog.load(root)
    problems = info.value.problems
    assert len(problems) >= 2

    at = make_app(options=root).run()
    assert not at.exception
    assert at.title[0].value == "The catalog could not be loaded"
    shown = at.code[0].value.splitlines()
    assert shown == problems
    assert all(re.match(r"^.+:\d+: .+", line) for line in shown)
    assert not at.slider


def test_a_catalog_edit_shows_on_the_next_rerun(make_app, copy_catalog) -> None:
    root = copy_catalog()
    at = make_app(options=root).run()
    assert "Regular summits" in set(at.dataframe[0].value["title"])
    path = root / "policies" / "summits.yaml"
    path.write_text(
        path.read_text().replace("title: Regular summits", "title: Summits every season")
    )
    at.run()
    assert "Summits every season" in set(at.dataframe[0].value["title"])
    path.write_text(path.read_text().replace("value: 7", "value: 70"))
    at.run()
    assert at.title[0].value == "The catalog could not be loaded"


def test_an_unexpected_exception_shows_a_message_not_a_traceback(make_app, monkeypatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail that should stay in the log")

    monkeypatch.setattr(analysis_rank, "rank_problem", boom)
    at = make_app().run()
    assert not at.exception
    assert [e.value for e in at.error] == [errors.UNEXPECTED]
    assert "internal detail" not in " ".join(m.value for m in at.markdown)


def test_scores_on_screen_match_the_engine_for_the_shipped_catalog(make_app) -> None:
    root = ROOT / "options"
    at = make_app(options=root).run()
    table = at.dataframe[0].value
    cat = catalog.load(root)
    p = catalog.to_problem(cat, state.default_weights(cat))
    scores = dict(
        zip(p.option_ids, mcda.score(p.matrix, p.weights, p.types, "wsm", "scale"), strict=True)
    )
    np.testing.assert_allclose(
        table["score"].to_numpy(dtype=float), [scores[o] for o in table["option"]], atol=1e-12
    )
    from policybench.analysis.screen import select

    assert set(table["option"]) == set(select(cat).options)  # the default set, screened
