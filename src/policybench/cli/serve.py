"""``policybench serve``: the app (Streamlit) on HOST:PORT, in this process; ``make run`` calls it.

The server's settings are chosen here (:data:`STREAMLIT_OPTIONS`): headless, no usage
statistics, no file watcher, the viewer toolbar, the light theme, and two that the room and
the first visitor notice, explained where they are set.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

import policybench.cli.options as opt
from policybench import __version__
from policybench.cli.errors import exits_on_error
from policybench.ui import launch

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


@exits_on_error
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 for a room")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8501,
    options: opt.OptionsDir = None,
) -> None:
    """Run the app (Streamlit) on HOST:PORT; `make run` calls this."""
    launch.limit_blas_threads()  # before the catalog's check loads numpy (it reads it once)
    if options is not None:
        from policybench.catalog import load

        load(options)  # refuse a broken catalog before starting a server for it
        os.environ["POLICYBENCH_OPTIONS"] = str(options.resolve())
    typer.echo(f"policybench {__version__}: serving on http://{host}:{port}", err=True)
    launch.main(["--server.address", host, "--server.port", str(port), *STREAMLIT_OPTIONS])
