"""nginx in front of the app servers, as deploy/nginx.conf configures it for a room.

:class:`Nginx` runs Debian's nginx with ``deploy/nginx.conf`` included as it is, only its
``# test:`` lines changed (ports on 127.0.0.1, a self-signed certificate, the access log in a
temporary folder): TLS, the websocket upgrade and sticky sessions by cookie are the file's own.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.appserver import wait_healthy
from tests.support.ports import free_port

NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


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
    """nginx with deploy/nginx.conf included in a minimal main config, in a temp folder,
    started and answering once made; :meth:`stop` stops it.

    ``url`` is the HTTPS front door, ``ssl`` a context that trusts its certificate, and
    ``redirects`` whether the plain-HTTP port sends browsers to HTTPS (all it may do).
    """

    def __init__(self, binary: str, app_ports: list[int], workdir: Path) -> None:
        self.dir = workdir / "nginx"
        self.dir.mkdir()
        self.cert, self.key = self.dir / "cert.pem", self.dir / "key.pem"
        self.http_port, self.https_port = free_port(), free_port()
        main = self._configure(binary, app_ports)
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
        self.redirects = self._redirects_to_https()

    def _configure(self, binary: str, app_ports: list[int]) -> Path:
        """A self-signed certificate, the test site and a main config; checked by ``nginx -t``."""
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.key), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
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
        return main

    def _redirects_to_https(self) -> bool:
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}/workshop")
        try:
            urllib.request.build_opener(_NoRedirect).open(req, timeout=5)
        except urllib.error.HTTPError as exc:
            return exc.code == 301 and exc.headers.get("Location", "").startswith("https://")
        return False

    def hardening(self) -> dict[str, Any]:
        """What deploy/nginx.conf adds in front of the app, as a browser receives it: the
        security headers on a page (each sent once), and Streamlit's metrics refused."""
        with urllib.request.urlopen(f"{self.url}/workshop", timeout=10, context=self.ssl) as r:
            page = r.headers
        try:
            urllib.request.urlopen(f"{self.url}/_stcore/metrics", timeout=10, context=self.ssl)
            metrics = 200
        except urllib.error.HTTPError as exc:
            metrics = exc.code
        names = ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")
        policies = page.get_all("Content-Security-Policy") or []
        return {
            "security_headers": {n: page.get_all(n) or [] for n in names},
            "frame_ancestors_none": any("frame-ancestors 'none'" in v for v in policies),
            "metrics_status": metrics,
        }

    def access_log(self) -> str:
        """What nginx logged of the requests (the site's access log), or ''."""
        log = self.dir / "access.log"
        return log.read_text(errors="replace") if log.exists() else ""

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
