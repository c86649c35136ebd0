"""Grading at scale: the same scores serially, on the embedded cluster (the session's batch) and on a
real Dask cluster — a scheduler and two workers started here on 127.0.0.1 — also when a worker is
killed during the run; a job whose worker keeps dying is reported, and the batch goes on."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, job_processes, points
from tito.commands import grade
from tito.grading import prepare, runner
from tito.grading.job import GradingJob

SAMPLES = ["reference", "untouched", "near_miss_relu_where", "sigmoid_overflow", "near_miss_tanh_via_sigmoid",
           "cheat_input_transformer"]


def score_table(results):
    return {r.student: {g: c.score for g, c in r.cells.items()} for r in results}


def hand_ins(graded, names, folder):
    folder.mkdir()
    for name in names:
        shutil.copy(graded["hand_ins"] / f"{name}.ipynb", folder / f"{name}.ipynb")
    return folder


def test_serial_grading_gives_the_embedded_clusters_scores(graded, tmp_path):
    folder = hand_ins(graded, SAMPLES[:3], tmp_path / "in")
    results, _ = grade.grade(graded["module"], graded["course"], folder, workers=1, force=True, progress=False)
    assert score_table(results) == score_table(graded["results"][s] for s in SAMPLES[:3])


@pytest.fixture
def cluster(tmp_path):
    """`dask scheduler` and two `dask worker --no-nanny` processes on 127.0.0.1; stopped after the test."""
    dask = shutil.which("dask", path=os.path.dirname(sys.executable))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    address_file = tmp_path / "scheduler.json"
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(address_file)], env=env, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = [subprocess.Popen([dask, "worker", "--scheduler-file", str(address_file), "--nthreads", "1",
                                     "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"], env=env, cwd=tmp_path,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        processes += workers
        import json
        from dask.distributed import Client

        address = json.loads(address_file.read_text())["address"]
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_real_cluster_gives_the_same_scores_even_when_a_worker_dies(graded, cluster, tmp_path):
    address, workers = cluster
    folder = hand_ins(graded, SAMPLES, tmp_path / "in")
    module, course = graded["module"], graded["course"]
    jobs = prepare.jobs_for(module, course, f"sqlite:///{course / 'gradebook.db'}", grade.hand_ins(folder))
    results = []
    for result in runner.run(jobs, scheduler=address):
        results.append(result)
        if len(results) == 1:
            workers[0].kill()                   # mid-run: its job is rerun on the other worker
    assert sorted(r.student for r in results) == sorted(SAMPLES) and all(r.graded for r in results)
    assert score_table(results) == score_table(graded["results"][s] for s in SAMPLES)
    time.sleep(1)
    assert job_processes() == [], "the killed worker's sandboxed kernel must not outlive it"


def die_for_one_student(job):
    """The grading step, except that it kills its worker process for the student 'doomed'."""
    from tito.grading.job import grade as real_grade

    if job.student == "doomed":
        os.kill(os.getpid(), signal.SIGKILL)
    return real_grade(job)


def test_a_job_whose_worker_keeps_dying_is_reported_and_the_batch_goes_on(graded):
    reference = graded["hand_ins"] / "reference.ipynb"
    module, course = graded["module"], graded["course"]
    jobs = prepare.jobs_for(module, course, f"sqlite:///{course / 'gradebook.db'}",
                            {"doomed": reference.read_bytes(), "fine": reference.read_bytes()})
    assert all(isinstance(j, GradingJob) for j in jobs)
    results = {r.student: r for r in runner.run(jobs, workers=2, retries=1, function=die_for_one_student)}
    assert results["fine"].graded and results["fine"].score == points("02")
    assert not results["doomed"].graded and "infrastructure failure" in results["doomed"].problem
