"""policybench.ui.launch: ``streamlit run`` for the app, one BLAS thread, a short warm-up."""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from policybench.ui import launch


def test_main_hands_the_options_to_streamlit_run_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    started: list[str] = []

    def fake_main() -> None:
        seen["argv"] = list(sys.argv)

    class FakeThread:
        def __init__(self, *, target: Any, name: str, daemon: bool) -> None:
            assert target is launch.warm and daemon
            self.name = name

        def start(self) -> None:
            started.append(self.name)

    from streamlit.web import cli

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr(launch.threading, "Thread", FakeThread)
    monkeypatch.setattr(sys, "argv", ["ignored"])
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "")  # recorded, so that the test leaves it as found
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # an operator's own setting is kept
    launch.main(["--server.port", "8600", "--server.headless", "true"])
    assert seen["argv"] == [
        "streamlit", "run", str(launch.APP), "--server.port", "8600", "--server.headless", "true"
    ]  # fmt: skip
    assert started == ["policybench-warm"]
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1" and os.environ["OMP_NUM_THREADS"] == "3"
    assert Path(seen["argv"][2]).name == "asgi.py" and Path(seen["argv"][2]).is_file()


def test_warm_does_what_the_landing_page_needs_in_its_order(
    monkeypatch: pytest.MonkeyPatch, tiny_options: Path
) -> None:
    from policybench.present.charts import ranking
    from policybench.ui import state
    from policybench.ui.components import workshop_common

    monkeypatch.setenv("POLICYBENCH_OPTIONS", str(tiny_options))
    calls: list[str] = []
    real_load, real_rank, real_chart = state.load_catalog, state.rank, ranking.ranking_chart
    monkeypatch.setattr(state, "load_catalog", lambda: (calls.append("catalog"), real_load())[1])
    monkeypatch.setattr(state, "rank", lambda *a: (calls.append("rank"), real_rank(*a))[1])
    monkeypatch.setattr(
        ranking, "ranking_chart", lambda *a: (calls.append("chart"), real_chart(*a))[1]
    )
    monkeypatch.setattr(workshop_common, "store", lambda: calls.append("store"))
    launch.warm(ready=lambda: True)
    assert calls == ["catalog", "rank", "chart", "store"]


def test_warm_waits_for_the_server_to_listen_and_gives_up_without_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streamlit import config, runtime

    from policybench.ui import state

    asked: list[bool] = []

    def exists() -> bool:  # the runtime comes up on the third look
        asked.append(True)
        return len(asked) >= 3

    monkeypatch.setattr(runtime, "exists", exists)
    saved = config.get_option("server.port"), config.get_option("server.address")
    try:
        with socket.socket() as listening:
            listening.bind(("127.0.0.1", 0))
            listening.listen()
            config.set_option("server.port", listening.getsockname()[1])
            config.set_option("server.address", "0.0.0.0")  # reached on 127.0.0.1
            assert launch._wait_for_server(timeout=5) is True and len(asked) == 3
        assert launch._wait_for_server(timeout=0.3) is False  # nothing listens there any more
        monkeypatch.setattr(runtime, "exists", lambda: False)
        assert launch._wait_for_server(timeout=0.05) is False
    finally:
        config.set_option("server.port", saved[0])
        config.set_option("server.address", saved[1])

    calls: list[str] = []
    monkeypatch.setattr(state, "load_catalog", lambda: calls.append("catalog"))
    launch.warm(ready=lambda: False)
    assert calls == []


def test_a_failure_while_warming_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from policybench.ui import state

    def broken() -> None:
        raise RuntimeError("catalog folder vanished")

    monkeypatch.setattr(state, "load_catalog", broken)
    with caplog.at_level(logging.DEBUG, logger="policybench.launch"):
        launch.warm(
            ready=lambda: True
        )  # must not raise: the first script run does the work instead
    assert "warming failed" in caplog.text and "catalog folder vanished" in caplog.text
