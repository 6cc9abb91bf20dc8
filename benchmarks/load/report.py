"""The ``# Load`` section of RESULTS.md: each run's latencies against the targets, the round
the room moved to and the challenges it made (and what the store kept of them), the CPU and
memory each part of the test used, what the facilitator pages showed, and, for a missed
target, why (from the run's own figures)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

#: Issue 6's target, p95 from a weight change to the updated ranking; issue 19's, the same
#: for a challenge to "Challenge saved".
TARGET_P95_MS = 500.0
#: What a run must not have: (its key, what one of them is called).
PROBLEMS = (
    ("errors", "errors"),
    ("lost", "lost submissions"),
    ("wrong_round", "submissions in the wrong round"),
    ("challenges_lost", "challenges not stored as confirmed"),
)


def failed(r: dict[str, Any]) -> bool:
    """Whether the run had an error or lost or misplaced anything (latency aside)."""
    return any(r.get(key) for key, _ in PROBLEMS)


def _slow(what: str, p95: float) -> str | None:
    if math.isnan(p95) or p95 < TARGET_P95_MS:  # nothing measured is not a miss
        return None
    return (
        f"{what} p95 {p95:,.0f} ms is {p95 / TARGET_P95_MS:.1f}x the {TARGET_P95_MS:.0f} ms target"
    )


def verdict(r: dict[str, Any]) -> str:
    """'met', or 'NOT met: ' and every reason (latencies, errors, anything lost)."""
    problems = [
        p
        for p in (
            _slow("weight change", r["weight_change_ms"]["p95"]),
            _slow("challenge", r.get("challenge_ms", {}).get("p95", float("nan"))),
        )
        if p
    ]
    problems += [f"{len(r[key])} {what}" for key, what in PROBLEMS if r.get(key)]
    return "met" if not problems else "NOT met: " + "; ".join(problems)


def section(runs: list[dict[str, Any]], info: dict[str, Any]) -> str:
    """The whole ``# Load`` section for ``runs`` on the machine ``info``."""
    lines = [
        *_intro(runs[0]["settings"], info),
        *_latency_table(runs),
        "",
        *_rounds_table(runs),
        "",
        *_resources_table(runs, info),
        "",
        "What each facilitator page showed at the end (it reads the store on every refresh):",
        "",
        *_facilitator_lines(runs),
        "",
        *_notes(runs[0]["settings"]),
        *_missed(runs, info),
    ]
    for r in runs:
        for key, what in PROBLEMS:
            lines += [
                f"- {what[0].upper() + what[1:]} ({_label(r)}): {e}" for e in r.get(key, [])[:10]
            ]
    return "\n".join(lines) + "\n"


def _label(r: dict[str, Any]) -> str:
    """A run's settings in one cell: servers, submit cadence, server options."""
    st = r["settings"]
    cadence = (
        "submit every change"
        if st["submit_every"] == 1
        else f"submit every {st['submit_every']} changes"
    )
    env = "; " + ", ".join(f"`{e}`" for e in st["env"]) if st["env"] else ""
    front = "nginx + TLS" if r["servers"] > 1 else "direct"
    if "one_address" in r:
        front += ", the room from one address"
    return f"{r['servers']} ({front}); {cadence}{env}"


def _ms(s: dict[str, float]) -> str:
    return f"{s['p50']:,.0f} / {s['p95']:,.0f} / {s['max']:,.0f}"


def other_work(r: dict[str, Any]) -> float:
    """Cores the machine spent on anything but this test in the steady window."""
    cpu: dict[str, float] = r["cpu_cores"]
    ours = cpu["app servers"] + max(0.0, cpu["postgresql"]) + cpu["nginx"] + cpu["load generator"]
    return max(0.0, cpu["whole machine"] - ours)


def _intro(first: dict[str, Any], info: dict[str, Any]) -> list[str]:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rounds = first.get("rounds", 1) > 1
    return [
        "# Load",
        "",
        f"Written by `python -m benchmarks.load` (`make bench-load`) on {when}. One workshop, "
        f"{first['participants']} participants and a facilitator page per app server, all on "
        f"127.0.0.1, against one PostgreSQL {info.get('postgres', '')}. Each participant is a "
        "client speaking Streamlit's websocket protocol (tests/support/stclient.py), as a "
        "browser tab does: it joins through the join link, then every "
        f"{first['interval'][0]:g}–{first['interval'][1]:g} s moves one weight slider to a new "
        "value and waits for the re-ranked page, and presses the submit button (after every "
        'change, or every N changes, as each row says) and waits for "Saved"; each page '
        "also refreshes the group's result every 5 s by itself (as in a browser), and each "
        "facilitator page its monitor every 3 s. Steady window: "
        f"{first['duration']:g} s after everyone has joined (joins spread over {first['ramp']:g} s).",
        "",
        *_challenge_words(first),
        *(_round_words(first) if rounds else []),
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; Linux "
        f"{info['kernel']}, Python {info['python']}, streamlit {info['streamlit']}. The load "
        "generator, PostgreSQL and nginx share the same cores with the app servers, and other "
        "work on the machine shows in the load average and the whole-machine CPU.",
        "",
        f"Targets (issues 6 and 19): p95 from a weight change to the updated ranking, and from "
        f'pressing "Save challenge" to "Challenge saved", under {TARGET_P95_MS:.0f} ms; no '
        "error; no submission or challenge lost, none in the wrong round.",
        "",
    ]


def _challenge_words(first: dict[str, Any]) -> list[str]:
    if not first.get("challenges"):
        return []
    quotes = (
        "the servers check quotes against the five source texts (`POLICYBENCH_SOURCES`)"
        if first.get("sources")
        else "the servers have no source texts, so every quote is saved unverified"
    )
    return [
        "Challenges: over the window each participant also challenges one to three scores "
        f"(about {first['challenges']} distinct challenges in the room, on a pool of cells "
        "smaller than that, so several people dispute the same scores; a third of the "
        "participants later revise one of theirs with another value) through the page's "
        "challenge form, one field at a time as a person fills it (option, criterion, value, "
        "sometimes a range, reason, and for about half a quote with its source: a verbatim "
        'quote the catalog cites, or the same words reversed), then press "Save challenge" '
        f'and wait for "Challenge saved (N in all)"; {quotes}, and the page must say '
        "verified or unverified as the catalog's own check says of each quote "
        "(benchmarks/load/plan.py).",
        "",
    ]


def _round_words(first: dict[str, Any]) -> list[str]:
    return [
        f"Rounds: at {first.get('round_at', 0.5):.0%} of the window the facilitator locks the "
        'round ("Lock the round", "Lock now"), reveals the result and opens round 2, each '
        "a click on the facilitator page's buttons (by their widget keys; a button missing "
        "from the page is replaced by the store's API, and the table says which), pausing "
        "3 s between clicks; the participants carry on: a page that says the round is "
        "closed waits until its own watch (every 5 s) redraws it open, then goes on in "
        "round 2 from the weights the page starts it with. A write refused because the round "
        'was locked under a page not yet redrawn is counted ("refused while locked"), not an '
        "error.",
        "",
    ]


def _latency_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| app servers; load; server options | weight change → ranking p50 / p95 / max (ms) "
        "| submit → saved p50 / p95 / max (ms) | challenge → saved p50 / p95 / max (ms) "
        "| changes / submits / challenge saves | errors | lost | in the wrong round "
        "| challenges not as confirmed | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        challenge = r.get("challenge_ms", {"n": 0})
        saves = r.get("challenges", {}).get("confirmed_saves", 0)
        lines.append(
            f"| {_label(r)} | {_ms(r['weight_change_ms'])} | {_ms(r['submit_ms'])} | "
            f"{_ms(challenge) if challenge.get('n') else '-'} | "
            f"{r['changes']:,} / {r['submits']:,} / {saves:,} | {len(r['errors'])} | "
            f"{len(r['lost'])} | {len(r.get('wrong_round', []))} | "
            f"{len(r.get('challenges_lost', []))} | {verdict(r)} |"
        )
    return lines


def _rounds_table(runs: list[dict[str, Any]]) -> list[str]:
    """Per run: how round 2 was opened and when, what the lock refused, the submissions per
    round and the challenges (made, kept, verified)."""
    if not any("rounds" in r for r in runs):
        return []
    lines = [
        "| app servers; load; server options | round 2: opened through | lock / round 2 open "
        "(s into the window) | each step, click → page redrawn (ms) | refused while locked "
        "| submissions stored per round | challenges planned / confirmed saves / distinct "
        "| stored: challenges (cells), with a quote, verified, last written in round 2 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        rd, ch = r.get("rounds"), r.get("challenges", {})
        if rd is None:
            continue
        steps = "; ".join(
            f"{s['step']}: {' + '.join(f'{m:,.0f}' for m in s['ms'])}" for s in rd["steps"]
        )
        per_round = ", ".join(f"round {k}: {v}" for k, v in rd["submissions"].items())
        lines.append(
            f"| {_label(r)} | {rd['via']} | {_s(rd['lock_at_s'])} / {_s(rd['round_2_open_at_s'])} "
            f"| {steps or '-'} | {rd['refused_while_locked']} | {per_round or '-'} | "
            f"{ch.get('planned_saves', 0)} / {ch.get('confirmed_saves', 0)} / "
            f"{ch.get('confirmed_distinct', 0)} | {ch.get('stored', 0)} ({ch.get('cells', 0)}), "
            f"{ch.get('with_quote', 0)}, {ch.get('verified', 0)}, "
            f"{ch.get('written_in_round_2', 0)} |"
        )
    return lines


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.0f}"


def _resources_table(runs: list[dict[str, Any]], info: dict[str, Any]) -> list[str]:
    lines = [
        "| app servers; load; server options | sessions per server | CPU per app server (cores) "
        "| app CPU per script run (ms) | PostgreSQL | nginx | load generator | whole machine "
        "| of which other work | RSS before → after per server (MB) | MB per session "
        "| load average before / after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        ps, cpu = r["per_server"], r["cpu_cores"]
        lines.append(
            f"| {_label(r)} | {', '.join(str(p['sessions']) for p in ps)} | "
            f"{', '.join(format(p['cpu_cores'], '.2f') for p in ps)} | "
            f"{r['server_cpu_ms_per_run']:.0f} ({r['script_runs_in_window']:,} runs) | "
            f"{cpu['postgresql']:.2f} | {cpu['nginx']:.2f} | {cpu['load generator']:.2f} | "
            f"{cpu['whole machine']:.2f} of {info['cores']} | {other_work(r):.2f} | "
            f"{', '.join(str(p['rss_before_mb']) + ' → ' + str(p['rss_after_mb']) for p in ps)} | "
            f"{', '.join(format(p['mb_per_session'], '.1f') for p in ps)} | "
            f"{r['load_average'][0]:.2f} / {r['load_average'][3]:.2f} |"
        )
    return lines


def _in_round(view: dict[str, Any]) -> str:
    return f" (round {view['round']})" if view.get("round", 1) > 1 else ""


def _facilitator_lines(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"- {_label(r)}, {f['page']}{_in_round(f)}: {f['submissions_shown']} submissions "
        f"shown, {f['submissions_stored']} stored; group ranking "
        f"{'the same as' if f['group_ranking_matches'] else 'DIFFERENT from'} "
        "policybench's from the stored weights."
        for r in runs
        for f in r["facilitators"]
    ]
    for r in runs:
        stale = r.get("rounds", {}).get("pages_with_stale_sliders", 0)
        if stale:
            lines.append(
                f"- {_label(r)}: {stale} participant page{'s were' if stale > 1 else ' was'} "
                "redrawn straight from round 1 open to round 2 open (the page's watch saw "
                "neither the lock nor the reveal) with sliders whose unsaved positions differ "
                "from the weights round 2 starts from: a browser keeps showing such sliders "
                "where they were (same widgets), while the page ranks the new round's weights."
            )
        if "one_address" in r:
            a = r["one_address"]
            lines.append(
                f"- {_label(r)}: every client arrived as one address (X-Forwarded-For, the "
                "server told to believe the load generator as the room's proxy). Before the "
                f"room joined, one person mistyped the join code {a['attempts']} times "
                f"(refused as too many from attempt {a['codes_refused_from']}) and a personal "
                f"link {a['attempts']} times (from attempt {a['links_refused_from']}); after "
                f"that, everyone else was refused {a['others_refused']} times (joins, changes, "
                "submits, the pages' refreshes and the facilitator's sign-in)."
            )
        if r["servers"] > 1 and "security_headers" in r:
            sent = r["security_headers"]
            once = all(len(v) == 1 for v in sent.values())
            lines.append(
                f"- {_label(r)}: through nginx a page carries "
                + ", ".join(f"{k}: {'/'.join(v) or 'MISSING'}" for k, v in sent.items())
                + f" ({'each once' if once else 'NOT each once'}), a Content-Security-Policy "
                f"{'with' if r.get('frame_ancestors_none') else 'WITHOUT'} frame-ancestors "
                f"'none'; /_stcore/metrics answers {r.get('metrics_status')}."
            )
        if r["servers"] > 1:
            logged = (
                "HOLDS join codes or tokens."
                if r.get("access_log_has_codes_or_tokens")
                else "holds NO join code or token."
            )
            lines.append(
                f"- {_label(r)}: plain HTTP redirected to HTTPS: "
                f"{'yes' if r.get('http_redirects_to_https') else 'NO'}; nginx's access log "
                f"({r.get('access_log_lines', 0)} lines) {logged}"
            )
    return lines


def _notes(first: dict[str, Any]) -> list[str]:
    return [
        "- Sessions per server: websocket connections counted on each server's port, the "
        "facilitator's page included; with two servers nginx pins each browser to one by a "
        "random cookie, so the split is random, not exactly even.",
        "- Other work: the machine's busy cores minus this test's processes. The machine is "
        "shared; a row where other work took a large share (or the load average rose well "
        "above the 2 cores) measured the app on less CPU than the table's own columns suggest.",
        "- App CPU per script run: the app servers' CPU time in the steady window over the "
        "script runs in it (weight changes, submits, the challenge form's fields and saves, the "
        "facilitator's clicks, and the pages' own refreshes).",
        "- MB per session: the server's RSS growth from after warm-up to the end of the steady "
        "window, divided by its sessions.",
        f"- Every {first['check_every']}th change of each participant, the ranking the page "
        "showed was decoded and compared with policybench's own for the same weights; a "
        "difference counts as an error.",
        "- Lost: a participant whose stored submission in a round is not exactly the weights "
        "and revision their page last confirmed in that round (or a submission stored where "
        "none was confirmed); in the wrong round: weights a page confirmed in one round stored "
        "in another. Challenges not as confirmed: a cell whose stored challenge differs from "
        "the participant's last confirmed save (value, range, reason, quote, source, verified, "
        "round), or a challenge stored that no page confirmed.",
        '- Challenge → saved: from pressing "Save challenge" to the form redrawn saying '
        '"Challenge saved" (the form\'s other fields are changed beforehand, each its own '
        "run of the form, counted in the script runs but not timed here).",
    ]


def _missed(runs: list[dict[str, Any]], info: dict[str, Any]) -> list[str]:
    """For each run that missed the latency target: the script runs the pages asked for,
    against what the servers' CPU could do, from the run's own figures."""
    missed = [
        r
        for r in runs
        if r["weight_change_ms"]["p95"] >= TARGET_P95_MS
        or r.get("challenge_ms", {}).get("p95", 0.0) >= TARGET_P95_MS
    ]
    lines = ["", "Why a target is missed (from each row's own figures):", ""] if missed else []
    for r in missed:
        what, p95 = max(
            (
                ("weight change", r["weight_change_ms"]["p95"]),
                ("challenge", r.get("challenge_ms", {}).get("p95", 0.0)),
            ),
            key=lambda x: -1.0 if math.isnan(x[1]) else x[1],
        )
        st = r["settings"]
        done = r["script_runs_in_window"] / max(1.0, r["steady_seconds"])
        pace = sum(st["interval"]) / 2
        # Each participant: a change (and 1/N of a submit) per interval, plus the page's own
        # refresh every 5 s; each facilitator page every 3 s. Replies take time, so the
        # clients (which wait for each reply) get fewer done than this when it is slow.
        wanted = (
            st["participants"] * ((1 + 1 / st["submit_every"]) / pace + 1 / 5)
            + r["servers"] / 3
            + r.get("other_runs", 0) / max(1.0, r["steady_seconds"])
        )
        per_process = 1000.0 / max(1.0, r["server_cpu_ms_per_run"])
        usable = max(0.1, min(float(r["servers"]), (info["cores"] or 1) - other_work(r) - 0.2))
        lines.append(
            f"- {_label(r)}: {what} p95 {p95:,.0f} ms, {p95 / TARGET_P95_MS:.1f}x the target. At "
            f"the intended pace the pages ask for about {wanted:.0f} script runs a second "
            f"(they got {done:.0f} done); at {r['server_cpu_ms_per_run']:.0f} ms of CPU a run, "
            f"one server process (one core at most: Python runs one thread at a time) does "
            f"about {per_process:.0f} a second, and the {r['servers']} "
            f"server{'s' if r['servers'] > 1 else ''} had about {usable:.1f} "
            f"core{'s' if usable >= 1.5 else ''} free to share: the pace asks for "
            f"{wanted / (per_process * usable):.0%} of that. Past about 70 %, runs queue "
            "behind each other and the wait, not the work, is the latency; to stay under it "
            f"here a run may cost at most about {0.7 * usable * 1000 / wanted:.0f} ms of CPU."
        )
    return lines
