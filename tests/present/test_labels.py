"""policybench.present.labels: the one place each name is written."""

from __future__ import annotations

from policybench import mcda
from policybench.present import labels


def test_method_names_come_from_the_registry() -> None:
    assert labels.method_label("wsm") == "Weighted sum (wsm)"
    assert labels.method_label("topsis") == "TOPSIS (topsis)"
    assert labels.method_title("promethee2") == "PROMETHEE II"
    assert labels.method_label("other") == "other"
    assert all(labels.method_title(m) == spec.title for m, spec in mcda.METHODS.items())


def test_option_criterion_and_cluster_labels(cat) -> None:
    assert labels.option_label(cat.options_by_id["status-quo"]) == "Status quo (baseline)"
    assert labels.option_label(cat.options_by_id["summits"]) == "Regular summits"
    assert labels.criterion_label(cat, "backlash") == "Chinese backlash (cost)"
    assert labels.criterion_label(cat, "deterrence") == "Deterrence"
    assert labels.cluster_label("strategic_weight") == "Strategic weight"


def test_shares_and_movements() -> None:
    assert labels.share_label(1 / 3) == "33.3\u00a0%" and labels.share_label(None) == "–"
    assert labels.movement({"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 1, "c": 3}) == {
        "a": "▲ 1",
        "b": "▼ 1",
        "c": "=",
    }
    assert labels.movement({"a": 1}, None) == {"a": ""}
    assert labels.movement({"a": 1, "n": 2}, {"a": 4}) == {"a": "▲ 3", "n": ""}


def test_small_numbers_in_words() -> None:
    assert [labels.number_word(n) for n in (0, 1, 6, 10)] == ["zero", "one", "six", "ten"]
    assert labels.number_word(11) == "11" and labels.number_word(-1) == "-1"


def test_participants_are_numbered_by_the_order_they_joined() -> None:
    joined = ["ana", "bob", "cy", "dee"]
    # only those present get a label, but each keeps the number of when they joined
    assert labels.participant_numbers(joined, ["cy", "ana"]) == {
        "cy": "Participant 3",
        "ana": "Participant 1",
    }
    # the order of submissions in a round does not shift anyone's number
    first = labels.participant_numbers(joined, ["bob", "dee"])
    later = labels.participant_numbers(joined, ["dee", "ana", "cy", "bob"])
    assert first["bob"] == later["bob"] == "Participant 2"
    assert first["dee"] == later["dee"] == "Participant 4"
    # someone the join list does not hold yet comes after everyone in it; a name twice is one
    assert labels.participant_numbers(["ana", "bob", "ana"], ["new", "bob", "newer", "new"]) == {
        "new": "Participant 3",
        "bob": "Participant 2",
        "newer": "Participant 4",
    }
    assert labels.participant_numbers(joined, []) == {}
