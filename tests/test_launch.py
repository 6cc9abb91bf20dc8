"""policybench.ui.launch: `streamlit run` for the app, with the first page warmed in a thread."""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import subprocess
import sys
import textwrap
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
    assert Path(seen["argv"][2]).name == "app.py" and Path(seen["argv"][2]).is_file()


def test_warm_loads_the_catalog_imports_compiles_the_chart_then_opens_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from policybench.ui import state
    from policybench.ui.components import chart, workshop_common

    for name in launch.WARM_MODULES:  # imported before the patches: some bind `store` by name
        importlib.import_module(name)
    calls: list[Any] = []
    real_load = state.load_catalog

    def load() -> Any:
        calls.append("catalog")
        return real_load()

    monkeypatch.setattr(state, "load_catalog", load)
    monkeypatch.setattr(chart, "compile_structure", lambda p: calls.append(p.spec))
    monkeypatch.setattr(workshop_common, "store", lambda: calls.append("store"))
    launch.warm(ready=lambda: True)
    # the page's order: catalog, ranking chart, then the sidebar's saved profiles
    assert calls == ["catalog", "contribution_spec", "store"]


def test_the_warmed_chart_is_the_one_the_landing_page_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same structure (labels, rows, baseline, title), so the first visitor's chart is a cache
    hit rather than a second compile."""
    from streamlit.testing.v1 import AppTest

    from policybench.ui import state
    from policybench.ui.components import chart

    warmed: list[tuple[str, tuple[Any, ...]]] = []
    drawn: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(chart, "compile_structure", lambda p: warmed.append((p.spec, p.args)))
    catalog = state.load_catalog().catalog
    assert catalog is not None
    launch._compile_landing_chart(catalog)
    real_show = chart.show
    monkeypatch.setattr(
        chart, "show", lambda p, **kw: (drawn.append((p.spec, p.args)), real_show(p, **kw))
    )
    at = AppTest.from_file(str(launch.APP), default_timeout=60).run()
    assert not at.exception
    assert len(warmed) == 1 and drawn == warmed
    assert warmed[0][0] == "contribution_spec" and warmed[0][1][1] == len(catalog.options)


def test_warm_waits_for_the_server_to_listen_and_gives_up_without_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

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
        launch.warm(ready=lambda: True)  # must not raise: the first script run does the work instead
    assert "warming failed" in caplog.text and "catalog folder vanished" in caplog.text


def test_prepare_leaves_the_structure_a_first_start_reads_without_altair(tmp_path: Path) -> None:
    """What `make run` does once after installing: in a later process the landing chart's
    structure comes from disk, so a machine's first start does not import Altair."""
    env = {**os.environ, "POLICYBENCH_CACHE_DIR": str(tmp_path / "cache")}
    prepared = subprocess.run(
        [sys.executable, "-c", "import sys; from policybench.ui import launch; sys.exit(not launch.prepare())"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    assert "WARNING" not in prepared.stderr  # no warnings about running without a server
    assert len(list((tmp_path / "cache" / "charts").glob("*.json"))) == 1
    start = textwrap.dedent(
        """
        import sys
        from policybench.ui import launch, state
        launch._compile_landing_chart(state.load_catalog().catalog)
        print("altair" in sys.modules)
        """
    )
    started = subprocess.run(
        [sys.executable, "-c", start], env=env, capture_output=True, text=True, check=True
    )
    assert started.stdout.strip() == "False"


def test_prepare_with_a_broken_catalog_says_so_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "options"
    shutil.copytree(Path(__file__).parent / "bad_catalog" / "duplicate-option", broken)
    monkeypatch.setenv("POLICYBENCH_OPTIONS", str(broken))
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path / "cache"))
    _keep_streamlit_log_level(monkeypatch)
    assert launch.prepare() is False
    assert f"the catalog in {broken} does not load" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists()


def test_prepare_never_raises(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from policybench.ui import state

    def vanished() -> None:
        raise OSError("options folder vanished")

    monkeypatch.setattr(state, "load_catalog", vanished)
    _keep_streamlit_log_level(monkeypatch)
    assert launch.prepare() is False
    assert "options folder vanished" in capsys.readouterr().err


def _keep_streamlit_log_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare() quiets Streamlit for the rest of its (short) process; not for this one."""
    from streamlit import logger

    monkeypatch.setattr(logger, "set_log_level", lambda level: None)
