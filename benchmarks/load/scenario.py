"""One run of the load test: a workshop on PostgreSQL, its app servers (behind nginx when
there are two or more), a facilitator page per server and the participants, measured over a
steady window in whose middle the facilitator opens round 2; then what the store holds
(submissions per round, challenges) and what each facilitator page shows, checked.

Every request goes to 127.0.0.1; every loop is bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.appserver import AppServer
from tests.support.stclient import StreamlitClient

from benchmarks import system
from benchmarks.load import checks
from benchmarks.load.clients import (
    PASSPHRASE,
    facilitator,
    group_table,
    run_facilitator,
    run_mistyper,
    run_participant,
    submissions_shown,
)
from benchmarks.load.expected import group_order
from benchmarks.load.nginx import Nginx
from benchmarks.load.page import Client
from benchmarks.load.people import Participant, Room, Session, Stats
from benchmarks.load.plan import plan, server_texts
from benchmarks.load.rounds import run_rounds
from benchmarks.timing import summary
from policybench.catalog import Catalog
from policybench.store import open_store

OPTIONS = Path(__file__).resolve().parents[2] / "options"
#: Seconds after the last participant's join before the steady window opens.
SETTLE_S = 3.0
#: Seconds the facilitator pages keep refreshing after the window closes (twice, at 3 s each),
#: so that what they show at the end includes every submission.
LAST_LOOK_S = 7.0
#: The one-address scenario's room: everyone reaches the server through one proxy, which says
#: so in X-Forwarded-For (an address from RFC 5737's documentation range).
ROOM_ADDRESS = "198.51.100.7"


@dataclass(frozen=True)
class Counters:
    """CPU counters of the processes the test runs, at one moment (seconds, or jiffies for
    the whole machine), and the script runs the pages' own refreshes had done by then."""

    apps: dict[int, float]
    postgres: float
    nginx: float
    generator: float
    machine: tuple[float, float]
    auto_runs: int
    load: tuple[float, float, float]
    at: float

    @classmethod
    def read(
        cls, apps: list[AppServer], pg_pid: int, nginx: Nginx | None, auto_runs: int
    ) -> Counters:
        return cls(
            {a.pid: system.proc_cpu(a.pid) for a in apps},
            system.tree_cpu(pg_pid),
            system.tree_cpu(nginx.pid) if nginx else 0.0,
            system.proc_cpu(os.getpid()),
            system.machine_cpu(),
            auto_runs,
            os.getloadavg(),
            time.monotonic(),
        )


async def scenario(
    servers: int,
    pg: Any,
    catalog: Catalog,
    args: argparse.Namespace,
    workdir: Path,
    nginx_bin: str | None,
    *,
    one_address: bool = False,
) -> dict[str, Any]:
    """Run the test with ``servers`` app servers; the figures and checks, as one JSON-ready dict.

    ``one_address``: one server, told to believe the load generator as the room's proxy
    (``--forwarded-allow-ips 127.0.0.1``), and every client arriving from
    :data:`ROOM_ADDRESS`; before the room joins, one person mistypes the join code and a
    personal link 20 times each (refused after ten, as the limits say), and then nobody else
    may be refused: every join, change, submit and the facilitator's sign-in must succeed."""
    if one_address and servers != 1:
        raise ValueError("the one-address scenario runs one app server")
    db_url = pg.url(pg.create_database(f"load_{servers}_{int(time.time())}"))
    store = open_store(db_url)
    fac = store.workshops.create(
        f"Load test, {servers} server{'s' if servers > 1 else ''}",
        options=list(catalog.option_ids),
        criteria=list(catalog.criterion_ids),
        passphrase=PASSPHRASE,
        catalog=catalog,
    )
    shop = store.workshops.get(fac.code)
    extra_env = dict(kv.split("=", 1) for kv in args.env)
    if args.sources is not None:  # quotes in challenges are checked against the seeds
        extra_env.setdefault("POLICYBENCH_SOURCES", str(args.sources))
    if one_address or servers > 1:  # a proxy forwards the room: the load generator, or nginx
        extra_env.setdefault("POLICYBENCH_FORWARDED_ALLOW_IPS", "127.0.0.1")
    apps = [
        AppServer(
            OPTIONS, workdir / f"app{servers}-{k}.log", db_url=db_url, env=extra_env, via="serve"
        )
        for k in range(servers)
    ]
    nginx: Nginx | None = None
    result: dict[str, Any] = {
        "servers": servers,
        "participants": args.participants,
        "settings": _settings(args),
    }
    headers = {"X-Forwarded-For": ROOM_ADDRESS} if one_address else {}
    try:
        for app in apps:  # all launched first: they start side by side
            app.launch()
        for app in apps:
            app.wait_healthy()
        if servers > 1:
            assert nginx_bin is not None
            nginx = Nginx(nginx_bin, [a.port for a in apps], workdir)
            session = Session(nginx.url, fac.code, shop, catalog, args, nginx.ssl, {}, Room())
            result["front"] = "nginx (TLS, sticky cookie) in front of the app servers"
            result["http_redirects_to_https"] = nginx.redirects
            result.update(nginx.hardening())
        else:
            session = Session(apps[0].url, fac.code, shop, catalog, args, None, headers, Room())
            result["front"] = (
                f"the app server directly, every client from {ROOM_ADDRESS} (X-Forwarded-For)"
                if one_address
                else "the app server directly"
            )
        await _warm_up(apps, fac.code, args.timeout)
        pg_pid = int((pg.data / "postmaster.pid").read_text().split()[0])
        mistakes = Stats()
        if one_address:
            result["one_address"] = await run_mistyper(session, mistakes)
        result.update(await _measure(apps, session, pg_pid, nginx, store, fac))
        if nginx is not None:
            result["errors"] += _hardening_problems(result)
        if one_address:
            result["errors"] = mistakes.errors + result["errors"]
            result["one_address"]["others_refused"] = sum("too many" in e for e in result["errors"])
            result["errors"] += _one_address_problems(result["one_address"])
        return result
    finally:
        if nginx is not None:
            nginx.stop()
            logged = nginx.access_log()
            result["access_log_lines"] = len(logged.splitlines())
            result["access_log_has_codes_or_tokens"] = fac.code in logged or "p=" in logged
        for app in apps:
            app.stop()
        store.close()


def _hardening_problems(result: dict[str, Any]) -> list[str]:
    """What deploy/nginx.conf must add in front of the app: each security header once, a
    Content-Security-Policy forbidding framing, and the metrics endpoint closed."""
    problems = [
        f"nginx: {name} sent {len(values)} times: {values}"
        for name, values in result["security_headers"].items()
        if len(values) != 1
    ]
    if not result["frame_ancestors_none"]:
        problems.append("nginx: no Content-Security-Policy with frame-ancestors 'none'")
    if result["metrics_status"] != 404:
        problems.append(f"nginx: /_stcore/metrics answered {result['metrics_status']}, not 404")
    return problems


def _one_address_problems(found: dict[str, Any]) -> list[str]:
    """What the one-address scenario must show: the mistyper refused from the eleventh wrong
    code and the eleventh wrong link (ten of each allowed per client), nobody else refused."""
    problems = []
    for kind in ("codes", "links"):
        if found[f"{kind}_refused_from"] != 11:
            problems.append(
                f"mistyper: wrong {kind} refused from attempt {found[f'{kind}_refused_from']}, "
                "not the 11th"
            )
    return problems


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "participants": args.participants,
        "interval": list(args.interval),
        "submit_every": args.submit_every,
        "env": list(args.env),
        "duration": args.duration,
        "ramp": args.ramp,
        "check_every": args.check_every,
        "challenges": args.challenges,
        "rounds": args.rounds,
        "round_at": args.round_at,
        "sources": args.sources is not None,
    }


async def _warm_up(apps: list[AppServer], code: str, timeout: float) -> None:
    """Each server's first run of both workshop pages (its imports), before anything is timed."""
    for app in apps:
        for page, query in (("workshop", f"code={code}"), ("facilitate", "")):
            client = StreamlitClient(
                app.url, page=page, query=query, name="warm-up", timeout=timeout
            )
            await client.connect()
            await client.close()
    await asyncio.sleep(1.0)


async def _measure(
    apps: list[AppServer], session: Session, pg_pid: int, nginx: Nginx | None, store: Any, fac: Any
) -> dict[str, Any]:
    """Start the facilitators and the participants, measure the steady window (with the room
    moved to round 2 in its middle), and check the store and the facilitator pages afterwards."""
    args = session.args
    rss_before = {a.pid: system.memory_mb(a.pid) for a in apps}
    stats = Stats()
    people = _people(session)
    stop = asyncio.Event()
    pages = [
        facilitator(
            f"facilitator on server {k + 1}", app.url, session.code, args.timeout, session.headers
        )
        for k, app in enumerate(apps)
    ]
    watching = [asyncio.create_task(run_facilitator(c, session.code, stats, stop)) for c in pages]
    now = time.monotonic()
    ramp_end = now + args.ramp
    window = (ramp_end + SETTLE_S, ramp_end + SETTLE_S + args.duration)
    tasks = [
        asyncio.create_task(
            run_participant(
                i, session, stats, me, now + args.ramp * i / max(1, args.participants), window
            )
        )
        for i, me in enumerate(people)
    ]
    if args.rounds > 1:
        at = window[0] + args.round_at * args.duration
        tasks.append(asyncio.create_task(run_rounds(pages[0], store, fac, session.room, at)))
    await asyncio.sleep(max(0.0, window[0] - time.monotonic()))
    stats.steady = True  # everyone has joined
    auto = sum(p.client.auto_rerun_count for p in people if p.client is not None)
    start = Counters.read(apps, pg_pid, nginx, auto + sum(c.auto_rerun_count for c in pages))
    sessions = {a.pid: system.established(a.port) for a in apps}
    await asyncio.gather(*tasks)
    stats.steady = False
    stats.other_runs += sum(len(step["ms"]) for step in session.room.steps)  # its clicks
    end = Counters.read(
        apps,
        pg_pid,
        nginx,
        sum(p.auto_runs for p in people) + sum(c.auto_rerun_count for c in pages),
    )
    rss_after = {a.pid: system.memory_mb(a.pid) for a in apps}
    await asyncio.sleep(LAST_LOOK_S)
    stop.set()
    await asyncio.gather(*watching)
    stats.errors += session.room.errors

    found = await asyncio.to_thread(_stored, store, fac)
    views = await _facilitator_views(pages, session, found, stats)
    window_cpu = _cpu(start, end, stats)
    per_server = [
        {
            "sessions": sessions[a.pid],
            "cpu_cores": round((end.apps[a.pid] - start.apps[a.pid]) / window_cpu["seconds"], 2),
            "rss_before_mb": round(rss_before[a.pid]),
            "rss_after_mb": round(rss_after[a.pid]),
            "mb_per_session": round(
                (rss_after[a.pid] - rss_before[a.pid]) / max(1, sessions[a.pid]), 1
            ),
        }
        for a in apps
    ]
    return {
        "code_length": len(fac.code),
        "steady_seconds": round(window_cpu["seconds"], 1),
        "weight_change_ms": summary(stats.change_ms),
        "submit_ms": summary(stats.submit_ms),
        "challenge_ms": summary(stats.challenge_ms),
        "join_ms": summary(stats.join_ms),
        "changes": sum(p.changes for p in people),
        "submits": sum(p.submits for p in people),
        "rank_checks": stats.rank_checks,
        "script_runs_in_window": window_cpu["runs"],
        "other_runs": stats.other_runs,
        "server_cpu_ms_per_run": window_cpu["ms_per_run"],
        "errors": stats.errors,
        **_checked(people, found),
        "rounds": _rounds(session.room, window, stats, found),
        "stored_submissions": len(found["rounds"].get(found["current"], [])),
        "facilitators": views,
        "per_server": per_server,
        "cpu_cores": window_cpu["cores"],
        "load_average": [round(x, 2) for x in (*start.load, *end.load)],
    }


def _people(session: Session) -> list[Participant]:
    """The participants, each with the challenges they will make (:mod:`~benchmarks.load.plan`)."""
    args = session.args
    texts = server_texts(session.catalog, args.sources)
    saves = plan(
        session.catalog, session.shop.options, session.shop.criteria, args.participants,
        args.challenges, args.seed, texts,
    ) if args.challenges > 0 else [[] for _ in range(args.participants)]  # fmt: skip
    return [
        Participant(f"Participant {i + 1:02d}", plan=list(mine), planned=len(mine))
        for i, mine in enumerate(saves)
    ]


def _stored(store: Any, fac: Any) -> dict[str, Any]:
    """What the store holds at the end: the current round, every round's submissions and the
    live challenges (read once, after the window)."""
    shop = store.workshops.get(fac.code)
    return {
        "current": shop.round,
        "state": shop.state,
        "rounds": store.workshops.rounds(fac),
        "challenges": store.workshops.challenges(fac),
    }


def _checked(people: list[Participant], found: dict[str, Any]) -> dict[str, Any]:
    """Every participant's confirmed submissions (per round) and challenges against the store
    (:mod:`~benchmarks.load.checks`), and the challenges' counts."""
    lost: list[str] = []
    wrong: list[str] = []
    challenge_problems: list[str] = []
    stored_challenges = found["challenges"]
    for me in people:
        mine = {
            rnd: next(s for s in subs if s.display_name == me.name)
            for rnd, subs in found["rounds"].items()
            if any(s.display_name == me.name for s in subs)
        }
        gone, misplaced = checks.submissions(me.name, me.confirmed, mine)
        lost += gone
        wrong += misplaced
        challenge_problems += checks.challenges(
            me.name, me.challenged, [c for c in stored_challenges if c.display_name == me.name]
        )
    return {
        "lost": lost,
        "wrong_round": wrong,
        "challenges_lost": challenge_problems,
        "challenges": {
            "planned_saves": sum(me.planned for me in people),
            "confirmed_saves": sum(me.challenge_saves for me in people),
            "confirmed_distinct": sum(len(me.challenged) for me in people),
            "not_made": sum(len(me.plan) for me in people),
            "stored": len(stored_challenges),
            "cells": len({(c.option, c.criterion) for c in stored_challenges}),
            "with_quote": sum(c.quote is not None for c in stored_challenges),
            "verified": sum(c.verified for c in stored_challenges),
            "written_in_round_2": sum(c.round > 1 for c in stored_challenges),
        },
    }


def _rounds(
    room: Room, window: tuple[float, float], stats: Stats, found: dict[str, Any]
) -> dict[str, Any]:
    """How the room moved to round 2: each step, how, when in the window; the writes the
    lock refused; the submissions stored per round."""
    return {
        "via": room.via(),
        "steps": room.steps,
        "lock_at_s": None if room.locking_at is None else round(room.locking_at - window[0], 1),
        "round_2_open_at_s": None
        if room.opened_at is None
        else round(room.opened_at - window[0], 1),
        "refused_while_locked": stats.refused_closed,
        "pages_with_stale_sliders": stats.stale_sliders,
        "current": found["current"],
        "submissions": {str(r): len(subs) for r, subs in sorted(found["rounds"].items())},
    }


def _cpu(start: Counters, end: Counters, stats: Stats) -> dict[str, Any]:
    """The steady window's length, its script runs, and the cores each part of the test used."""
    seconds = end.at - start.at
    runs = (
        len(stats.change_ms)
        + len(stats.submit_ms)
        + stats.other_runs
        + (end.auto_runs - start.auto_runs)
    )
    app_cpu = sum(end.apps[p] - start.apps[p] for p in start.apps)
    busy = (end.machine[0] - start.machine[0]) / max(1.0, end.machine[1] - start.machine[1])
    return {
        "seconds": seconds,
        "runs": runs,
        "ms_per_run": round(app_cpu * 1000 / max(1, runs), 1),
        "cores": {
            "app servers": round(app_cpu / seconds, 2),
            "postgresql": round((end.postgres - start.postgres) / seconds, 2),
            "nginx": round((end.nginx - start.nginx) / seconds, 2),
            "load generator": round((end.generator - start.generator) / seconds, 2),
            "whole machine": round(busy * (os.cpu_count() or 1), 2),
        },
    }


async def _facilitator_views(
    pages: list[Client], session: Session, found: dict[str, Any], stats: Stats
) -> list[dict[str, Any]]:
    """What each facilitator page shows at the end (the current round), against the store and
    policybench's own group ranking from the stored weights; the pages are closed."""
    subs = found["rounds"].get(found["current"], [])
    expected = (  # no submissions yet: the page shows no group ranking
        group_order(session.catalog, session.shop, [s.weights for s in subs]) if subs else None
    )
    views = []
    for client in pages:
        shown, table = submissions_shown(client), group_table(client)
        views.append(
            {
                "page": client.name,
                "round": found["current"],
                "submissions_shown": shown,
                "submissions_stored": len(subs),
                "group_ranking_matches": table == expected,
                "refreshes": client.auto_rerun_count,
            }
        )
        if shown != len(subs) or table != expected:
            stats.errors.append(
                f"{client.name}: shows {shown} submissions (store: {len(subs)} in round "
                f"{found['current']}), group ranking "
                f"{'matches' if table == expected else 'differs'}"
            )
        await client.close()
    return views
