"""Sandboxes for grading kernels: one per grading job, so a student's notebook cannot read other
students' work or the reference solutions, reach the network, or take the grading machine down.

    with Sandbox({"tinytorch/__init__.py": b"..."}, "02_activations", ensure_kernel_env()) as box:
        print(box.layers)                       # what protects this job, and what does not
        NotebookClient(nb, km=box.kernel_manager(), timeout=30).execute()

As root (the full sandbox), each kernel runs through

    unshare --net --mount --pid --ipc --uts --fork --kill-child --propagation private --
        <kernel python> -I -S tito/grading/jail.py --newroot=... --uid=N ... --
        <kernel python> -s -m ipykernel_launcher -f {connection_file}

jail.py (see there) builds a private root filesystem, drops to a uid of its own (picked at random
from UID_RANGE, different for every open Sandbox), joins the job's memory cgroup (see cgroup.py),
sets rlimits and a clean environment. The
kernel speaks to the grader over ipc sockets in a folder both can see. A watchdog kills the whole
job after `Limits.wall_seconds`. Without root, or where namespaces fail, the layers that cannot be
provided are switched off and `layers` says so.

Nothing here changes process-wide state of the grader (environment, working folder, signals).
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import grp
import hashlib
import importlib.metadata
import json
import os
import platform
import pwd
import random
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tito.grading import cgroup

JAIL = Path(__file__).resolve().with_name("jail.py")
UID_RANGE = (200000, 265535)             # no real account, no Debian subuid range (100000–165535 is)
UID_LOCKS = Path("/run/tinytorch-sandbox/uids")
KERNEL_PACKAGES = ("ipykernel", "numpy", "matplotlib")
NAMESPACES = ["--net", "--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--propagation", "private"]
USER_NAMESPACES = ["--user", "--map-current-user", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
MAX_SOCKET_PATH = 107                    # bytes in an AF_UNIX path (sun_path holds 108, NUL included)
_SECCOMP = platform.machine() == "x86_64"  # jail.py's syscall filter knows x86_64's numbers only


@dataclass(frozen=True)
class Limits:
    memory: int = 2 * 2**30        # RLIMIT_AS bytes per process
    job_memory: int = 2**30        # memory cgroup: resident bytes of all the job's processes together
    processes: int = 64            # RLIMIT_NPROC (threads count too), for the job's own uid
    file_size: int = 64 * 2**20    # RLIMIT_FSIZE bytes
    disk: int = 256 * 2**20        # tmpfs size of /job + /tmp + /dev/shm together
    cpu_seconds: int = 300         # RLIMIT_CPU, per process
    wall_seconds: int = 600        # watchdog for the whole job
    open_files: int = 256          # RLIMIT_NOFILE


# ---------------------------------------------------------------- the kernel's Python environment

def _grader_versions():
    return {name: importlib.metadata.version(name) for name in KERNEL_PACKAGES}


def _default_kernel_env():
    if os.environ.get("TINYTORCH_KERNEL_ENV"):
        return os.environ["TINYTORCH_KERNEL_ENV"]
    tag = hashlib.sha256(json.dumps(_grader_versions(), sort_keys=True).encode()).hexdigest()[:10]
    if os.geteuid() == 0:
        return f"/var/lib/tinytorch/kernel-env-{tag}"
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(cache, "tinytorch", f"kernel-env-{tag}")


DEFAULT_KERNEL_ENV = _default_kernel_env()


def _others_can_run(path):
    """Whether a user with no relation to the owner can reach and execute `path`: every folder on
    the way needs o+x (root's home, 0700, fails this)."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents)]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IXOTH)


def ensure_kernel_env(path=DEFAULT_KERNEL_ENV, python="/usr/bin/python3.11") -> str:
    """A venv at `path` with ipykernel, numpy and matplotlib at the grader's own versions,
    readable by everyone (the sandboxed kernel runs as a uid of its own); returns its python.
    Made once: later calls, and concurrent ones (a lock file serialises them), find it ready.
    `python` must be runnable by other users (not pyenv's in root's home). The default path
    depends on the versions; the environment variable TINYTORCH_KERNEL_ENV overrides it."""
    path = Path(path).absolute()
    kernel_python = path / "bin" / "python"
    marker = path / ".tinytorch-kernel-env.json"
    wanted = json.dumps({"python": python, "packages": _grader_versions()}, sort_keys=True)

    def ready():
        try:
            return marker.read_text() == wanted
        except OSError:
            return False

    if ready():
        return str(kernel_python)
    if os.geteuid() == 0 and not _others_can_run(python):
        raise ValueError(f"{python} cannot be run by other users (is it in root's home?): the sandboxed "
                         f"kernel could not start. Use a system Python such as /usr/bin/python3.11.")
    created = [p for p in path.parents if not p.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in created:                               # whatever the umask: others pass through
        os.chmod(folder, 0o755)
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)                 # a second caller waits here, then finds it ready
        if ready():
            return str(kernel_python)
        shutil.rmtree(path, ignore_errors=True)          # a half-built one, or other versions
        pins = [f"{name}=={version}" for name, version in _grader_versions().items()]
        for step in ([python, "-m", "venv", str(path)],
                     [str(kernel_python), "-m", "pip", "install", "--disable-pip-version-check",
                      "--no-input", "--quiet", *pins],
                     [str(kernel_python), "-c", "import ipykernel, numpy, matplotlib"]):
            result = subprocess.run(step, capture_output=True, text=True)
            if result.returncode:
                raise RuntimeError(f"making the kernel environment failed: {' '.join(step)}\n"
                                   f"{result.stdout}{result.stderr}")
        for folder, dirs, files in os.walk(path):        # chmod -R o+rX
            for name in [folder] + [os.path.join(folder, n) for n in files]:
                if not os.path.islink(name):
                    mode = os.stat(name).st_mode
                    os.chmod(name, mode | stat.S_IROTH | (stat.S_IXOTH if mode & 0o111 or name == folder else 0))
        if os.geteuid() == 0 and not _others_can_run(kernel_python):
            raise ValueError(f"{path} is inside a folder other users cannot enter: choose another path")
        marker.write_text(wanted)
        marker.chmod(0o644)
    return str(kernel_python)


@functools.lru_cache(maxsize=None)
def _python_prefixes(kernel_python):
    """The folders the kernel's Python needs: its venv and, if elsewhere than /usr, its base Python."""
    out = subprocess.run([kernel_python, "-I", "-S", "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    folders = {os.path.dirname(os.path.dirname(kernel_python)), out[0], out[1],
               os.path.dirname(os.path.dirname(os.path.realpath(kernel_python)))}
    folders = {f for f in folders if f and not (f + "/").startswith("/usr/") and f != "/"}
    return tuple(sorted(f for f in folders if not any(f.startswith(g + "/") for g in folders)))


# ---------------------------------------------------------------- what this machine can do

def _runs(argv):
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=None)
def _probe():
    unshare = shutil.which("unshare") or ("/usr/bin/unshare" if os.path.exists("/usr/bin/unshare") else None)
    root = os.geteuid() == 0
    if unshare and root and _runs([unshare, *NAMESPACES, "--", "true"]):
        mode, why = "full", ""
    elif unshare and _runs([unshare, *USER_NAMESPACES, "--", "true"]):
        mode, why = "user-namespace", ("not root" if not root else "unshare as root failed")
    else:
        mode = "rlimits-only"
        why = "unshare is missing" if not unshare else "unshare fails here (namespaces not permitted)"
        why = why if root else f"not root, and {why}"
    return unshare, mode, why


def _size(n):
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


def _layers(mode, why, limits, uid=None):
    """Each protection layer -> "on (how)" or "off (why)"."""
    me = os.geteuid()
    full, ns = mode == "full", mode in ("full", "user-namespace")
    cgroups, how = cgroup.available() if full else (False, "")
    job_uid = f"uid {uid}" if uid is not None else "a uid of its own"
    return {
        "mode": mode + (f" ({why})" if why else ""),
        "uid": f"on ({job_uid}, no supplementary groups, no_new_privs)" if full else
               f"off ({why}: the kernel runs as uid {me}, the grader's own)",
        "network": "on (empty network namespace)" if ns else f"off ({why})",
        "filesystem": "on (own root: /usr and the kernel env read-only, /job a copy of the job's files; "
                      "no host folder visible)" if full else
                      f"off ({why}: the kernel can read whatever uid {me} can)",
        "processes": f"on (own PID namespace, at most {limits.processes} for the job's uid)" if full else
                     ("partly (own PID namespace; no process cap: RLIMIT_NPROC would count all of "
                      f"uid {me}'s processes)" if ns else
                      f"off ({why}: no process cap, RLIMIT_NPROC would count all of uid {me}'s processes)"),
        "memory": f"on ({_size(limits.job_memory)} for the job's processes together ({how}), and "
                  f"{_size(limits.memory)} address space per process)" if full and cgroups else
                  f"partly ({_size(limits.memory)} address space per process; not a total: {how if full else why}, "
                  f"so {limits.processes if full else 'many'} processes could each take that much)",
        "file_size": f"on ({_size(limits.file_size)} per file)",
        "disk": f"on ({_size(limits.disk)} tmpfs for /job, /tmp and /dev/shm together)" if full else
                f"off ({why}: no tmpfs; only the per-file limit)",
        "cpu": f"on ({limits.cpu_seconds} s per process)",
        "open_files": f"on ({limits.open_files})",
        "wall_clock": f"on (the job is killed after {limits.wall_seconds} s)",
        "environment": "on (scrubbed: only what the sandbox sets and the caller passes)",
        "syscalls": "on (seccomp: no new namespaces, mounts, ptrace, bpf, keyrings, io_uring, perf)" if _SECCOMP else
                    f"off (the syscall filter knows x86_64 only, this is {platform.machine()})",
        "kill_all": f"on (every process of {job_uid})" if full else
                    "on (the job's PID namespace)" if ns else
                    "partly (the kernel's process group: a process that calls setsid escapes)",
    }


def sandbox_support() -> dict[str, str]:
    """Which layers this machine and user can provide: "mode" is "full", "user-namespace" or
    "rlimits-only"; the other keys are those of `Sandbox.layers`."""
    unshare, mode, why = _probe()
    return {"user": "root" if os.geteuid() == 0 else f"uid {os.geteuid()} (not root)",
            "unshare": unshare or "missing", **_layers(mode, why, Limits())}


# ---------------------------------------------------------------- processes of a uid

def _pids_of(uid):
    """Processes whose real, effective, saved or filesystem uid is `uid`."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if str(uid) in line.split()[1:]:
                            pids.append(int(name))
                        break
        except OSError:
            pass                                     # gone meanwhile
    return pids


def _parent_and_start(pid):
    """(parent pid, start time in clock ticks) of a process, from /proc/PID/stat; None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()     # the command name may contain spaces
    except OSError:
        return None
    return int(fields[1]), int(fields[19])


def processes_of(uid) -> list[int]:
    """PIDs of the processes running as `uid` (tests use it to check nothing is left)."""
    return _pids_of(uid)


def _lock_uid(uid, create=True):
    """An fd holding the lock of `uid` (its file in UID_LOCKS), or None if another job holds it.
    Lock files are removed when released; a lock on a file that was removed meanwhile is no lock."""
    path = UID_LOCKS / str(uid)
    try:
        fd = os.open(path, (os.O_CREAT if create else 0) | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino == os.stat(path).st_ino:
            return fd
    except (BlockingIOError, FileNotFoundError):
        pass
    os.close(fd)
    return None


def _unlock_uid(uid, fd):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(UID_LOCKS / str(uid))
    os.close(fd)


def _claim_uid():
    """A uid (= gid) no account, group or process uses, locked for this job until released."""
    UID_LOCKS.mkdir(parents=True, exist_ok=True, mode=0o700)
    taken = {p.pw_uid for p in pwd.getpwall()} | {g.gr_gid for g in grp.getgrall()}
    rng = random.SystemRandom()
    for _ in range(200):
        uid = rng.randint(*UID_RANGE)
        if uid in taken:
            continue
        fd = _lock_uid(uid)
        if fd is None:                                      # another job (maybe another grader) has it
            continue
        if _pids_of(uid):                                   # left over from a crashed grader
            _unlock_uid(uid, fd)
            continue
        return uid, fd
    raise RuntimeError(f"no free uid in {UID_RANGE}")


def _sweep(base_dir):
    """Remove job folders a killed grader left behind: no live job holds their uid's lock and no
    process runs as it (the jail ends its kernel when the grader dies). A live job's lock file
    exists before its folder and is removed after it."""
    for folder in base_dir.glob("job-*-*"):
        try:
            uid = int(folder.name.split("-")[1])
        except ValueError:
            continue
        if not (UID_LOCKS / str(uid)).exists():
            if not _pids_of(uid):
                shutil.rmtree(folder, ignore_errors=True)
            continue
        fd = _lock_uid(uid, create=False)
        if fd is None:
            continue
        try:
            if not _pids_of(uid):
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            _unlock_uid(uid, fd)
    for folder in cgroup.job_cgroups():              # same rule: no lock file, no process of its uid
        uid = folder.name.split("-")[-1]
        if uid.isdigit() and not (UID_LOCKS / uid).exists() and not _pids_of(int(uid)):
            with contextlib.suppress(OSError):
                cgroup.remove(folder)


def _relative(path, what):
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not str(path):
        raise ValueError(f"{what} must be a relative path without '..': {path!r}")
    return str(p)


# ---------------------------------------------------------------- the sandbox

class Sandbox:
    """One grading job: its files, its uid, its kernels, its watchdog. A context manager;
    on exit every process of the job is killed and its folders are removed."""

    def __init__(self, files: dict[str, bytes], workdir: str, kernel_python: str, limits: Limits = Limits(),
                 env: dict[str, str] | None = None, base_dir: str | None = None):
        self.files = {_relative(k, "a file name"): bytes(v) for k, v in files.items()}
        self.workdir = _relative(workdir, "workdir")
        self.kernel_python = os.path.abspath(kernel_python)
        self.limits = limits
        self.env = dict(env or {})
        for key in self.env:
            if not key or "=" in key:
                raise ValueError(f"bad environment variable name {key!r}")
        self.unshare, self.mode, self._why = _probe()
        root_default = "/run/tinytorch-sandbox/jobs" if os.geteuid() == 0 else \
            os.path.join(tempfile.gettempdir(), f"tinytorch-sandbox-{os.geteuid()}")
        self.base_dir = Path(os.path.realpath(base_dir or root_default))
        self.uid = self.gid = None
        self.layers: dict[str, str] = _layers(self.mode, self._why, limits)
        self.expired = False               # True once the watchdog has killed the job
        self.deadline = None               # time.monotonic() at which the watchdog fires (set on entry)
        self._uid_lock = None
        self._cgroup = None
        self.peak_memory = 0               # bytes the job's processes held at most at once (memory cgroup)
        self.oom_kills = 0                 # processes of the job the memory limit ended
        self._dir = None
        self._kms = []
        self._timer = None
        self._lock = threading.Lock()
        if not os.path.isfile(self.kernel_python):
            raise ValueError(f"no Python at {self.kernel_python}: see ensure_kernel_env()")
        if self.mode == "full" and not _others_can_run(self.kernel_python):
            raise ValueError(f"{self.kernel_python} cannot be run by other users (root's home is 0700): "
                             f"the job's uid could not start it; use ensure_kernel_env()")

    # -- lifetime

    def __enter__(self):
        try:
            self._open()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *exc):
        self._close()
        return False

    def _open(self):
        full = self.mode == "full"
        if full:
            self.uid, self._uid_lock = _claim_uid()
            self.gid = self.uid
            self.layers = _layers(self.mode, self._why, self.limits, self.uid)
            if cgroup.available()[0]:
                self._cgroup = cgroup.JobCgroup(f"job-{self.uid}", self.limits.job_memory)
        self.base_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base_dir, 0o711)                     # not listable: job folders are not found
        if full:
            _sweep(self.base_dir)
        self._dir = Path(tempfile.mkdtemp(prefix=f"job-{self.uid or os.getpid()}-", dir=self.base_dir))
        os.chmod(self._dir, 0o711)
        self.staging = self._dir / "files"
        self.ipc = self._dir / "ipc"
        for folder in (self.staging, self.ipc):
            folder.mkdir(mode=0o700)
        if len(os.fsencode(self.ipc / "kernel-999-99999")) > MAX_SOCKET_PATH:      # see kernel_manager_class
            raise ValueError(f"base_dir {self.base_dir} is too long for ipc socket paths")
        for name, data in self.files.items():
            target = self.staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (self.staging / self.workdir).mkdir(parents=True, exist_ok=True)
        if full:
            (self._dir / "root").mkdir(mode=0o700)          # mount point of the job's new root
            for folder, dirs, files in os.walk(self.staging):
                for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
                    os.lchown(name, self.uid, self.gid)
            os.chown(self.ipc, self.uid, self.gid)
        else:
            (self._dir / "tmp").mkdir(mode=0o700)
        self.deadline = time.monotonic() + self.limits.wall_seconds
        self._timer = threading.Timer(self.limits.wall_seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self):
        self.expired = True
        self.kill_all()

    def _close(self):
        if self._timer:
            self._timer.cancel()
        self.kill_all()
        if self._cgroup:
            self.peak_memory, self.oom_kills = self._cgroup.peak(), self._cgroup.oom_kills()
            self._cgroup.remove()
            self._cgroup = None
        if self._dir:                    # connection files and sockets go with it
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        if self._uid_lock is not None:
            _unlock_uid(self.uid, self._uid_lock)
            self._uid_lock = None

    # -- kernels

    def kernel_argv(self) -> list[str]:
        """The kernelspec argv ({connection_file} is filled in by jupyter_client)."""
        if self._dir is None:
            raise RuntimeError("use the Sandbox in a `with` block first")
        lim = self.limits
        rlimits = [f"--rlimit=as={lim.memory}", f"--rlimit=fsize={lim.file_size}", f"--rlimit=cpu={lim.cpu_seconds}",
                   f"--rlimit=nofile={lim.open_files}", "--rlimit=core=0"]
        env_bin = os.path.dirname(self.kernel_python)
        jail = [self.kernel_python, "-I", "-S", str(JAIL), f"--path={env_bin}:/usr/local/bin:/usr/bin:/bin", *rlimits,
                f"--wall-seconds={lim.wall_seconds}"]
        kernel = [self.kernel_python, "-s", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        if self.mode == "full":
            jail += [f"--newroot={self._dir / 'root'}", f"--staging={self.staging}", f"--workdir={self.workdir}",
                     f"--uid={self.uid}", f"--gid={self.gid}", f"--disk={lim.disk}",
                     f"--inodes={max(1024, lim.disk // 4096)}", f"--rlimit=nproc={lim.processes}",
                     *[f"--bind-ro={p}" for p in _python_prefixes(self.kernel_python)],
                     f"--bind-rw={self.ipc}", "--connection-file={connection_file}", f"--grader-pid={os.getpid()}"]
            if self._cgroup:
                jail.append(f"--cgroup={self._cgroup.procs}")
            wrap = [self.unshare, *NAMESPACES, "--"]
        else:
            tmp = self._dir / "tmp"
            own = {"HOME": self.staging, "TMPDIR": tmp, "MPLCONFIGDIR": tmp / "matplotlib",
                   "IPYTHONDIR": tmp / "ipython", "XDG_CACHE_HOME": tmp / "cache"}
            jail += [f"--workdir={self.staging / self.workdir}", *[f"--setenv={k}={v}" for k, v in own.items()]]
            wrap = [self.unshare, *USER_NAMESPACES, "--"] if self.mode == "user-namespace" else []
        if _SECCOMP:
            jail.append("--seccomp")
        jail += [f"--setenv={k}={v}" for k, v in self.env.items()]
        return wrap + jail + ["--"] + kernel

    def kernel_manager(self, **kwargs):
        """A jupyter_client KernelManager (not started) whose kernel runs in this sandbox; ready
        for nbclient: `NotebookClient(nb, km=box.kernel_manager())`."""
        return self.kernel_manager_class(asynchronous=False)(**kwargs)

    def kernel_manager_class(self, asynchronous: bool = True) -> type:
        """A KernelManager class (AsyncKernelManager by default) whose every instance runs its
        kernel in this sandbox, for code that makes its own managers: nbclient's and nbgrader's
        `kernel_manager_class`. The kernel name asked for (the notebook's) is ignored."""
        from jupyter_client import AsyncKernelManager, KernelManager
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

        box = self
        spec = KernelSpec(argv=self.kernel_argv(), display_name="Python 3 (sandboxed)", language="python",
                          interrupt_mode="signal", env={}, metadata={})

        class OneSpec(KernelSpecManager):
            def get_kernel_spec(self, kernel_name):
                return spec

            def find_kernel_specs(self):
                return {}

        class SandboxedKernelManager(AsyncKernelManager if asynchronous else KernelManager):
            def __init__(self, **kwargs):
                kwargs.pop("kernel_name", None)
                with box._lock:
                    n = len(box._kms)
                    box._kms.append(self)
                    # "python3": nbclient then treats it as ipykernel (history in memory etc.)
                    super().__init__(kernel_name="python3", transport="ipc", kernel_spec_manager=OneSpec(),
                                     connection_file=str(box.ipc / f"kernel-{n}.json"),
                                     ip=str(box.ipc / f"kernel-{n}"), **kwargs)

            @property
            def deadline(self):
                """When the job's wall-clock limit ends (time.monotonic()): it holds for every kernel
                of the job, so a grader does not restart one after it (GradingExecute reads it)."""
                return box.deadline

        return SandboxedKernelManager

    # -- killing

    def _launched(self):
        for km in list(self._kms):
            process = getattr(getattr(km, "provisioner", None), "process", None)
            if process is not None:
                yield process

    def kill_strays(self):
        """SIGKILL every process of the job except the kernel: what a cell left behind (a fork
        bomb's children, a background daemon). The kernel is the oldest process of the job's uid
        whose parent is not of that uid (the jail); orphans re-parented to the jail are younger.
        Returns how many were killed (full mode only; 0 otherwise)."""
        if self.uid is None:
            return 0
        killed = 0
        for _ in range(50):                                # a fork bomb may still be forking
            pids = set(_pids_of(self.uid))
            info = {pid: _parent_and_start(pid) for pid in pids}
            info = {pid: v for pid, v in info.items() if v is not None}
            roots = [pid for pid, (parent, _) in info.items() if parent not in pids]
            if not roots:
                return killed
            kernel = min(roots, key=lambda pid: info[pid][1])
            strays = [pid for pid in info if pid != kernel]
            if not strays:
                return killed
            for pid in strays:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
            time.sleep(0.005)
        return killed

    def kill_all(self):
        """SIGKILL every process of this job: the launched `unshare` process groups and (full mode)
        every process running as the job's uid. Returns when none is left (or after 10 s)."""
        with self._lock:
            for process in self._launched():
                if process.poll() is None:                   # not reaped: its pid is still ours
                    with contextlib.suppress(OSError):
                        os.killpg(process.pid, signal.SIGKILL)   # unshare, jail (PID 1) and the kernel
                    with contextlib.suppress(OSError):
                        process.kill()
            deadline = time.monotonic() + 10
            while self.uid is not None and time.monotonic() < deadline:
                pids = _pids_of(self.uid)                    # a fork bomb may still be forking
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                time.sleep(0.01)
            for process in self._launched():
                with contextlib.suppress(Exception):
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
