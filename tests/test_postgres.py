"""The gradebook on a real PostgreSQL server (Debian's postgresql, started here on 127.0.0.1 and
stopped after): release and grade into it, read the grades back with nbgrader's API, and two
graders writing to it at the same time."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT, points
from tito.commands import grade, release

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    if not BINARIES:
        pytest.fail("PostgreSQL is not installed (Debian: apt-get install postgresql); .ci/run installs it")
    binaries, user = BINARIES[-1], "postgres"
    pwd.getpwnam(user)
    folder = Path(tempfile.mkdtemp(prefix="tito-postgres-"))     # not under pytest's 0700 folder: the server
    data, sockets = folder / "data", folder / "sockets"            # runs as the postgres user
    sockets.mkdir()
    shutil.chown(folder, user)
    shutil.chown(sockets, user)

    def as_postgres(*args):
        return subprocess.run(["runuser", "-u", user, "--", *args], check=True, capture_output=True, text=True,
                              timeout=120)

    port = free_port()
    as_postgres(f"{binaries}/initdb", "-D", str(data), "--auth=trust", "-U", "postgres")
    as_postgres(f"{binaries}/pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "start",
                "-o", f"-p {port} -h 127.0.0.1 -k {sockets}")
    try:
        as_postgres(f"{binaries}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "gradebook")
        yield f"postgresql://postgres@127.0.0.1:{port}/gradebook"
    finally:
        as_postgres(f"{binaries}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_grades_go_into_postgres_and_concurrent_graders_do_not_collide(postgres, tmp_path):
    from nbgrader.api import Gradebook

    module = ROOT / "modules" / "02_activations"
    course = tmp_path / "course"
    release.release(module, course, postgres)
    folders = []
    for i, names in enumerate((["reference", "untouched"], ["near_miss_relu_where", "sigmoid_overflow"])):
        folder = tmp_path / f"batch{i}"
        folder.mkdir()
        for name in names:
            shutil.copy(ROOT / "submissions" / module.name / f"{name}.ipynb", folder / f"{name}.ipynb")
        folders.append(folder)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    graders = [subprocess.Popen([sys.executable, "-m", "tito", "grade", "02", str(folder), "--course", str(course),
                                 "--db", postgres, "--workers", "1"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for folder in folders]
    outputs = [p.communicate(timeout=300) for p in graders]
    for process, (out, err) in zip(graders, outputs):
        assert process.returncode == 0, err[-2000:]
    with Gradebook(postgres) as gb:
        totals = {s.student.id: s.score for s in gb.assignment_submissions(module.name)}
    assert totals == {"reference": points("02"), "untouched": 0,
                      "near_miss_relu_where": points("02", "test-relu-edge-cases"),
                      "sigmoid_overflow": points("02", "test-sigmoid-edge-cases")}
    started = time.perf_counter()
    results, _ = grade.grade(module, course, folders[0], db=postgres, workers=1, force=True, progress=False)
    assert {r.student: r.score for r in results} == {"reference": points("02"), "untouched": 0}
    assert time.perf_counter() - started < 120
