"""Start, kill and restart the app as ``policybench serve`` does, for the fault tests.

``policybench serve`` execs Streamlit in place, so the process we start is the server and
``kill()`` (SIGKILL: no clean shutdown, as a crash or an out-of-memory kill) stops it at once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    def __init__(self, db_url: str, options: Path, log: Path, port: int | None = None) -> None:
        self.db_url = db_url
        self.options = options
        self.log = log
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> AppServer:
        env = {**os.environ, "POLICYBENCH_DATABASE_URL": self.db_url}
        out = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "policybench.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--options", str(self.options)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        out.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the app was not healthy in {STARTUP_TIMEOUT:g} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, as a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
