"""The machine the benchmarks run on, and its processes, read from ``/proc`` (Linux).

Everything here reads; nothing starts or stops a process. A figure that cannot be read (a
process that is gone, a file that is missing) is 0 or "unknown", never an exception, so that
a benchmark's report does not fail at the end of a long run.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

CLK = os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, Any]:
    """The CPU model, the cores this process may use, the memory, the OS and Python."""
    cpu = platform.processor() or "unknown"
    for line in _lines("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        (int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal:")),
        0,
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores": cores,
        "memory_gib": round(mem_kb / 2**20),
        "system": platform.system(),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def _lines(path: str | Path) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _stat_fields(pid: int) -> list[str]:
    """``/proc/PID/stat`` after the command name (which may hold spaces and parentheses)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLK if fields else 0.0


def reaped_cpu(pid: int) -> float:
    """CPU seconds of the children ``pid`` has already reaped (cutime + cstime)."""
    fields = _stat_fields(pid)
    return (int(fields[13]) + int(fields[14])) / CLK if fields else 0.0


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def tree_cpu(pid: int) -> float:
    """A server and its worker processes: live ones, and those that have exited."""
    return proc_cpu(pid) + reaped_cpu(pid) + sum(proc_cpu(c) for c in children(pid))


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since it started."""
    parts = [int(x) for x in _lines("/proc/stat")[0].split()[1:]]
    idle = parts[3] + parts[4]
    return float(sum(parts) - idle), float(sum(parts))


def memory_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """A memory figure of ``/proc/PID/status`` in MB: ``VmRSS`` (resident now) or ``VmHWM``
    (the resident high-water mark); 0 if it cannot be read."""
    for line in _lines(f"/proc/{pid}/status"):
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def established(port: int) -> int:
    """Established TCP connections whose local port is ``port`` (the sessions on a server)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in _lines(table)[1:]:
            cols = line.split()
            local, state = cols[1], cols[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count
