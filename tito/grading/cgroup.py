"""One memory cgroup per grading job: all of a job's processes together stay under one limit.

RLIMIT_AS bounds each process; a notebook that forks 60 children could still take 60 times that.
A memory cgroup bounds their sum: past the limit the kernel's OOM killer ends a process of the
job (the biggest), never one of the grader's. Needs root and a memory controller:

- cgroup v1 (a `memory` hierarchy at /sys/fs/cgroup/memory): memory.limit_in_bytes, and
  memory.memsw.limit_in_bytes where swap accounting exists, so the job cannot swap past it;
- cgroup v2 (the unified hierarchy at /sys/fs/cgroup with `memory` in cgroup.controllers):
  memory.max and memory.swap.max = 0, under a parent that enables the controller for its children.

The jail joins the cgroup (writes "0" to `procs`) before it forks the kernel, so every process of
the job starts inside it. `available()` says whether this machine can do it, and if not, why.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import os
import signal
import time
from pathlib import Path

V1 = Path("/sys/fs/cgroup/memory")
V2 = Path("/sys/fs/cgroup")
PARENT = "tinytorch-sandbox"


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _parent():
    """(version, parent folder) for job cgroups, created if needed; raises OSError if impossible."""
    if os.geteuid() != 0:
        raise PermissionError(errno.EPERM, "not root")
    if (V1 / "memory.limit_in_bytes").exists():
        parent = V1 / PARENT
        parent.mkdir(exist_ok=True)
        return 1, parent
    controllers = (V2 / "cgroup.controllers").read_text().split() if (V2 / "cgroup.controllers").exists() else []
    if "memory" not in controllers:
        raise FileNotFoundError(errno.ENOENT, "no cgroup memory controller (neither v1 nor v2) on this machine")
    parent = V2 / PARENT
    parent.mkdir(exist_ok=True)                  # holds no process itself, so it may enable the controller
    _write(parent / "cgroup.subtree_control", "+memory")
    return 2, parent


@functools.lru_cache(maxsize=None)
def available() -> tuple[bool, str]:
    """(True, "cgroup v1"/"cgroup v2") when job cgroups work here, else (False, why not)."""
    try:
        probe = JobCgroup(f"probe-{os.getpid()}", 64 * 2**20)
        probe.remove()
        return True, f"cgroup v{probe.version}"
    except OSError as error:
        return False, f"no memory cgroup: {error.strerror or error}"


class JobCgroup:
    """A memory cgroup named `name` limited to `limit` bytes. `procs` is the file a process writes
    "0" to in order to join it; `peak()` is the most the job held at once; `remove()` kills what is
    left in it and deletes it."""

    def __init__(self, name: str, limit: int):
        self.version, parent = _parent()
        self.path = parent / name
        if self.path.exists():                   # left by a grader that was killed: same uid, so same job name
            self.remove()
        self.path.mkdir()
        try:
            if self.version == 1:
                _write(self.path / "memory.limit_in_bytes", str(limit))
                if (self.path / "memory.memsw.limit_in_bytes").exists():
                    _write(self.path / "memory.memsw.limit_in_bytes", str(limit))
            else:
                _write(self.path / "memory.max", str(limit))
                if (self.path / "memory.swap.max").exists():
                    _write(self.path / "memory.swap.max", "0")
        except OSError:
            self.remove()
            raise
        self.procs = self.path / "cgroup.procs"

    def peak(self) -> int:
        """Bytes: the most this job's processes held at once (0 if the kernel does not say)."""
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        with contextlib.suppress(OSError, ValueError):
            return int((self.path / name).read_text())
        return 0

    def oom_kills(self) -> int:
        """How many processes of the job the OOM killer ended."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        with contextlib.suppress(OSError, ValueError):
            for line in (self.path / name).read_text().splitlines():
                if line.split()[0] == "oom_kill":
                    return int(line.split()[1])
        return 0

    def remove(self):
        """SIGKILL every process still in the cgroup, then delete it (retrying while they exit)."""
        remove(self.path)


def _pids(path):
    with contextlib.suppress(OSError, ValueError):
        return [int(p) for p in (path / "cgroup.procs").read_text().split()]
    return []


def remove(path: Path):
    """Kill what is left in the cgroup at `path` and delete it; a no-op if it is gone."""
    deadline = time.monotonic() + 10
    while path.exists():
        for pid in _pids(path):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def job_cgroups() -> list[Path]:
    """The job cgroups that exist now (live jobs' and those a killed grader left)."""
    with contextlib.suppress(OSError):
        return sorted(_parent()[1].glob("job-*"))
    return []
