"""``policybench serve``: the app (Streamlit) on HOST:PORT, in this process; ``make run`` calls it.

**Source texts.** ``--sources DIR`` (or ``$POLICYBENCH_SOURCES``) names the folder of the texts
the catalog cites (``../shared/seeds``): the app checks a participant's challenge quote
verbatim against them and marks it verified (:mod:`policybench.ui.components.sources` reads
the folder from ``$POLICYBENCH_SOURCES``, which this command sets for the app). The folder
must exist and hold every source file the catalog names; the command names the missing ones
and stops (exit 1) otherwise (:func:`check_sources`). Without it, quotes are kept unverified.

The server's settings are chosen here (:data:`STREAMLIT_OPTIONS`): headless, no usage
statistics, no file watcher, the viewer toolbar, the light theme, and two that the room and
the first visitor notice, explained where they are set.

**Forwarded addresses.** The workshop's rate limits key wrong secrets on the client's address.
Behind a reverse proxy every connection comes from the proxy, which passes the browser's
address in ``X-Forwarded-For``; but anyone who can reach the app directly can send that header
too, and claim any address. So the app's web server (uvicorn, under Streamlit) believes it
from nobody unless told: ``--behind-proxy`` trusts a proxy on this machine (127.0.0.1 and
::1), ``--forwarded-allow-ips`` (or ``$POLICYBENCH_FORWARDED_ALLOW_IPS``) names the proxies'
addresses or networks. Without either, uvicorn's own default (trusting 127.0.0.1, and its
``FORWARDED_ALLOW_IPS`` variable) is overridden: nothing is trusted, even on loopback, where a
same-host tunnel would otherwise let anyone claim any address.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import policybench.cli.options as opt
from policybench import __version__
from policybench.cli.errors import exits_on_error
from policybench.env import SOURCES_ENV
from policybench.errors import InputError
from policybench.ui import launch

if TYPE_CHECKING:
    from policybench.catalog import Catalog

#: Streamlit's options for every server this command starts, beside the address and port.
STREAMLIT_OPTIONS = [
    "--server.headless", "true",
    "--browser.gatherUsageStats", "false",
    "--server.fileWatcherType", "none",
    "--client.toolbarMode", "viewer",
    "--theme.base", "light",
    # Streamlit collects garbage after every script run by default: most of a rerun's CPU,
    # and what limits how many workshop participants one server takes.
    "--runner.postScriptGC", "false",
    # The pages use no "magic" (bare expressions drawn), so compiling them needs no AST
    # rewrite, which a server's first visitor would otherwise wait for.
    "--runner.magicEnabled", "false",
]  # fmt: skip


#: Who a proxy on this machine is: what ``--behind-proxy`` trusts (the third is how an IPv4
#: connection to 127.0.0.1 appears on a server listening on ``::``).
LOOPBACK = ("127.0.0.1", "::1", "::ffff:127.0.0.1")
#: uvicorn's variable for the addresses whose ``X-Forwarded-For`` it believes.
UVICORN_TRUST = "FORWARDED_ALLOW_IPS"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def trusted_proxies(behind_proxy: bool, forwarded_allow_ips: str | None) -> list[str]:
    """The addresses and networks whose ``X-Forwarded-For`` the server believes ([]: none).

    Raises :class:`typer.BadParameter` for an entry that is neither an IP address nor a
    network, and for ``*`` or a ``/0`` network (trusting everyone lets anyone claim any
    address)."""
    if forwarded_allow_ips is None or not forwarded_allow_ips.strip():
        return list(LOOPBACK) if behind_proxy else []
    out = []
    for item in (x.strip() for x in forwarded_allow_ips.split(",")):
        if not item:
            continue
        try:
            parsed = (
                ipaddress.ip_network(item, strict=False)
                if "/" in item
                else ipaddress.ip_address(item)
            )
        except ValueError:
            if item != "*":
                raise typer.BadParameter(
                    f"{item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.1.0/24)",
                    param_hint="--forwarded-allow-ips",
                ) from None
            parsed = None
        if parsed is None or (
            isinstance(parsed, (ipaddress.IPv4Network, ipaddress.IPv6Network))
            and parsed.prefixlen == 0
        ):
            raise typer.BadParameter(
                f"{item!r} would believe X-Forwarded-For from anyone, so anyone could claim any "
                "address; name the proxies' addresses or networks (e.g. 10.0.0.5,10.0.1.0/24)",
                param_hint="--forwarded-allow-ips",
            )
        out.append(str(parsed))
    return out


def check_sources(folder: Path, catalog: Catalog) -> Path:
    """``folder``, resolved, when every source text the catalog cites can be read from it by
    the rules the app reads them with (:func:`policybench.catalog.read_source_texts`); else
    an :class:`~policybench.errors.InputError` that names what is missing."""
    from policybench.catalog import read_source_texts

    try:
        read_source_texts(folder, catalog)
    except InputError as exc:
        raise InputError(
            f"--sources {exc}; or leave --sources out to keep quotes unverified"
        ) from None
    return folder.resolve()


@exits_on_error
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 for a room")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8501,
    options: opt.OptionsDir = None,
    behind_proxy: Annotated[
        bool,
        typer.Option(
            "--behind-proxy",
            help="A reverse proxy on this machine forwards to the app: believe the client "
            "address it sends (X-Forwarded-For) from 127.0.0.1 and ::1 only",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            envvar="POLICYBENCH_FORWARDED_ALLOW_IPS",
            help="The reverse proxies' addresses or networks, comma-separated (e.g. "
            "10.0.0.5,10.0.1.0/24): believe X-Forwarded-For from these only "
            "[default: nobody, unless --behind-proxy]",
            show_default=False,
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            envvar=SOURCES_ENV,
            help="Folder of the source texts the catalog cites: challenge quotes are checked "
            "verbatim against them [default: $POLICYBENCH_SOURCES, else quotes stay unverified]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the app (Streamlit) on HOST:PORT; `make run` calls this."""
    proxies = trusted_proxies(behind_proxy, forwarded_allow_ips)
    launch.limit_blas_threads()  # before the catalog's check loads numpy (it reads it once)
    if options is not None or sources is not None:
        from policybench.catalog import load

        cat = load(options)  # refuse a broken catalog before starting a server for it
        if options is not None:
            os.environ["POLICYBENCH_OPTIONS"] = str(options.resolve())
        if sources is not None:
            os.environ[SOURCES_ENV] = str(check_sources(sources, cat))
    inherited = os.environ.get(UVICORN_TRUST)
    # uvicorn reads this when the server starts, in this process; "" trusts nobody
    os.environ[UVICORN_TRUST] = ",".join(proxies)
    typer.echo(f"policybench {__version__}: serving on http://{host}:{port}", err=True)
    if proxies:
        typer.echo(
            f"  client addresses: X-Forwarded-For believed from {', '.join(proxies)} only", err=True
        )
    else:
        typer.echo(
            "  client addresses: as connected (X-Forwarded-For believed from nobody; "
            "--behind-proxy if a reverse proxy on this machine forwards to the app)",
            err=True,
        )
        if inherited:
            typer.echo(
                f"  ignoring {UVICORN_TRUST}={inherited} from the environment: pass "
                "--forwarded-allow-ips to trust a proxy",
                err=True,
            )
    if sources is not None:
        typer.echo(
            f"  source texts: {os.environ[SOURCES_ENV]} (challenge quotes checked)", err=True
        )
    if host in LOCAL_HOSTS:
        typer.echo(
            "  only this computer can open it; for a room, serve with --host 0.0.0.0 and "
            "give the participants this computer's address on the room's network",
            err=True,
        )
    launch.main(["--server.address", host, "--server.port", str(port), *STREAMLIT_OPTIONS])
