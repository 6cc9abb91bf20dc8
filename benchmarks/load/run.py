"""The workshop load test (issue 6): 30 participants and a facilitator on one app server, then
on two behind nginx, all against one PostgreSQL, all on 127.0.0.1.

Usage::

    python benchmarks/load/run.py [--duration 120] [--participants 30] [--servers 1,2]
        [--interval 1,2] [--submit-every 1] [--ramp 10] [--env KEY=VALUE ...]
        [--append] [--no-write]

``--env`` passes settings to the app servers (e.g. ``STREAMLIT_RUNNER_POST_SCRIPT_GC=false``);
``--append`` adds this invocation's runs to the last ones in the section (to compare loads
or settings in one table). Exit status 1 if any run had an error or lost a submission; a
missed latency target is reported in RESULTS.md ("NOT met", by how much), not as a failure.

What it does, for each server count:

1. Starts a throwaway PostgreSQL (temp folder, 127.0.0.1, a free high port; as the
   ``postgres`` user when run as root) and creates a workshop on it with every option and
   criterion of the shipped catalog.
2. Starts the app servers exactly as ``policybench serve --host 127.0.0.1 --port P`` does,
   with ``POLICYBENCH_DATABASE_URL`` pointing at that PostgreSQL. With two, it starts nginx
   (the Debian package; installed with apt-get if missing and we are root) with
   ``deploy/nginx.conf`` as it is, only its ``# test:`` lines changed (ports on 127.0.0.1, a
   self-signed certificate): TLS, websocket upgrade, sticky sessions by cookie.
3. A facilitator page per app server (directly on each server, so that each server's view is
   checked) signs in with the join code and passphrase and keeps its monitor refreshing.
4. ``--participants`` clients (stclient.py: Streamlit's websocket protocol, as a browser tab
   speaks it) open the join link through the front door, join under a display name, then
   until the time is up: wait 1–2 s (``--interval``), move one weight slider to a new value
   and wait for the re-ranked page (``script_finished``), and (every ``--submit-every``
   changes) press the submit button and wait for "Saved (revision N)". Each page also runs
   the "group's result" fragment every 5 s on its own, as a browser does.
5. Measures: time from a weight change to the updated ranking, from a submit to "Saved",
   the auto-refreshes; errors (a dropped connection, a run that did not finish, an
   ``st.error`` or exception on the page, a submit not confirmed, a ranking that differs from
   policybench's own for those weights); server RSS before and after the sessions; CPU of
   the app servers, PostgreSQL, nginx and this load generator over the steady window.
6. Afterwards: every participant's stored submission must be exactly their last confirmed
   weights at their last confirmed revision ("none lost"), and every facilitator page must
   show every submission and the group ranking that policybench computes from the store.

The figures go into the ``# Load`` section of benchmarks/RESULTS.md (that section only) and,
in full, into tests/artifacts/load.json. Every request goes to 127.0.0.1; every loop is
bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))  # tests/support: the servers the tests start too

from stclient import (  # noqa: E402
    FINISHED_OK,
    ProtocolError,
    StreamlitClient,
    dataframe_rows,
)

from support.appserver import AppServer, wait_healthy  # noqa: E402
from support.pgserver import PgServer, PgUnavailable  # noqa: E402
from support.ports import free_port  # noqa: E402

OPTIONS = ROOT / "options"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
RAW = ROOT / "tests" / "artifacts" / "load.json"
TARGET_P95_MS = 500.0
PASSPHRASE = "load test passphrase"
CLK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------ processes
def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK


def proc_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            out.append(int(entry.name))
    return out


def reaped_cpu(pid: int) -> float:
    """CPU seconds of the children ``pid`` has already reaped (cutime + cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / CLK


def tree_cpu(pid: int) -> float:
    """A server and its worker processes: live ones, and those that have exited."""
    return proc_cpu(pid) + reaped_cpu(pid) + sum(proc_cpu(c) for c in children(pid))


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return float(sum(parts) - idle), float(sum(parts))


def established(port: int) -> int:
    """Established TCP connections whose local port is ``port`` (the sessions on a server)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local, state = cols[1], cols[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    import streamlit

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
    }


def ensure_nginx() -> str | None:
    """The nginx binary, installing Debian's package if we may; None (with a note) if not."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("load: installing nginx (Debian package)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
        done = subprocess.run(
            ["apt-get", "install", "-y", "-qq", "nginx"], env=env, check=False, capture_output=True
        )
        if done.returncode == 0:
            return shutil.which("nginx") or "/usr/sbin/nginx"
    print(
        "load: nginx is not installed and cannot be installed here (needs root and apt-get: "
        "apt-get install nginx); the two-server run is skipped",
        flush=True,
    )
    return None


def test_site_config(
    app_ports: list[int], http_port: int, https_port: int, cert: Path, key: Path
) -> str:
    """deploy/nginx.conf with only its ``# test:`` lines changed."""
    out = []
    servers = iter(app_ports)
    upstream_lines = 0
    for line in NGINX_CONF.read_text().splitlines():
        if "# test: app server" in line:
            upstream_lines += 1
            port = next(servers, None)
            if port is None:
                continue  # fewer app servers than the file lists
            line = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", line)
        elif "# test: http port" in line:
            line = re.sub(r"listen \S+;", f"listen 127.0.0.1:{http_port};", line)
        elif "# test: https port" in line:
            line = re.sub(r"listen \S+ ssl;", f"listen 127.0.0.1:{https_port} ssl;", line)
        elif "# test: access log" in line:
            line = re.sub(r"access_log \S+", f"access_log {cert.parent / 'access.log'}", line)
        elif "# test: certificate" in line:
            line = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", line)
        elif "# test: key" in line:
            line = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", line)
        out.append(line)
    if upstream_lines < len(app_ports):
        raise RuntimeError("deploy/nginx.conf lists fewer app servers than the test runs")
    return "\n".join(out) + "\n"


class Nginx:
    """nginx with deploy/nginx.conf included in a minimal main config, in a temp folder."""

    def __init__(self, binary: str, app_ports: list[int], workdir: Path) -> None:
        self.dir = workdir / "nginx"
        self.dir.mkdir()
        self.cert, self.key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.key), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        self.http_port, self.https_port = free_port(), free_port()
        site = self.dir / "policybench.conf"
        site.write_text(
            test_site_config(app_ports, self.http_port, self.https_port, self.cert, self.key)
        )
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / sub).mkdir()
        user = "user root;" if os.geteuid() == 0 else ""
        main = self.dir / "nginx.conf"
        main.write_text(
            f"""{user}
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    include {site};
}}
"""
        )
        checked = subprocess.run(
            [binary, "-t", "-q", "-p", str(self.dir), "-c", str(main)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{checked.stderr}")
        self.process = subprocess.Popen(
            [binary, "-p", str(self.dir), "-c", str(main), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=(self.dir / "stderr.log").open("w"),
        )  # fmt: skip
        self.pid = self.process.pid
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.ssl = ssl.create_default_context(cafile=str(self.cert))
        wait_healthy(
            self.url,
            process=self.process,
            log=self.dir / "error.log",
            timeout=20,
            interval=0.2,
            context=self.ssl,
            what="nginx",
        )
        # The plain-HTTP port only redirects.
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}/workshop")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(req, timeout=5)
            self.redirects = False
        except urllib.error.HTTPError as exc:
            self.redirects = exc.code == 301 and exc.headers.get("Location", "").startswith(
                "https://"
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# ------------------------------------------------------------------------------ the clients
@dataclass
class Stats:
    change_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    auto_ms: list[float] = field(default_factory=list)
    join_ms: list[float] = field(default_factory=list)
    monitor_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rank_checks: int = 0
    steady: bool = False


@dataclass
class Participant:
    name: str
    token: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    confirmed: dict[str, float] | None = None
    revision: int = 0
    changes: int = 0
    submits: int = 0
    auto_runs: int = 0  # the page's own refreshes of the group's result
    client: Any = None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1) if values else float("nan"),
        "mean": round(statistics.fmean(values), 1) if values else float("nan"),
    }


SAVED = re.compile(r"Saved \(revision (\d+)\)")
SUBMIT_LABELS = ("Submit my weights", "Save my revised weights")


async def run_participant(
    i: int,
    base: str,
    code: str,
    shop: Any,
    catalog: Any,
    stats: Stats,
    me: Participant,
    args: argparse.Namespace,
    start_at: float,
    stop_at: float,
    ssl_context: ssl.SSLContext | None,
) -> None:
    from policybench import workshop_views as wv

    rng = random.Random(args.seed * 1000 + i)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    client = StreamlitClient(
        base, page="workshop", query=f"code={code}", name=me.name, ssl_context=ssl_context,
        timeout=args.timeout,
    )  # fmt: skip
    me.client = client
    try:
        t0 = time.perf_counter()
        await client.connect()
        r = await client.submit_form(
            {"Your display name": me.name},
            "Join the workshop",
            kinds={"Your display name": "text_input"},
            form="join",
        )
        stats.join_ms.append((time.perf_counter() - t0) * 1000)
        me.token = client.query().get("p", "")
        if r.status not in FINISHED_OK or not me.token or r.errors or r.exceptions:
            stats.errors.append(
                f"{me.name}: join failed: {r.errors or r.exceptions or client.query_string}"
            )
            return
        sliders = client.widgets("slider")
        if len(sliders) != len(shop.criteria):
            stats.errors.append(
                f"{me.name}: {len(sliders)} sliders for {len(shop.criteria)} criteria"
            )
            return
        for node, cid in zip(sliders, shop.criteria, strict=True):
            me.weights[cid] = float(client.value(node)[0])
        while time.monotonic() < stop_at:
            await asyncio.sleep(rng.uniform(*args.interval))
            if time.monotonic() >= stop_at:
                break
            k = rng.randrange(len(shop.criteria))
            cid = shop.criteria[k]
            choices = [float(v) for v in range(0, 11) if float(v) != me.weights[cid]]
            others = sum(w for c, w in me.weights.items() if c != cid)
            if others == 0:
                choices = [v for v in choices if v > 0]
            value = rng.choice(choices)
            node = client.widget(sliders[k].proto.label, "slider")
            steady = stats.steady
            r = await client.rerun(
                [client.state_for(node, value)],
                fragment_id=client.widget_fragments.get(node.proto.id, ""),
            )
            me.weights[cid] = value
            me.changes += 1
            if steady:
                stats.change_ms.append(r.seconds * 1000)
            if r.status not in FINISHED_OK or r.errors or r.exceptions:
                stats.errors.append(
                    f"{me.name}: weight change: status {r.status} {r.errors} {r.exceptions}"
                )
                continue
            tables = [n for n in client.nodes.values() if n.kind == "dataframe"]
            if not tables:
                stats.errors.append(f"{me.name}: no ranking after a weight change")
            elif me.changes % args.check_every == 0:
                shown = [row["option"] for row in dataframe_rows(min(tables, key=lambda n: n.path))]
                expected = wv.own_ranking(catalog, shop.options, shop.criteria, dict(me.weights))
                want = [str(o) for o in expected["option"]]
                stats.rank_checks += 1
                if shown != want:
                    stats.errors.append(
                        f"{me.name}: ranking shown differs from policybench's for {me.weights}"
                    )
            if me.changes % args.submit_every:
                continue
            button = next(
                (b for b in client.widgets("button") if b.proto.label in SUBMIT_LABELS), None
            )
            if button is None:
                stats.errors.append(f"{me.name}: no submit button")
                continue
            steady = stats.steady
            r = await client.rerun(
                [client.state_for(button, True)],
                fragment_id=client.widget_fragments.get(button.proto.id, ""),
            )
            if steady:
                stats.submit_ms.append(r.seconds * 1000)
            saved = [m for m in (SAVED.search(t) for t in client.alerts("success")) if m]
            if r.status not in FINISHED_OK or r.errors or r.exceptions or not saved:
                stats.errors.append(f"{me.name}: submit not confirmed: {r.errors} {r.exceptions}")
                continue
            revision = int(saved[0].group(1))
            if revision != me.revision + 1:
                stats.errors.append(f"{me.name}: revision {revision} after {me.revision}")
            me.revision = revision
            me.confirmed = dict(me.weights)
            me.submits += 1
    except ProtocolError as exc:
        stats.errors.append(f"{me.name}: {exc}")
    finally:
        me.auto_runs = client.auto_rerun_count
        await client.close()


async def run_facilitator(
    label: str,
    url: str,
    code: str,
    stats: Stats,
    seen: dict[str, Any],
    stop: asyncio.Event,
    timeout: float,
) -> StreamlitClient | None:
    client = StreamlitClient(
        url, page="facilitate", query=f"code={code}", name=label, timeout=timeout
    )
    seen.setdefault("_clients", []).append(client)
    try:
        await client.connect()
        r = await client.submit_form(
            {"Join code": code, "Passphrase": PASSPHRASE},
            "Sign in",
            kinds={"Join code": "text_input", "Passphrase": "text_input"},
            form="sign_in",
        )
        if r.status not in FINISHED_OK or r.errors or r.exceptions:
            stats.errors.append(f"{label}: sign-in failed: {r.errors} {r.exceptions}")
            return client
        seen[label] = {"timeline": []}
        last_runs = 0
        while not stop.is_set():
            await asyncio.sleep(0.5)
            if client.auto_rerun_count != last_runs:
                last_runs = client.auto_rerun_count
                count = submissions_shown(client)
                seen[label]["timeline"].append((time.monotonic(), count))
                if client.run_errors or client.run_exceptions:
                    stats.errors.append(f"{label}: {client.run_errors} {client.run_exceptions}")
            if client.closed_reason:
                stats.errors.append(f"{label}: connection lost: {client.closed_reason}")
                break
        return client
    except ProtocolError as exc:
        stats.errors.append(f"{label}: {exc}")
        return client


def submissions_shown(client: StreamlitClient) -> int | None:
    for node in client.nodes.values():
        if node.kind == "metric" and node.proto.label == "Submissions":
            try:
                return int(node.proto.body)
            except ValueError:
                return None
    return None


def group_table(client: StreamlitClient) -> list[str] | None:
    for node in sorted(client.nodes.values(), key=lambda n: n.path):
        if node.kind == "dataframe":
            rows = dataframe_rows(node)
            if rows and {"rank", "option", "value"} <= set(rows[0]):
                return [str(r["option"]) for r in rows]
    return None


# ------------------------------------------------------------------------------ one scenario
async def scenario(
    servers: int,
    pg: Any,
    catalog: Any,
    args: argparse.Namespace,
    workdir: Path,
    nginx_bin: str | None,
) -> dict[str, Any]:
    from policybench import workshop_views as wv
    from policybench.store import open_store

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
        "settings": {
            "participants": args.participants,
            "interval": list(args.interval),
            "submit_every": args.submit_every,
            "env": list(args.env),
            "duration": args.duration,
            "ramp": args.ramp,
            "check_every": args.check_every,
        },
    }
    try:
        for app in apps:  # all launched first: they start side by side
            app.launch()
        for app in apps:
            app.wait_healthy()
        if servers > 1:
            assert nginx_bin is not None
            nginx = Nginx(nginx_bin, [a.port for a in apps], workdir)
            front, ctx = nginx.url, nginx.ssl
            result["front"] = "nginx (TLS, sticky cookie) in front of the app servers"
            result["http_redirects_to_https"] = nginx.redirects
        else:
            front, ctx = apps[0].url, None
            result["front"] = "the app server directly"
        # Warm up each server: first-run imports of both workshop pages.
        for app in apps:
            for page, query in (("workshop", f"code={fac.code}"), ("facilitate", "")):
                c = StreamlitClient(
                    app.url, page=page, query=query, name="warm-up", timeout=args.timeout
                )
                await c.connect()
                await c.close()
        await asyncio.sleep(1.0)
        rss_before = {a.pid: proc_rss_mb(a.pid) for a in apps}

        stats = Stats()
        people = [Participant(f"Participant {i + 1:02d}") for i in range(args.participants)]
        stop = asyncio.Event()
        seen: dict[str, Any] = {}
        facilitators = [
            asyncio.create_task(
                run_facilitator(
                    f"facilitator on server {k + 1}",
                    app.url,
                    fac.code,
                    stats,
                    seen,
                    stop,
                    args.timeout,
                )
            )
            for k, app in enumerate(apps)
        ]
        now = time.monotonic()
        ramp_end = now + args.ramp
        stop_at = ramp_end + 3 + args.duration
        tasks = []
        for i, me in enumerate(people):
            start_at = now + args.ramp * i / max(1, args.participants)
            tasks.append(
                asyncio.create_task(
                    run_participant(
                        i, front, fac.code, shop, catalog, stats, me, args, start_at, stop_at, ctx
                    )
                )
            )
        await asyncio.sleep(max(0.0, ramp_end + 3 - time.monotonic()))
        # Steady state: everyone has joined.
        stats.steady = True
        cpu0 = {a.pid: proc_cpu(a.pid) for a in apps}
        pg_pid = int((pg.data / "postmaster.pid").read_text().split()[0])
        pg0 = tree_cpu(pg_pid)
        ng0 = tree_cpu(nginx.pid) if nginx else 0.0
        me0 = proc_cpu(os.getpid())
        m0 = machine_cpu()
        load0 = os.getloadavg()
        t0 = time.monotonic()
        sessions = {a.pid: established(a.port) for a in apps}
        auto0 = sum(p.client.auto_rerun_count for p in people if p.client is not None)
        auto0 += sum(c.auto_rerun_count for c in seen.get("_clients", []))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - t0
        stats.steady = False
        cpu1 = {a.pid: proc_cpu(a.pid) for a in apps}
        pg1, ng1, me1, m1 = (
            tree_cpu(pg_pid),
            (tree_cpu(nginx.pid) if nginx else 0.0),
            proc_cpu(os.getpid()),
            machine_cpu(),
        )
        rss_after = {a.pid: proc_rss_mb(a.pid) for a in apps}
        load1 = os.getloadavg()
        auto1 = sum(p.auto_runs for p in people) + sum(
            c.auto_rerun_count for c in seen.get("_clients", [])
        )
        runs = len(stats.change_ms) + len(stats.submit_ms) + (auto1 - auto0)
        # Let each facilitator page refresh twice more, then read what it shows.
        await asyncio.sleep(7.0)
        stop.set()
        fac_clients = await asyncio.gather(*facilitators)

        # What the store holds.
        subs = {s.display_name: s for s in store.workshops.submissions(fac)}
        lost = []
        for me in people:
            got = subs.get(me.name)
            if me.confirmed is None:
                if got is not None:
                    lost.append(f"{me.name}: stored without a confirmed submit")
                continue
            if got is None:
                lost.append(f"{me.name}: confirmed revision {me.revision}, nothing stored")
            elif got.revision != me.revision or got.weights != me.confirmed:
                lost.append(
                    f"{me.name}: confirmed revision {me.revision} {me.confirmed}, stored "
                    f"revision {got.revision} {got.weights}"
                )
        expected_group = [
            str(o)
            for o in wv.group_view(
                catalog,
                shop.options,
                shop.criteria,
                [s.weights for s in subs.values()],
                smaa_samples=0,
            ).ranking["option"]
        ]
        facilitator_views = []
        for client in fac_clients:
            if client is None:
                continue
            shown = submissions_shown(client)
            table = group_table(client)
            facilitator_views.append(
                {
                    "page": client.name,
                    "submissions_shown": shown,
                    "submissions_stored": len(subs),
                    "group_ranking_matches": table == expected_group,
                    "refreshes": client.auto_rerun_count,
                }
            )
            if shown != len(subs) or table != expected_group:
                stats.errors.append(
                    f"{client.name}: shows {shown} submissions (store: {len(subs)}), group ranking "
                    f"{'matches' if table == expected_group else 'differs'}"
                )
            await client.close()

        busy = (m1[0] - m0[0]) / max(1.0, m1[1] - m0[1]) * (os.cpu_count() or 1)
        per_server = []
        for a in apps:
            n = max(1, sessions[a.pid])
            per_server.append(
                {
                    "sessions": sessions[a.pid],
                    "cpu_cores": round((cpu1[a.pid] - cpu0[a.pid]) / elapsed, 2),
                    "rss_before_mb": round(rss_before[a.pid]),
                    "rss_after_mb": round(rss_after[a.pid]),
                    "mb_per_session": round((rss_after[a.pid] - rss_before[a.pid]) / n, 1),
                }
            )
        result.update(
            {
                "code_length": len(fac.code),
                "steady_seconds": round(elapsed, 1),
                "weight_change_ms": summary(stats.change_ms),
                "submit_ms": summary(stats.submit_ms),
                "join_ms": summary(stats.join_ms),
                "changes": sum(p.changes for p in people),
                "submits": sum(p.submits for p in people),
                "rank_checks": stats.rank_checks,
                "script_runs_in_window": runs,
                "server_cpu_ms_per_run": round(
                    sum((cpu1[p] - cpu0[p]) for p in cpu0) * 1000 / max(1, runs), 1
                ),
                "errors": stats.errors,
                "lost": lost,
                "stored_submissions": len(subs),
                "facilitators": facilitator_views,
                "per_server": per_server,
                "cpu_cores": {
                    "app servers": round(sum((cpu1[p] - cpu0[p]) for p in cpu0) / elapsed, 2),
                    "postgresql": round((pg1 - pg0) / elapsed, 2),
                    "nginx": round((ng1 - ng0) / elapsed, 2),
                    "load generator": round((me1 - me0) / elapsed, 2),
                    "whole machine": round(busy, 2),
                },
                "load_average": [round(x, 2) for x in load0] + [round(x, 2) for x in load1],
            }
        )
        return result
    finally:
        if nginx is not None:
            nginx.stop()
            log = nginx.dir / "access.log"
            logged = log.read_text(errors="replace") if log.exists() else ""
            result["access_log_lines"] = len(logged.splitlines())
            result["access_log_has_codes_or_tokens"] = fac.code in logged or "p=" in logged
        for app in apps:
            app.stop()
        store.close()


# ------------------------------------------------------------------------------ report
def fmt_ms(s: dict[str, float]) -> str:
    return f"{s['p50']:,.0f} / {s['p95']:,.0f} / {s['max']:,.0f}"


def verdict(r: dict[str, Any]) -> str:
    p95 = r["weight_change_ms"]["p95"]
    problems = []
    if not p95 < TARGET_P95_MS:
        problems.append(f"p95 {p95:,.0f} ms is {p95 / TARGET_P95_MS:.1f}x the 500 ms target")
    if r["errors"]:
        problems.append(f"{len(r['errors'])} errors")
    if r["lost"]:
        problems.append(f"{len(r['lost'])} lost submissions")
    return "met" if not problems else "NOT met: " + "; ".join(problems)


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
    return f"{r['servers']} ({front}); {cadence}{env}"


def other_work(r: dict[str, Any]) -> float:
    """Cores the machine spent on anything but this test in the steady window."""
    cpu = r["cpu_cores"]
    ours = cpu["app servers"] + max(0.0, cpu["postgresql"]) + cpu["nginx"] + cpu["load generator"]
    return max(0.0, cpu["whole machine"] - ours)


def write_results(runs: list[dict[str, Any]], info: dict[str, Any]) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    first = runs[0]["settings"]
    lines = [
        "# Load",
        "",
        f"Written by `benchmarks/load/run.py` (`make bench-load`) on {when}. One workshop, "
        f"{first['participants']} participants and a facilitator page per app server, all on "
        f"127.0.0.1, against one PostgreSQL {info.get('postgres', '')}. Each participant is a "
        "client speaking Streamlit's websocket protocol (benchmarks/load/stclient.py), as a "
        "browser tab does: it joins through the join link, then every "
        f"{first['interval'][0]:g}–{first['interval'][1]:g} s moves one weight slider to a new "
        "value and waits for the re-ranked page, and presses the submit button (after every "
        'change, or every N changes, as each row says) and waits for "Saved"; each page '
        "also refreshes the group's result every 5 s by itself (as in a browser), and each "
        "facilitator page its monitor every 3 s. Steady window: "
        f"{first['duration']:g} s after everyone has joined (joins spread over {first['ramp']:g} s).",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; Linux "
        f"{info['kernel']}, Python {info['python']}, streamlit {info['streamlit']}. The load "
        "generator, PostgreSQL and nginx share the same cores with the app servers, and other "
        "work on the machine shows in the load average and the whole-machine CPU.",
        "",
        "Target (issue 6): p95 from a weight change to the updated ranking under 500 ms, no "
        "errors, no lost submission.",
        "",
        "| app servers; load; server options | weight change → ranking p50 / p95 / max (ms) | submit → saved p50 / p95 / max (ms) | changes / submits | errors | lost | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {_label(r)} | {fmt_ms(r['weight_change_ms'])} | {fmt_ms(r['submit_ms'])} | "
            f"{r['changes']:,} / {r['submits']:,} | {len(r['errors'])} | {len(r['lost'])} | "
            f"{verdict(r)} |"
        )
    lines += [
        "",
        "| app servers; load; server options | sessions per server | CPU per app server (cores) | app CPU per script run (ms) | PostgreSQL | nginx | load generator | whole machine | of which other work | RSS before → after per server (MB) | MB per session | load average before / after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        ps = r["per_server"]
        lines.append(
            f"| {_label(r)} | {', '.join(str(p['sessions']) for p in ps)} | "
            f"{', '.join(format(p['cpu_cores'], '.2f') for p in ps)} | "
            f"{r['server_cpu_ms_per_run']:.0f} ({r['script_runs_in_window']:,} runs) | "
            f"{r['cpu_cores']['postgresql']:.2f} | "
            f"{r['cpu_cores']['nginx']:.2f} | {r['cpu_cores']['load generator']:.2f} | "
            f"{r['cpu_cores']['whole machine']:.2f} of {info['cores']} | "
            f"{other_work(r):.2f} | "
            f"{', '.join(str(p['rss_before_mb']) + ' → ' + str(p['rss_after_mb']) for p in ps)} | "
            f"{', '.join(format(p['mb_per_session'], '.1f') for p in ps)} | "
            f"{r['load_average'][0]:.2f} / {r['load_average'][3]:.2f} |"
        )
    lines += [
        "",
        "What each facilitator page showed at the end (it reads the store on every refresh):",
        "",
    ]
    for r in runs:
        for f in r["facilitators"]:
            lines.append(
                f"- {_label(r)}, {f['page']}: {f['submissions_shown']} submissions shown, "
                f"{f['submissions_stored']} stored; group ranking "
                f"{'the same as' if f['group_ranking_matches'] else 'DIFFERENT from'} "
                "policybench's from the stored weights."
            )
    for r in runs:
        if r["servers"] > 1:
            lines.append(
                f"- {_label(r)}: plain HTTP redirected to HTTPS: "
                f"{'yes' if r.get('http_redirects_to_https') else 'NO'}; nginx's access log "
                f"({r.get('access_log_lines', 0)} lines) "
                + (
                    "holds NO join code or token."
                    if not r.get("access_log_has_codes_or_tokens")
                    else "HOLDS join codes or tokens."
                )
            )
    lines += [
        "",
        "- Sessions per server: websocket connections counted on each server's port, the "
        "facilitator's page included; with two servers nginx pins each browser to one by a "
        "random cookie, so the split is random, not exactly even.",
        "- Other work: the machine's busy cores minus this test's processes. The machine is "
        "shared; a row where other work took a large share (or the load average rose well "
        "above the 2 cores) measured the app on less CPU than the table's own columns suggest.",
        "- App CPU per script run: the app servers' CPU time in the steady window over the "
        "script runs in it (weight changes, submits, and the pages' own refreshes).",
        "- MB per session: the server's RSS growth from after warm-up to the end of the steady "
        "window, divided by its sessions.",
        f"- Every {first['check_every']}th change of each participant, the ranking the page "
        "showed was decoded and compared with policybench's own for the same weights; a "
        "difference counts as an error.",
        "- Lost: a participant whose stored submission is not exactly their last confirmed "
        "weights at their last confirmed revision.",
    ]
    missed = [r for r in runs if r["weight_change_ms"]["p95"] >= TARGET_P95_MS]
    if missed:
        lines += ["", "Why a target is missed (from each row's own figures):", ""]
    for r in missed:
        p95 = r["weight_change_ms"]["p95"]
        st = r["settings"]
        done = r["script_runs_in_window"] / max(1.0, r["steady_seconds"])
        pace = sum(st["interval"]) / 2 + 0.0
        # Each participant: a change (and 1/N of a submit) per interval, plus the page's own
        # refresh every 5 s; each facilitator page every 3 s. Replies take time, so the
        # clients (which wait for each reply) get fewer done than this when it is slow.
        wanted = (
            st["participants"] * ((1 + 1 / st["submit_every"]) / pace + 1 / 5) + r["servers"] / 3
        )
        per_process = 1000.0 / max(1.0, r["server_cpu_ms_per_run"])
        usable = max(0.1, min(float(r["servers"]), (info["cores"] or 1) - other_work(r) - 0.2))
        lines.append(
            f"- {_label(r)}: p95 {p95:,.0f} ms, {p95 / TARGET_P95_MS:.1f}x the target. At "
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
    for r in runs:
        for e in r["errors"][:10]:
            lines.append(f"- Error ({_label(r)}): {e}")
        for e in r["lost"][:10]:
            lines.append(f"- Lost ({_label(r)}): {e}")
    return "\n".join(lines) + "\n"


def replace_section(text: str, section: str) -> str:
    """Put ``section`` (starting "# Load") in place of the old one, or at the end."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "# Load"), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + section
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
    return (
        "".join(lines[:start]) + section + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
    )


# ------------------------------------------------------------------------------ main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the app servers (e.g. a STREAMLIT_* option)")  # fmt: skip
    parser.add_argument(
        "--no-write", action="store_true", help="do not touch benchmarks/RESULTS.md"
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="run nothing: rewrite the section from the last runs (tests/artifacts/load.json)",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="add these runs to those of the last run (tests/artifacts/load.json) in the section",
    )
    args = parser.parse_args()
    args.interval = tuple(float(x) for x in args.interval.split(","))
    counts = [int(x) for x in args.servers.split(",") if x.strip()]
    if args.render:
        data = json.loads(RAW.read_text())
        RESULTS.write_text(
            replace_section(RESULTS.read_text(), write_results(data["runs"], data["machine"]))
        )
        print(f"load: rewrote the Load section of {RESULTS.relative_to(ROOT)}", flush=True)
        return 0

    from policybench import catalog as catalog_mod

    catalog = catalog_mod.load(OPTIONS)
    info = machine()
    nginx_bin = ensure_nginx() if any(c > 1 for c in counts) else None
    runs: list[dict[str, Any]] = []
    workdir = Path(tempfile.mkdtemp(prefix="pb-load-"))
    try:
        pg = PgServer(max_connections=300).start()
    except PgUnavailable as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"load: cannot start PostgreSQL: {exc}", file=sys.stderr)
        return 1
    try:
        info["postgres"] = str(pg.admin("SHOW server_version")[0][0]).split()[0]
        for count in counts:
            if count > 1 and nginx_bin is None:
                continue
            print(
                f"load: {count} app server(s), {args.participants} participants, {args.duration:g} s ...",
                flush=True,
            )
            result = asyncio.run(scenario(count, pg, catalog, args, workdir, nginx_bin))
            runs.append(result)
            print(
                json.dumps(
                    {k: v for k, v in result.items() if k not in {"errors", "lost"}}, indent=1
                ),
                flush=True,
            )
            for e in result["errors"][:20]:
                print("  error:", e, flush=True)
            for e in result["lost"][:20]:
                print("  lost:", e, flush=True)
            print(f"load: {count} server(s): {verdict(result)}", flush=True)
    finally:
        pg.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if not runs:
        return 1
    RAW.parent.mkdir(parents=True, exist_ok=True)
    new_runs = list(runs)
    if args.append and RAW.exists():
        runs = json.loads(RAW.read_text())["runs"] + runs
    RAW.write_text(json.dumps({"machine": info, "runs": runs}, indent=1, default=str))
    section = write_results(runs, info)
    if not args.no_write:
        old = RESULTS.read_text() if RESULTS.exists() else ""
        RESULTS.write_text(replace_section(old, section))
        print(f"load: wrote the Load section of {RESULTS.relative_to(ROOT)}", flush=True)
    else:
        print(section)
    # Latency is reported (RESULTS.md says "NOT met" and by how much); errors and lost
    # submissions are failures.
    return 1 if any(r["errors"] or r["lost"] for r in new_runs) else 0


if __name__ == "__main__":
    sys.exit(main())
