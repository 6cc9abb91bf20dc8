"""The workshop load test: one run per server count, then the ``# Load`` section.

Usage::

    python -m benchmarks.load [--duration 120] [--participants 30] [--servers 1,2]
        [--interval 1,2] [--submit-every 1] [--ramp 10] [--challenges 50] [--rounds 2]
        [--round-at 0.5] [--sources DIR | --sources none] [--env KEY=VALUE ...]
        [--one-address | --no-one-address] [--append] [--no-write] [--render]

``--challenges``: about how many distinct score challenges the room makes over the window
(each participant one to three; 0: none); ``--rounds 2``: the facilitator locks, reveals and
opens round 2 at ``--round-at`` of the window (``--rounds 1``: one round throughout);
``--sources``: the source texts the servers check quotes against (default: ../shared/seeds
beside the checkout, when it is there).

``--one-address`` (the default) adds a run on one server in which the whole room arrives from
one address, as behind a conference NAT or one proxy, and one participant mistypes the join
code and a personal link 20 times each before the others join: nobody else may be refused
(``--servers ""`` runs it alone).

``--env`` passes settings to the app servers (e.g. ``STREAMLIT_RUNNER_POST_SCRIPT_GC=false``);
``--append`` adds this invocation's runs to the last ones in the section (to compare loads or
settings in one table); ``--render`` runs nothing and rewrites the section from the last runs.
Exit status 1 if any run had an error, lost a submission or a challenge, or stored a
submission in the wrong round; a missed latency target is reported in RESULTS.md ("NOT
met", by how much), not as a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.support.pgserver import PgServer, PgUnavailable

from benchmarks import system
from benchmarks.load.nginx import ensure_nginx
from benchmarks.load.report import failed, section, verdict
from benchmarks.load.scenario import OPTIONS, scenario
from benchmarks.results import RESULTS, write_section
from policybench import catalog

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "tests" / "artifacts" / "load.json"
#: Where the source texts are beside a checkout (as the tests find them).
SEEDS = ROOT.parent / "shared" / "seeds"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--duration", type=float, default=120.0, help="steady seconds (default 120)"
    )
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--servers", default="1,2", help="server counts to run, e.g. 1,2")
    parser.add_argument(
        "--interval", default="1,2", help="seconds between a participant's changes: lo,hi"
    )
    parser.add_argument("--submit-every", type=int, default=1, help="submit after every N changes")
    parser.add_argument(
        "--check-every", type=int, default=5, help="check the shown ranking every N changes"
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which participants join"
    )
    parser.add_argument(
        "--challenges", type=int, default=50, help="distinct challenges in the room (about)"
    )
    parser.add_argument("--rounds", type=int, default=2, choices=(1, 2), help="rounds to run")
    parser.add_argument(
        "--round-at", type=float, default=0.5, help="when round 2 opens, as a share of the window"
    )
    parser.add_argument(
        "--sources", default=str(SEEDS) if SEEDS.is_dir() else "none",
        help="the servers' source texts for checking quotes ('none': quotes stay unverified)",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE",
        help="extra environment for the app servers (e.g. a STREAMLIT_* option)",
    )  # fmt: skip
    parser.add_argument(
        "--one-address", action=argparse.BooleanOptionalAction, default=True,
        help="also run the room from one address, with one person mistyping (default: yes)",
    )  # fmt: skip
    parser.add_argument(
        "--no-write", action="store_true", help="do not touch benchmarks/RESULTS.md"
    )
    parser.add_argument(
        "--render", action="store_true",
        help="run nothing: rewrite the section from the last runs (tests/artifacts/load.json)",
    )  # fmt: skip
    parser.add_argument(
        "--append", action="store_true",
        help="add these runs to those of the last run (tests/artifacts/load.json) in the section",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.interval = tuple(float(x) for x in args.interval.split(","))
    args.servers = [int(x) for x in args.servers.split(",") if x.strip()]
    args.sources = None if args.sources == "none" else Path(args.sources).resolve()
    if not 0.0 < args.round_at < 1.0:
        parser.error(
            f"--round-at must be between 0 and 1 (a share of the window), not {args.round_at}"
        )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        data = json.loads(RAW.read_text())
        write_section(section(data["runs"], data["machine"]))
        print(f"load: rewrote the Load section of {RESULTS}", flush=True)
        return 0
    info = _machine()
    runs = _run_all(args, info)
    if not runs:
        return 1
    new_runs = list(runs)
    if args.append and RAW.exists():
        runs = json.loads(RAW.read_text())["runs"] + runs
    RAW.parent.mkdir(parents=True, exist_ok=True)
    RAW.write_text(json.dumps({"machine": info, "runs": runs}, indent=1, default=str))
    text = section(runs, info)
    if args.no_write:
        print(text)
    else:
        write_section(text)
        print(f"load: wrote the Load section of {RESULTS}", flush=True)
    # Latency is reported (RESULTS.md says "NOT met" and by how much); errors and anything
    # lost or misplaced are failures.
    return 1 if any(failed(r) for r in new_runs) else 0


def _machine() -> dict[str, Any]:
    import streamlit

    return {**system.machine(), "streamlit": streamlit.__version__}


def _run_all(args: argparse.Namespace, info: dict[str, Any]) -> list[dict[str, Any]]:
    """One scenario per server count on one PostgreSQL; [] if PostgreSQL cannot start here.
    Two servers or more need nginx, installed if missing and allowed (else skipped)."""
    cat = catalog.load(OPTIONS)
    nginx_bin = ensure_nginx() if any(c > 1 for c in args.servers) else None
    workdir = Path(tempfile.mkdtemp(prefix="pb-load-"))
    runs: list[dict[str, Any]] = []
    try:
        pg = PgServer(max_connections=300).start()
    except PgUnavailable as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"load: cannot start PostgreSQL: {exc}", file=sys.stderr)
        return runs
    try:
        info["postgres"] = str(pg.admin("SHOW server_version")[0][0]).split()[0]
        plan = [(count, False) for count in args.servers]
        if args.one_address:
            plan.append((1, True))
        for count, one_address in plan:
            if count > 1 and nginx_bin is None:
                continue
            print(
                f"load: {count} app server(s), {args.participants} participants, "
                f"{args.duration:g} s{', the room from one address' if one_address else ''} ...",
                flush=True,
            )
            result = asyncio.run(
                scenario(count, pg, cat, args, workdir, nginx_bin, one_address=one_address)
            )
            runs.append(result)
            problems = ("errors", "lost", "wrong_round", "challenges_lost")
            shown = {k: v for k, v in result.items() if k not in problems}
            print(json.dumps(shown, indent=1), flush=True)
            for kind in problems:
                for e in result.get(kind, [])[:20]:
                    print(f"  {kind}:", e, flush=True)
            print(f"load: {count} server(s): {verdict(result)}", flush=True)
    finally:
        pg.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return runs
