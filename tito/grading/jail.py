"""Start one grading kernel inside a jail. Standard library only; run as a script, not imported:

    unshare --net --mount --pid --ipc --uts --fork --kill-child --propagation private -- \\
        <python> -I -S jail.py --newroot=DIR --staging=DIR --workdir=REL --uid=N --gid=N ... -- <kernel argv>

`unshare` has already put this process, as root, into fresh network, mount, PID, IPC and UTS
namespaces: it is PID 1 of its PID namespace. It joins the job's memory cgroup (--cgroup) first, so
every process of the job counts against one limit. The steps below (numbered as in `main`):

 1. build a minimal root filesystem in a fresh tmpfs: /usr read-only, a small synthetic /etc,
    /dev with null/zero/full/random/urandom only, a fresh /proc, the kernel's Python environment
    read-only and the connection-file folder read-write (both at their host paths), and /job,
    /tmp, /dev/shm carved out of one size-limited tmpfs that holds a copy of the job's files;
 2. pivot_root into it and detach the host's filesystem: nothing else of the host is reachable;
 3. fork. The child drops to the job's uid/gid for good, sets no_new_privs, the rlimits and a
    seccomp filter (no namespaces, mounts, ptrace, bpf...), and execs the kernel with a scrubbed
    environment;
 4. the parent stays PID 1, root, credentials unchanged (PR_SET_PDEATHSIG from `unshare
    --kill-child` survives only while credentials are unchanged): it reaps orphans, passes on
    signals the kernel would otherwise miss, takes the connection-file folder back once the
    kernel's sockets exist, gives up after --wall-seconds or when the grader process is gone, and
    exits with the kernel's status. When PID 1 exits, Linux SIGKILLs every process left in the
    namespace.

Without --uid and --newroot (no root on this machine) only steps 3–4 happen: rlimits, environment
and working directory; whether steps 1–2 ran is for the caller to report, this script stays quiet.
It prints nothing on success: its stdout/stderr are the kernel's, which go to the grader's log.
"""
import argparse
import ctypes
import json
import os
import platform
import resource
import shutil
import signal
import socket
import stat
import sys
import threading
import time

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MNT_DETACH = 0x2
PR_SET_NO_NEW_PRIVS = 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}

RLIMITS = {"as": resource.RLIMIT_AS, "nproc": resource.RLIMIT_NPROC, "fsize": resource.RLIMIT_FSIZE,
           "cpu": resource.RLIMIT_CPU, "nofile": resource.RLIMIT_NOFILE, "core": resource.RLIMIT_CORE}
DEVICES = ("null", "zero", "full", "random", "urandom")
# Copied from the host's /etc: what the dynamic linker, time zones and mimetypes read. Not passwd
# (written fresh below), not ssl certificates (there is no network), nothing with secrets.
# fonts: matplotlib runs fc-list, which complains on stderr without it (stderr = 0 points).
ETC_COPY = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf",
            "mime.types", "os-release", "debian_version", "alternatives", "fonts")

libc = ctypes.CDLL(None, use_errno=True)


def fail(what):
    sys.stderr.write(f"jail: {what}\n")
    sys.stderr.flush()
    os._exit(111)


def check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(source, target, fstype=None, flags=0, data=None):
    enc = lambda s: None if s is None else os.fsencode(s)
    check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
          f"mount {source} on {target}")


def bind(source, target, flags):
    """Bind `source` at `target`, then apply `flags` (a bind mount ignores them on the first call)."""
    mount(source, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_REMOUNT | MS_BIND | flags)


def mountpoint(path, directory=True):
    if directory:
        os.makedirs(path, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        open(path, "a").close()
    return path


def inside(root, host_path):
    return os.path.join(root, host_path.lstrip("/"))


# ---------------------------------------------------------------- 1. the new root filesystem

def build_root(a):
    """Returns the ipc socket paths the kernel is going to create (for `seal`)."""
    root = a.newroot
    # The new / is its own small tmpfs, made read-only once every mount point exists (step 2).
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,nr_inodes=4096,mode=0755")

    # Programs and libraries: /usr read-only; /bin, /lib... as on the host (merged-usr symlinks).
    bind("/usr", mountpoint(inside(root, "/usr")), MS_RDONLY | MS_NOSUID | MS_NODEV)
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            os.symlink(os.readlink(top), inside(root, top))
        elif os.path.isdir(top):
            bind(top, mountpoint(inside(root, top)), MS_RDONLY | MS_NOSUID | MS_NODEV)

    # /etc: a few harmless host files, and passwd/group naming only root and the student.
    etc = mountpoint(inside(root, "/etc"))
    for name in ETC_COPY:
        source = os.path.join("/etc", name)
        if os.path.islink(source) or os.path.isfile(source):
            shutil.copy2(source, os.path.join(etc, name), follow_symlinks=False)
        elif os.path.isdir(source):
            shutil.copytree(source, os.path.join(etc, name), symlinks=True)
    uid, gid = a.uid, a.gid
    with open(os.path.join(etc, "passwd"), "w") as f:
        f.write(f"root:x:0:0:root:/root:/usr/sbin/nologin\nstudent:x:{uid}:{gid}:student:/job:/bin/sh\n"
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
    with open(os.path.join(etc, "group"), "w") as f:
        f.write(f"root:x:0:\nstudent:x:{gid}:\nnogroup:x:65534:\n")
    with open(os.path.join(etc, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost sandbox\n::1 localhost\n")
    with open(os.path.join(etc, "hostname"), "w") as f:
        f.write("sandbox\n")

    # /dev: only the harmless character devices, bound from the host's.
    dev = mountpoint(inside(root, "/dev"))
    for name in DEVICES:
        bind(f"/dev/{name}", mountpoint(os.path.join(dev, name), directory=False), MS_NOSUID | MS_NOEXEC)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, os.path.join(dev, name))

    # /proc of the new PID namespace; hidepid=2: the kernel does not even see PID 1 (this script).
    mount("proc", mountpoint(inside(root, "/proc")), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")

    # /job, /tmp and /dev/shm share one tmpfs: its size is the job's whole scratch space.
    scratch = mountpoint(inside(root, "/.scratch"))
    mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV,
          f"size={a.disk},nr_inodes={a.inodes},mode=0755")
    job = os.path.join(scratch, "job")
    shutil.copytree(a.staging, job, symlinks=True)         # symlinks are copied, never followed
    os.chmod(job, 0o700)
    workdir = os.path.join(job, a.workdir)
    os.makedirs(workdir, exist_ok=True)
    for sub in ("tmp", "shm"):
        os.mkdir(os.path.join(scratch, sub))
        os.chmod(os.path.join(scratch, sub), 0o1777)
    for folder, dirs, files in os.walk(job):
        for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
            os.lchown(name, uid, gid)
    for sub, target in (("job", "/job"), ("tmp", "/tmp"), ("shm", "/dev/shm")):
        bind(os.path.join(scratch, sub), mountpoint(inside(root, target)), MS_NOSUID | MS_NODEV)
    check(libc.umount2(os.fsencode(scratch), MNT_DETACH), "umount scratch")   # the binds keep it alive
    os.rmdir(scratch)

    # The kernel's Python environment (read-only) and the connection-file folder (read-write, so
    # the kernel can create its ipc sockets where the grader outside the namespaces finds them),
    # each at its host path (after /tmp exists, so a host path under /tmp works too).
    for path in a.bind_ro:
        bind(path, mountpoint(inside(root, path)), MS_RDONLY | MS_NOSUID | MS_NODEV)
    for path in a.bind_rw:
        bind(path, mountpoint(inside(root, path)), MS_NOSUID | MS_NODEV | MS_NOEXEC)

    # The connection file is written 0600 by the grader (root): the kernel must read it, and
    # create its sockets next to it. The folder goes back to root once the sockets exist (`seal`).
    if a.connection_file:
        os.chown(os.path.dirname(a.connection_file), uid, gid)
        os.chmod(os.path.dirname(a.connection_file), 0o700)
        return connection_sockets(a.connection_file, uid, gid)
    return []


def connection_sockets(path, uid, gid):
    """Give the connection file to the job's uid; return the ipc socket paths the kernel will make.
    O_NOFOLLOW: the folder belongs to the job, which could have left a symlink there."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        os.fchown(fd, uid, gid)
        info = json.load(f)
    if info.get("transport") != "ipc":
        return []
    sockets = [os.path.abspath(f"{info['ip']}-{info[name]}")
               for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
    folder = os.path.dirname(os.path.abspath(path))
    if any(os.path.dirname(s) != folder for s in sockets):   # the file was the job's: trust nothing
        raise OSError(f"{path}: ipc sockets outside its folder")
    for s in sockets:               # a previous kernel's, after a restart: the kernel binds anew
        if os.path.lexists(s):
            os.unlink(s)
    return sockets


def seal(connection_file, sockets):
    """Once the kernel has made its sockets, take their folder back (root's, 0755), so the job
    cannot fill the host's disk there: that folder is outside its size-limited tmpfs. The
    connection file stays the job's (ipykernel reads it again after binding); RLIMIT_FSIZE bounds it."""
    deadline = time.monotonic() + 300
    while not all(os.path.lexists(p) for p in sockets):
        if time.monotonic() > deadline:
            return
        time.sleep(0.02)
    folder = os.path.dirname(connection_file)
    os.chown(folder, 0, 0)
    os.chmod(folder, 0o755)


# ---------------------------------------------------------------- 2. pivot_root

def enter_root(root):
    """Make `root` the new / and detach the old one, so no path leads back to the host's files."""
    number = SYS_PIVOT_ROOT.get(platform.machine())
    os.chdir(root)
    if number is None:                  # unknown architecture: chroot (the kernel is no longer root)
        os.chroot(".")
    else:
        check(libc.syscall(number, b".", b"."), "pivot_root")       # old root is now stacked on "."
        check(libc.umount2(b".", MNT_DETACH), "detach the old root")
    os.chdir("/")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    socket.sethostname("sandbox")


# ---------------------------------------------------------------- 3. the kernel process

# A seccomp filter (x86_64 only: numbers from asm/unistd_64.h) against the kernel's biggest attack
# surface left to an unprivileged process: new namespaces (user namespaces give "root" inside them),
# mounts, ptrace, bpf, keyrings, io_uring, userfaultfd, perf. Everything else is allowed.
DENIED_SYSCALLS_X86_64 = {
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
    "pidfd_getfd": 438, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250,
    "add_key": 248, "request_key": 249, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "kexec_load": 246, "kexec_file_load": 320, "init_module": 175,
    "finit_module": 313, "delete_module": 176, "swapon": 167, "swapoff": 168, "reboot": 169,
    "acct": 163, "quotactl": 179, "name_to_handle_at": 303, "open_by_handle_at": 304, "syslog": 103,
}
CLONE, CLONE3 = 56, 435
CLONE_NEW_ANY = 0x7E020000          # CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
AUDIT_ARCH_X86_64 = 0xC000003E
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_KILL_PROCESS, RET_ALLOW, RET_ERRNO = 0x80000000, 0x7FFF0000, 0x00050000
LD_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06     # BPF_LD|W|ABS, BPF_JMP|..|K, BPF_RET|K


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def install_syscall_filter():
    """Deny the syscalls above with EPERM, clone with a CLONE_NEW* flag with EPERM, clone3 with
    ENOSYS (glibc then falls back to clone, whose flags a filter can see); kill a process that
    uses another syscall ABI (x32, i386) to get around the numbers."""
    # (code, jump-if-true label, jump-if-false label, k); labels are resolved below
    prog = [(LD_ABS, None, None, 4),                                  # seccomp_data.arch
            (JEQ, "nr", "kill", AUDIT_ARCH_X86_64),
            ("nr", LD_ABS, None, None, 0),                            # seccomp_data.nr
            (JGE, "deny", None, 0x40000000)]                         # x32 ABI
    prog += [(JEQ, "deny", None, number) for number in DENIED_SYSCALLS_X86_64.values()]
    prog += [(JEQ, "clone", None, CLONE), (JEQ, "enosys", None, CLONE3), (RET, None, None, RET_ALLOW),
             ("clone", LD_ABS, None, None, 16),                       # args[0], low 32 bits: flags
             (JSET, "deny", None, CLONE_NEW_ANY), (RET, None, None, RET_ALLOW),
             ("enosys", RET, None, None, RET_ERRNO | 38),
             ("deny", RET, None, None, RET_ERRNO | 1),
             ("kill", RET, None, None, RET_KILL_PROCESS)]
    labels = {op[0]: i for i, op in enumerate(prog) if isinstance(op[0], str)}
    prog = [op[1:] if isinstance(op[0], str) else op for op in prog]
    jump = lambda label, i: 0 if label is None else labels[label] - i - 1
    filters = (SockFilter * len(prog))(*[SockFilter(code, jump(jt, i), jump(jf, i), k)
                                         for i, (code, jt, jf, k) in enumerate(prog)])
    fprog = SockFprog(len(prog), filters)
    check(libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog),
                     ctypes.c_ulong(0), ctypes.c_ulong(0)), "seccomp")


def become_kernel(a, env):
    """In the child: lose root for good, limit, exec the kernel. Never returns."""
    try:
        if a.uid is not None:
            os.setgroups([])
            os.setresgid(a.gid, a.gid, a.gid)
            os.setresuid(a.uid, a.uid, a.uid)
        check(libc.prctl(PR_SET_NO_NEW_PRIVS, *map(ctypes.c_ulong, (1, 0, 0, 0))), "no_new_privs")
        for item in a.rlimit:
            name, value = item.split("=")
            value = int(value)
            # RLIMIT_CPU: SIGXCPU at the limit, SIGKILL 5 s later if the kernel ignores SIGXCPU.
            hard = value + 5 if name == "cpu" else value
            resource.setrlimit(RLIMITS[name], (value, hard))
        if a.seccomp:
            install_syscall_filter()                 # after no_new_privs, which it requires
        os.chdir(a.workdir if os.path.isabs(a.workdir) else os.path.join("/job", a.workdir))
        os.umask(0o022)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)       # SIG_IGN would survive exec
        os.execve(a.command[0], a.command, env)
    except BaseException as e:                       # noqa: BLE001 - report, never run on as root
        fail(f"cannot start the kernel: {e!r}")


def kernel_env(a):
    env = {"PATH": a.path, "HOME": "/job", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
           "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython", "XDG_CACHE_HOME": "/tmp/cache",
           "JUPYTER_PLATFORM_DIRS": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    # MPLBACKEND stays unset: ipykernel then picks matplotlib-inline (Agg would hide plots).
    # JPY_PARENT_PID: the kernel's parent is PID 1 (this script) in a PID namespace, and ipykernel
    # neither polls PID 1 nor then prints its "Ctrl-C will not work" banner; without a PID
    # namespace this script is replaced by the kernel, whose parent is the grader: poll that one.
    env["JPY_PARENT_PID"] = "1" if os.getpid() == 1 else str(os.getppid())
    for item in a.setenv:
        key, _, value = item.partition("=")
        env[key] = value
    return env


# ---------------------------------------------------------------- 4. PID 1

def supervise(child):
    """Reap everything; exit with the kernel's status (which ends the namespace)."""
    def forward(signum, frame):
        # jupyter_client signals the kernel's whole process group (interrupts, shutdown), so the
        # kernel already has the signal; pass it on only if the kernel left our process group.
        try:
            if os.getpgid(child) != os.getpgrp():
                os.kill(child, signum)
        except OSError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(0)
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            os._exit(code if code >= 0 else 128 - code)


def watch(grader, wall_seconds):
    """A second watchdog, in the jail itself: it still works when the grader was killed (its own
    watchdog then died with it). End the namespace after `wall_seconds`, or when the grader is gone."""
    deadline = time.monotonic() + wall_seconds if wall_seconds else None
    while True:
        time.sleep(0.5)
        if deadline is not None and time.monotonic() > deadline:
            os._exit(137)
        if grader is not None:
            try:
                os.stat("stat", dir_fd=grader)      # ESRCH/ENOENT once the grader has exited
            except OSError:
                os._exit(137)


def parse(argv):
    p = argparse.ArgumentParser(prog="jail.py")
    p.add_argument("--newroot", help="empty folder to build the new root on (needs root)")
    p.add_argument("--staging", help="host folder copied into /job")
    p.add_argument("--workdir", default=".", help="kernel's working folder: relative to /job, or absolute")
    p.add_argument("--uid", type=int)
    p.add_argument("--gid", type=int)
    p.add_argument("--disk", type=int, default=256 * 2**20, help="bytes of /job + /tmp + /dev/shm")
    p.add_argument("--inodes", type=int, default=65536)
    p.add_argument("--bind-ro", action="append", default=[])
    p.add_argument("--bind-rw", action="append", default=[])
    p.add_argument("--connection-file", help="the kernel's connection file (its folder is bound with --bind-rw)")
    p.add_argument("--rlimit", action="append", default=[], help="NAME=VALUE, NAME in " + ",".join(RLIMITS))
    p.add_argument("--setenv", action="append", default=[], help="KEY=VALUE for the kernel")
    p.add_argument("--path", default="/usr/local/bin:/usr/bin:/bin", help="the kernel's PATH")
    p.add_argument("--wall-seconds", type=float, help="end the kernel (and all its processes) after this")
    p.add_argument("--seccomp", action="store_true", help="install the syscall filter (x86_64)")
    p.add_argument("--grader-pid", type=int, help="host PID of the grader: the kernel ends when it exits")
    p.add_argument("--cgroup", help="the job's cgroup.procs file: joined before the kernel is forked")
    p.add_argument("command", nargs="+")
    a = p.parse_args(argv)
    if a.newroot and (a.uid is None or a.gid is None or not a.staging):
        p.error("--newroot needs --uid, --gid and --staging")
    return a


def main(argv):
    # PID 1 ignores signals it has no handler for; Python's own SIGINT handler would make an
    # interrupt meant for the kernel kill this process (and the whole namespace) instead.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    a = parse(argv)
    env = kernel_env(a)
    sockets = []
    grader = None
    if a.grader_pid and a.newroot:
        # /proc is still the host's here (unshare --mount copied it): keep the grader's entry open
        # (see `watch`).
        try:
            grader = os.open(f"/proc/{a.grader_pid}", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            fail(f"the grader (pid {a.grader_pid}) is gone")
    if a.newroot:
        if os.getpid() != 1 or os.geteuid() != 0:
            fail("--newroot needs root in a new PID namespace (run under unshare --pid --fork)")
        # The grader's mount namespace (/proc is still the host's) must not be ours: without
        # `unshare --mount` our mounts would land on the host.
        if grader is None or os.readlink("ns/mnt", dir_fd=grader) == os.readlink("/proc/self/ns/mnt"):
            fail("--newroot needs --grader-pid and a new mount namespace (run under unshare --mount)")
        if a.cgroup:                                         # /sys is still the host's here
            try:
                with open(a.cgroup, "w") as procs:
                    procs.write("0")                         # "0" = this process; its children follow
            except OSError as e:
                fail(f"cannot join the job's memory cgroup {a.cgroup}: {e}")
        try:
            mount(None, "/", None, MS_REC | MS_PRIVATE)       # nothing we mount leaks to the host
            sockets = build_root(a)                          # step 1
            enter_root(a.newroot)                            # step 2
        except Exception as e:                               # noqa: BLE001
            fail(f"cannot build the sandbox: {e}")
    if os.getpid() != 1:                                     # no PID namespace: nothing to supervise
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
        become_kernel(a, env)
    child = os.fork()                                        # step 3
    if child == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
        become_kernel(a, env)
    if a.newroot and sockets:
        threading.Thread(target=seal, args=(a.connection_file, sockets), daemon=True).start()
    if a.wall_seconds or grader is not None:
        threading.Thread(target=watch, args=(grader, a.wall_seconds), daemon=True).start()
    supervise(child)                                         # step 4


if __name__ == "__main__":
    main(sys.argv[1:])
