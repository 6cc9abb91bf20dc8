"""``policybench serve`` (src/policybench/cli/serve.py): Streamlit gets its options in this
process, after the BLAS thread limit, and a broken catalog stops it before it starts; the
client address a proxy forwards is believed only when ``serve`` is told it runs behind one;
the served app has its HTTP layer (security headers, no metrics, the device cookie)."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policybench.cli import app
from support import stclient
from support.appserver import AppServer

runner = CliRunner()


def test_serve_hands_streamlit_its_options_in_this_process(
    tiny_options: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.ui import launch

    seen: list[list[str]] = []
    order: list[str] = []
    monkeypatch.setattr(launch, "limit_blas_threads", lambda: order.append("blas"))
    monkeypatch.setattr(launch, "main", lambda argv: (order.append("main"), seen.append(argv)))
    monkeypatch.setenv("POLICYBENCH_OPTIONS", "")
    result = runner.invoke(app, ["serve", "--port", "8765", "--options", str(tiny_options)])
    assert result.exit_code == 0, result.output
    assert order == ["blas", "main"]
    assert "serving on http://127.0.0.1:8765" in result.output
    (argv,) = seen
    flags = dict(zip(argv[::2], argv[1::2], strict=True))
    assert flags["--server.port"] == "8765" and flags["--server.address"] == "127.0.0.1"
    assert flags["--runner.postScriptGC"] == "false" and flags["--runner.magicEnabled"] == "false"
    import os

    assert os.environ["POLICYBENCH_OPTIONS"] == str(tiny_options.resolve())


def test_serve_refuses_a_broken_catalog_before_starting(
    copy_catalog, tiny_options: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.ui import launch

    broken = copy_catalog(tiny_options)
    (broken / "criteria.yaml").write_text("criteria: [\n")
    started: list[list[str]] = []
    monkeypatch.setattr(launch, "limit_blas_threads", lambda: None)
    monkeypatch.setattr(launch, "main", started.append)
    result = runner.invoke(app, ["serve", "--options", str(broken)])
    assert result.exit_code == 1 and started == []
    assert "criteria.yaml" in result.output


def test_the_thread_limit_can_still_take_effect_when_serve_runs() -> None:
    """``serve`` runs the server in the command's own process, and numpy reads its BLAS thread
    setting once, when it loads: the command line must not have loaded it by then."""
    code = "import sys, policybench.cli; assert 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------------------ forwarded addresses
def _serve_flags(
    monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None
) -> tuple[str, str]:
    """Run ``serve`` with Streamlit stubbed out; (what FORWARDED_ALLOW_IPS became, output)."""
    from policybench.ui import launch

    monkeypatch.setattr(launch, "limit_blas_threads", lambda: None)
    monkeypatch.setattr(launch, "main", lambda argv: None)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")  # uvicorn's own default, inherited
    monkeypatch.delenv("POLICYBENCH_FORWARDED_ALLOW_IPS", raising=False)
    result = runner.invoke(app, ["serve", *args], env=env)
    assert result.exit_code == 0, result.output
    import os

    return os.environ["FORWARDED_ALLOW_IPS"], result.output


def test_serve_believes_forwarded_addresses_from_nobody_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trusted, out = _serve_flags(monkeypatch)
    assert trusted == "", "not even 127.0.0.1: a same-host tunnel could claim any address"
    assert "X-Forwarded-For believed from nobody" in out
    assert "ignoring FORWARDED_ALLOW_IPS=127.0.0.1" in out
    assert "only this computer can open it" in out and "--host 0.0.0.0" in out


def test_serve_behind_a_proxy_believes_it_from_the_proxy_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trusted, out = _serve_flags(monkeypatch, "--behind-proxy", "--host", "0.0.0.0")
    assert trusted.split(",") == ["127.0.0.1", "::1", "::ffff:127.0.0.1"]
    assert "believed from 127.0.0.1" in out and "only this computer" not in out
    trusted, _ = _serve_flags(monkeypatch, "--forwarded-allow-ips", "10.0.0.5, 10.0.1.7/24")
    assert trusted == "10.0.0.5,10.0.1.0/24"
    trusted, _ = _serve_flags(monkeypatch, env={"POLICYBENCH_FORWARDED_ALLOW_IPS": "2001:db8::1"})
    assert trusted == "2001:db8::1"


@pytest.mark.parametrize("value", ["*", "0.0.0.0/0", "::/0", "proxy.example", "10.0.0.300"])
def test_serve_refuses_to_believe_everyone_or_a_name(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.ui import launch

    started: list[list[str]] = []
    monkeypatch.setattr(launch, "main", started.append)
    result = runner.invoke(app, ["serve", "--forwarded-allow-ips", value])
    assert result.exit_code == 2 and not started
    assert "--forwarded-allow-ips" in result.output
    assert ("anyone could claim" in result.output) == (value in {"*", "0.0.0.0/0", "::/0"})


# ------------------------------------------------------------------------------ the real server
class _Claiming(stclient.StreamlitClient):
    """A client that claims an address of its choice in X-Forwarded-For, as anyone can."""

    def __init__(self, *args: Any, claim: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claim = claim

    def _cookie_header(self) -> dict[str, str]:
        return {**super()._cookie_header(), "X-Forwarded-For": self.claim}


def _refused_unknown_codes(url: str, attempts: int) -> list[bool]:
    """Open the workshop page with an unknown code ``attempts`` times, each claiming another
    address; whether each was refused as "too many"."""
    out: list[bool] = []

    async def go() -> None:
        for k in range(attempts):
            client = _Claiming(
                url, page="workshop", query=f"code=ZZZZZZZZZZZ{k:02d}", claim=f"203.0.113.{k + 1}"
            )
            try:
                await client.connect()
                out.append(any("too many" in e for e in client.alerts("error")))
            finally:
                await client.close()

    stclient.run_async(go)
    return out


def test_the_served_app_sends_security_headers_closes_metrics_and_sets_the_device_cookie(
    tmp_path: Path, tiny_options: Path
) -> None:
    """``policybench serve`` as a user starts it: the HTTP layer is in front of every page, and
    X-Forwarded-For from a client that is not a trusted proxy is ignored (eleven claimed
    addresses are one client, refused after ten unknown codes)."""
    env = {"POLICYBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    with AppServer(tiny_options, tmp_path / "server.log", env=env, via="serve") as server:
        with urllib.request.urlopen(f"{server.url}/workshop?code=X", timeout=10) as page:
            headers = page.headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        csp = headers["Content-Security-Policy"]
        assert (
            "frame-ancestors 'none'" in csp
            and "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in csp
        )
        assert "'unsafe-eval'" not in csp and "unsafe-inline" not in csp.split("style-src")[0]
        (cookie,) = [c for c in headers.get_all("Set-Cookie") if c.startswith("pb_device=")]
        attributes = {part.strip().split("=")[0] for part in cookie.split(";")[1:]}
        assert {"HttpOnly", "SameSite", "Path", "Max-Age"} <= attributes
        assert "Secure" not in attributes, "plain HTTP here; Secure behind TLS (nginx test)"
        with pytest.raises(urllib.error.HTTPError) as metrics:
            urllib.request.urlopen(f"{server.url}/_stcore/metrics", timeout=10)
        assert metrics.value.code == 404
        refused = _refused_unknown_codes(server.url, 13)
        # ten unknown codes allowed per client, then refused: the claimed addresses were one
        # client (the first attempt may meet the new store still being created by the server's
        # warm-up and not be counted, so the refusal may come one attempt later)
        assert refused.index(True) in (10, 11) and all(refused[refused.index(True) :]), refused


def test_behind_a_proxy_the_forwarded_address_is_the_client(
    tmp_path: Path, tiny_options: Path
) -> None:
    env = {
        "POLICYBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "POLICYBENCH_FORWARDED_ALLOW_IPS": "127.0.0.1",  # the test's client is the "proxy"
    }
    with AppServer(tiny_options, tmp_path / "server.log", env=env, via="serve") as server:
        assert _refused_unknown_codes(server.url, 13) == [False] * 13, "13 clients, 1 try each"
