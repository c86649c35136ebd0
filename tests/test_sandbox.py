"""The grading sandbox, attacked the way a hostile student would: real kernels, no mocks.

Every test starts real ipykernel kernels through tito.grading.sandbox and checks, from inside the
kernel and from the host, that the protection holds and that the kernel survives what it should.
After every sandbox closes, no process of its uid may remain (checked by scanning /proc).
"""
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tito.grading import cgroup
from tito.grading import sandbox as sb
from tito.grading.sandbox import Limits, Sandbox, ensure_kernel_env, processes_of, sandbox_support

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = sandbox_support()
pytestmark = pytest.mark.skipif(
    SUPPORT["mode"].split()[0] != "full",
    reason=f"this machine cannot sandbox a kernel fully ({SUPPORT['mode']}; user: {SUPPORT['user']}, "
           f"unshare: {SUPPORT['unshare']})")

TINY_PACKAGE = {
    "tinytorch/__init__.py": b"from tinytorch.core import VALUE\n",
    "tinytorch/core.py": b"VALUE = 42\n",
    "02_activations/notes.txt": b"the working folder\n",
}
# A helper the hostile cells use: the name of the exception an action raises, or "ok".
ATTEMPT = textwrap.dedent("""
    import json, os
    def attempt(action):
        try:
            action()
            return "ok"
        except BaseException as e:
            return type(e).__name__ + (f" {os.strerror(e.errno)}" if getattr(e, "errno", None) else "")
""")


class Kernel:
    """A started kernel of a sandbox, with a blocking client; shut down on exit."""

    def __init__(self, box):
        self.box = box
        self.km = box.kernel_manager()

    def __enter__(self):
        self.started = time.perf_counter()
        self.km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"])
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.run(ATTEMPT)
        self.ready = time.perf_counter() - self.started
        return self

    def __exit__(self, *exc):
        self.kc.stop_channels()
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:          # noqa: BLE001 - a dead kernel is shut down already
            pass

    def run(self, code, timeout=60):
        """(reply status, stdout text, all output messages) of one cell."""
        outputs = []
        # stop_on_error=False: a cell meant to fail must not make the kernel abort the next one
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append, allow_stdin=False,
                                            stop_on_error=False)
        stdout = "".join(m["content"]["text"] for m in outputs
                         if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        return reply["content"], stdout, outputs

    def json(self, code, timeout=60):
        """Run `code`, whose last line is an expression; return that expression's value (via JSON)."""
        *body, last = textwrap.dedent(code).strip().splitlines()
        content, stdout, _ = self.run("\n".join(body + [f"print(json.dumps({last}))"]), timeout)
        assert content["status"] == "ok", content
        return json.loads(stdout.strip().splitlines()[-1])


def assert_no_process_left(uid, wait=5.0):
    deadline = time.monotonic() + wait
    while processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_of(uid) == [], f"processes of uid {uid} remain"


@pytest.fixture(scope="session")
def kernel_python():
    started = time.perf_counter()
    python = ensure_kernel_env()
    print(f"\nensure_kernel_env: {time.perf_counter() - started:.2f} s -> {python}")
    return python


@pytest.fixture(scope="module")
def hostile(kernel_python):
    """One kernel most tests attack in turn (each attack must leave it alive). A marker variable
    is in the grader's environment while it starts: it must not reach the kernel."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TINYTORCH_GRADER_SECRET", "do-not-leak")
        box = Sandbox(TINY_PACKAGE, "02_activations", kernel_python,
                      env={"PYTHONPATH": "/job", "TINYTORCH_HOME": "/job"})
        with box, Kernel(box) as kernel:
            mp.delenv("TINYTORCH_GRADER_SECRET")
            yield kernel
    assert_no_process_left(box.uid)


def test_layers_all_on(hostile):
    layers = hostile.box.layers
    assert layers["mode"] == "full"
    off = {k: v for k, v in layers.items() if k != "mode" and not v.startswith("on")}
    assert not off, off
    assert f"uid {hostile.box.uid}" in layers["uid"]


def test_runs_as_the_jobs_own_uid(hostile):
    uid = hostile.box.uid
    assert sb.UID_RANGE[0] <= uid <= sb.UID_RANGE[1]
    got = hostile.json("""
        import os
        status = dict(line.split(':', 1) for line in open('/proc/self/status'))
        ids = [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), os.getgroups(), os.getcwd()]
        ids + [status['NoNewPrivs'].strip(), status['CapEff'].strip(), status['Seccomp'].strip()]
    """)
    assert got == [uid, uid, uid, uid, [], "/job/02_activations", "1", "0000000000000000", "2"]
    # host side: the job's folders are not listable, the staging folder is the job's alone
    assert hostile.box.base_dir.stat().st_mode & 0o777 == 0o711
    assert hostile.box.staging.stat().st_mode & 0o777 == 0o700
    assert hostile.box.staging.stat().st_uid == uid


def test_cannot_read_host_files_or_another_job(hostile, kernel_python):
    secret = ROOT / "modules" / "02_activations" / "activations_dev.py"
    assert secret.is_file()
    with Sandbox({"secret.txt": b"another student's answer"}, ".", kernel_python) as other:
        planted = other.staging / "secret.txt"
        assert planted.is_file()
        got = hostile.json(f"""
            import os
            got = {{p: attempt(lambda: open(p).read())
                   for p in [{str(secret)!r}, '/root/.bashrc', {str(planted)!r}, '/etc/shadow', '/proc/1/environ']}}
            got['ls /root'] = attempt(lambda: os.listdir('/root'))
            got['ls /work'] = attempt(lambda: os.listdir('/work'))
            got['ls jobs'] = os.listdir({str(other.base_dir)!r})
            got['root'] = sorted(os.listdir('/'))
            got['pids'] = sorted(p for p in os.listdir('/proc') if p.isdigit())
            got
        """)
    for path in (str(secret), "/root/.bashrc", str(planted), "/etc/shadow", "/proc/1/environ"):
        assert got[path].startswith(("FileNotFoundError", "PermissionError")), (path, got[path])
    assert got["ls /root"].startswith("FileNotFoundError")
    assert got["ls /work"].startswith("FileNotFoundError")
    # the jobs folder exists inside only as the way to this job's own ipc folder
    assert other.staging.parent.name not in got["ls jobs"], got["ls jobs"]
    assert set(got["root"]) <= {"bin", "dev", "etc", "job", "lib", "lib64", "proc", "run", "sbin", "tmp", "usr", "var"}
    assert "1" not in got["pids"]                       # PID 1 (the root jail process) is hidden
    assert_no_process_left(other.uid)


def test_cannot_write_outside_job_and_tmp(hostile):
    target = ROOT / "tinytorch" / "x.py"
    numpy_init = Path(hostile.box.kernel_python).parent.parent / "lib/python3.11/site-packages/numpy/__init__.py"
    # the ipc folder is the host's disk: sealed (root's again) once the kernel's sockets exist
    refused = [str(target), "/usr/x", "/x", "/etc/passwd", str(numpy_init), str(hostile.box.ipc / "junk")]
    allowed = ["/job/ok.txt", "/tmp/ok.txt", "/dev/shm/ok"]
    got = hostile.json(f"""
        [attempt(lambda: open(p, 'a').write('x')) for p in {refused + allowed!r}]
    """)
    assert all(r.startswith(("FileNotFoundError", "PermissionError", "OSError")) for r in got[:6]), got
    assert got[6:] == ["ok", "ok", "ok"]
    assert not target.exists()


def test_no_network(hostile):
    server = socket.create_server(("127.0.0.1", 0))
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(b"\0tinytorch-sandbox-test-%d" % os.getpid())
    abstract.listen()
    try:
        port = server.getsockname()[1]
        got = hostile.json(f"""
            import socket
            got = [attempt(lambda: socket.create_connection((host, port), timeout=3))
                   for host, port in [('127.0.0.1', {port}), ('1.1.1.1', 53), ('10.0.0.1', 80)]]
            got.append(attempt(lambda: socket.socket(socket.AF_UNIX).connect({abstract.getsockname()!r})))
            got + [[name for _, name in socket.if_nameindex()]]
        """)
    finally:
        server.close()
        abstract.close()
    assert all(r != "ok" for r in got[:4]), got
    assert got[4] == ["lo"]


def test_syscall_filter(hostile):
    got = hostile.json("""
        import ctypes, subprocess, threading
        libc = ctypes.CDLL(None, use_errno=True)
        def errno_of(result):
            return os.strerror(ctypes.get_errno()) if result == -1 else result
        threads = [threading.Thread(target=sum, args=([1, 2],)) for _ in range(4)]
        [t.start() for t in threads]; [t.join() for t in threads]
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        forked = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        userns = errno_of(libc.unshare(0x10000000))                  # CLONE_NEWUSER
        ptrace = errno_of(libc.syscall(101, 16, pid, 0, 0))          # PTRACE_ATTACH (ESRCH unfiltered)
        unshare = subprocess.run(['unshare', '-Ur', 'true'], capture_output=True).returncode
        [userns, ptrace, unshare, subprocess.run(['true']).returncode, forked]
    """)
    # a user namespace, ptrace refused; threads, fork and subprocesses still work
    assert got == ["Operation not permitted", "Operation not permitted", 1, 0, 7], got


def test_memory_limit(hostile):
    content, _, outputs = hostile.run("import numpy as np\nbig = np.ones(2**29)   # 4 GiB")
    assert content["status"] == "error" and content["ename"] == "MemoryError", content
    assert hostile.json("import numpy as np\nfloat(np.arange(10).sum())") == 45.0     # kernel alive


def test_the_jobs_processes_share_one_memory_limit(kernel_python):
    """Three children of 300 MiB each pass the per-process limit; together they pass the job's 512 MiB:
    the job's memory cgroup has the OOM killer end some of them, and the kernel lives on."""
    limits = Limits(job_memory=512 * 2**20)
    with Sandbox({}, ".", kernel_python, limits=limits) as box, Kernel(box) as kernel:
        assert box.layers["memory"].startswith("on (512 MiB for the job's processes together (cgroup v"), box.layers
        ended = kernel.json("""
            import os, time, numpy as np
            children = []
            for _ in range(3):
                pid = os.fork()
                if pid == 0:                      # the child must not return into the kernel
                    try:
                        hog = np.ones(300 * 2**17)
                        time.sleep(0.5)
                        os._exit(0)
                    except MemoryError:
                        os._exit(3)
                children.append(pid)
            [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        """, timeout=120)
        assert kernel.json("1 + 1") == 2
    assert ended.count(-9) >= 1 and ended.count(3) == 0, ended            # killed, not refused per process
    assert box.oom_kills >= ended.count(-9) and 0 < box.peak_memory <= limits.job_memory, (box.peak_memory, box.oom_kills)
    assert f"job-{box.uid}" not in [p.name for p in cgroup.job_cgroups()], "the job's cgroup goes with it"


def test_fork_bomb_is_capped(hostile):
    got = hostile.json("""
        import os, subprocess, time
        children, error = [], None
        try:
            for _ in range(10_000):
                pid = os.fork()
                if pid == 0:                 # the child must not return into the kernel
                    time.sleep(300)
                    os._exit(0)
                children.append(pid)
        except OSError as e:
            error = type(e).__name__ + ' ' + os.strerror(e.errno)
        popen = attempt(lambda: [subprocess.Popen(['sleep', '300']) for _ in range(100)])
        [len(children), error, popen]
    """)
    forked, error, popen = got
    assert error == "BlockingIOError Resource temporarily unavailable", got
    assert 0 < forked < hostile.box.limits.processes
    assert popen.startswith("BlockingIOError"), popen
    assert subprocess.run(["true"]).returncode == 0                 # the host can still fork
    assert len(processes_of(hostile.box.uid)) <= hostile.box.limits.processes
    # kill(-1) reaches every process the kernel may signal: its own children, nothing of the host
    hostile.run(textwrap.dedent("""
        import signal
        os.kill(-1, signal.SIGKILL)
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
    """))
    assert hostile.json("1 + 1") == 2
    assert len(processes_of(hostile.box.uid)) == 1                  # the kernel alone


def test_disk_limit(hostile):
    got = hostile.json("""
        def fill(path, total, chunk=2**20):
            with open(path, 'wb') as f:
                for _ in range(total // chunk):
                    f.write(b'x' * chunk)
        big = attempt(lambda: fill('/job/big', 2**30))                        # 1 GiB in one file
        many = attempt(lambda: [fill(f'/tmp/part{i}', 60 * 2**20) for i in range(20)])  # 1.2 GiB
        import glob
        for p in glob.glob('/tmp/part*') + ['/job/big']:
            os.remove(p)
        [big, many]
    """)
    assert got == ["OSError File too large", "OSError No space left on device"], got
    assert hostile.json("open('/job/after.txt', 'w').write('fine')") == 4


def test_interrupt(hostile):
    started = time.monotonic()
    msg_id = hostile.kc.execute("while True:\n    pass", stop_on_error=False)
    time.sleep(1)
    hostile.km.interrupt_kernel()
    reply = hostile.kc.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = hostile.kc.get_shell_msg(timeout=10)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    assert time.monotonic() - started < 10
    assert hostile.km.is_alive() and hostile.json("'alive'") == "alive"


def test_numpy_staged_package_and_scrubbed_environment(hostile):
    got = hostile.json("""
        import numpy as np, tinytorch, os
        [float(np.linalg.norm(np.array([3.0, 4.0]))), tinytorch.VALUE, tinytorch.__file__, dict(os.environ)]
    """)
    norm, value, where, env = got
    assert (norm, value, where) == (5.0, 42, "/job/tinytorch/__init__.py")
    assert "TINYTORCH_GRADER_SECRET" not in env                       # set in the grader at start-up
    assert env["TINYTORCH_HOME"] == "/job" and env["HOME"] == "/job"   # passed explicitly / by the jail
    allowed = {"PATH", "HOME", "LANG", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME",
               "JUPYTER_PLATFORM_DIRS", "PYTHONDONTWRITEBYTECODE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
               "MKL_NUM_THREADS", "JPY_PARENT_PID", "PYTHONPATH", "TINYTORCH_HOME",
               # set by ipykernel itself
               "MPLBACKEND", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "PAGER", "GIT_PAGER", "TERM",
               "PYDEVD_USE_FRAME_EVAL"}
    assert set(env) <= allowed, set(env) - allowed


@pytest.mark.parametrize("how", ["km", "kernel_manager_class"])
def test_notebook_with_inline_plot_through_nbclient(kernel_python, how):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (
        "import tinytorch, numpy as np\nimport matplotlib.pyplot as plt",
        "plt.plot(np.arange(10) * tinytorch.VALUE)\nplt.show()",
        "import os; os.getuid()",
    )]
    with Sandbox(TINY_PACKAGE, "02_activations", kernel_python, env={"PYTHONPATH": "/job"}) as box:
        if how == "km":
            NotebookClient(nb, km=box.kernel_manager(), timeout=60, kernel_name="python3").execute()
        else:        # the way nbgrader's Execute makes its managers (an AsyncKernelManager class)
            NotebookClient(nb, kernel_manager_class=box.kernel_manager_class(), timeout=60).execute()
        uid = box.uid
    assert_no_process_left(uid)
    assert any("image/png" in o.get("data", {}) for o in nb.cells[1].outputs), nb.cells[1].outputs
    assert not [o for c in nb.cells for o in c.outputs if o.get("name") == "stderr"]
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == str(uid)


def test_watchdog_kills_a_job_that_ignores_interrupts(kernel_python):
    box = Sandbox({}, ".", kernel_python, limits=Limits(wall_seconds=5))
    started = time.monotonic()
    with box, Kernel(box) as kernel:
        kernel.kc.execute("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)")
        time.sleep(0.5)
        kernel.km.interrupt_kernel()                                   # ignored
        while kernel.km.is_alive() and time.monotonic() - started < 30:
            time.sleep(0.1)
        assert not kernel.km.is_alive()
        assert box.expired
        assert_no_process_left(box.uid)          # the watchdog may still be reaping
    elapsed = time.monotonic() - started
    assert 5 <= elapsed < 10, elapsed
    assert_no_process_left(box.uid)


def test_closing_the_sandbox_kills_everything(kernel_python):
    """A kernel left running, with a child that left the process group, is gone after exit."""
    with Sandbox({}, ".", kernel_python) as box:
        kernel = Kernel(box).__enter__()
        kernel.run("import subprocess\np = subprocess.Popen(['sleep', '300'], start_new_session=True)")
        assert len(processes_of(box.uid)) >= 2
        kernel.kc.stop_channels()
    assert_no_process_left(box.uid, wait=0)
    assert not kernel.km.is_alive()
    assert not box.staging.exists() and not box.ipc.exists()


def test_start_up_time(kernel_python, tmp_path):
    """Time from start_kernel to the first execute reply, sandboxed vs plain (printed, not asserted)."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    def first_reply(km):
        started = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute_interactive("1", timeout=60, output_hook=lambda msg: None)
            return time.perf_counter() - started
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    class Plain(KernelSpecManager):
        def get_kernel_spec(self, name):
            return KernelSpec(argv=[kernel_python, "-s", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="plain", language="python")

    plain, boxed = [], []
    for i in range(2):
        plain.append(first_reply(KernelManager(kernel_name="python3", transport="ipc", kernel_spec_manager=Plain(),
                                               connection_file=str(tmp_path / f"k{i}.json"))))
        with Sandbox({}, ".", kernel_python) as box:
            boxed.append(first_reply(box.kernel_manager()))
    print(f"\nkernel start to first reply: plain {min(plain):.2f} s, sandboxed {min(boxed):.2f} s "
          f"(all: plain {[round(t, 2) for t in plain]}, sandboxed {[round(t, 2) for t in boxed]})")


def test_without_root_the_layers_that_are_off_say_so(kernel_python):
    """As an ordinary user (nobody) the sandbox degrades and reports it; the kernel still runs limited."""
    cell = ATTEMPT + textwrap.dedent("""
        import socket, numpy as np
        print(os.getuid(), attempt(lambda: np.ones(2**29)), attempt(lambda: socket.create_connection(('127.0.0.1', 1))),
              os.environ.get('TINYTORCH_GRADER_SECRET'), sep='|')
    """)
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tito.grading.sandbox import Sandbox, sandbox_support
        support = sandbox_support()
        with Sandbox({{}}, ".", {kernel_python!r}) as box:
            km = box.kernel_manager()
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            out = []
            kc.execute_interactive({cell!r}, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            print(json.dumps({{"support": support, "layers": box.layers, "kernel": "".join(out).strip().split("|")}}))
    """)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {**os.environ, "TINYTORCH_GRADER_SECRET": "do-not-leak"}        # the grader's environment
    result = subprocess.run(nobody + [kernel_python, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd="/", env=env)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    layers = got["layers"]
    assert layers["mode"].startswith(("user-namespace", "rlimits-only")), layers
    for name in ("uid", "filesystem", "disk"):
        assert layers[name].startswith("off (not root"), layers[name]
    assert layers["memory"].startswith("partly (") and "not a total" in layers["memory"]
    uid, memory, network, secret = got["kernel"]
    assert uid == "65534" and memory == "MemoryError" and secret == "None"
    assert (network != "ok") == layers["network"].startswith("on")
    print(f"\nas nobody: mode {layers['mode']}, network {layers['network']}")


def test_restart_gets_a_fresh_jail(kernel_python):
    with Sandbox({}, ".", kernel_python) as box, Kernel(box) as kernel:
        kernel.run("open('/job/mine.txt', 'w').write('x')")
        kernel.km.restart_kernel(now=True)
        kernel.kc.wait_for_ready(timeout=60)
        kernel.run(ATTEMPT)
        assert kernel.json("import os\n[os.getuid(), os.path.exists('/job/mine.txt')]") == [box.uid, False]
    assert_no_process_left(box.uid)


def test_cpu_limit_ends_a_busy_kernel(kernel_python):
    with Sandbox({}, ".", kernel_python, limits=Limits(cpu_seconds=1)) as box, Kernel(box) as kernel:
        kernel.kc.execute("while True:\n    pass")
        started = time.monotonic()
        while kernel.km.is_alive() and time.monotonic() - started < 20:
            time.sleep(0.1)
        assert not kernel.km.is_alive()                          # SIGXCPU after 1 s of CPU
        assert time.monotonic() - started < 10
    assert_no_process_left(box.uid)


def test_refuses_a_python_only_root_can_run():
    with pytest.raises(ValueError, match="cannot be run by other users"):
        Sandbox({}, ".", str(ROOT / ".venv" / "bin" / "python"))


def test_a_killed_grader_leaves_no_kernel_behind(kernel_python):
    """SIGKILL the grader (its watchdog dies with it): the jail notices and ends the job."""
    grader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from tito.grading.sandbox import Sandbox
        box = Sandbox({{}}, ".", {kernel_python!r}).__enter__()
        km = box.kernel_manager()
        km.start_kernel()
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
        kc.execute("import subprocess; subprocess.Popen(['sleep', '300'], start_new_session=True)")
        time.sleep(1)
        print(box.uid, box._dir, flush=True)
        time.sleep(300)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        uid, folder = grader.stdout.readline().split()
        uid = int(uid)
        assert len(processes_of(uid)) >= 2
    finally:
        grader.kill()
        grader.wait()
    assert_no_process_left(uid, wait=5)
    assert Path(folder).exists()                # left behind by the killed grader ...
    with Sandbox({}, ".", kernel_python):
        assert not Path(folder).exists()        # ... and swept by the next sandbox
