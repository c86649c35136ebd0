"""Runners: where grading jobs run. Each yields one GradingResult per job, as they complete.

- `serial`: one after another in this process (`--workers 1`; for debugging).
- `dask`: on a dask.distributed cluster — by default an embedded LocalCluster (one process per
  worker, one thread each, as many workers as cores), or an existing cluster at `scheduler`
  (`dask scheduler` + `dask worker ADDRESS`, or dask-jobqueue on SLURM). Jobs travel as bytes, so
  workers need no shared filesystem; they need this repository importable (PYTHONPATH) and, for the
  full sandbox, to run as root. A job whose worker dies is retried on another; after `retries`
  deaths its submission is reported as not graded (infrastructure failure) and the batch goes on.
"""
import logging
import os
import sys
import time
import uuid

from tito.grading.job import GradingResult, grade


def infrastructure_failure(job, error):
    return GradingResult(job.student, job.assignment, job.notebook, job.sha256, False, seed=job.seed,
                         problem=f"not graded: infrastructure failure ({type(error).__name__}: {str(error)[:160]})")


def serial(jobs, function=grade):
    for job in jobs:
        yield function(job)


def dask(jobs, workers=None, scheduler=None, retries=2, function=grade):
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="20s")
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR,
                               scheduler_kwargs={"allowed_failures": 2})   # a job that kills 3 workers is given up
        client = Client(cluster)
    try:
        run = uuid.uuid4().hex[:8]
        futures = {client.submit(function, job, key=f"grade-{run}-{i}-{job.student}", retries=retries, pure=False): job
                   for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            job = futures.pop(future)
            try:
                yield future.result()
            except Exception as error:       # noqa: BLE001 — KilledWorker, a lost scheduler: reported, not raised
                yield infrastructure_failure(job, error)
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(jobs, workers=None, scheduler=None, retries=2, function=grade):
    """The results of `jobs`, in completion order: serially for workers == 1, else on Dask.
    (`function` is the grading step; tests swap it to kill a worker on purpose.)"""
    if scheduler is None and workers == 1:
        return serial(jobs, function)
    return dask(jobs, workers=workers, scheduler=scheduler, retries=retries, function=function)


class Progress:
    """A one-line progress bar over completed jobs: count, rate, and what finished last."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.perf_counter()

    def update(self, label):
        self.done += 1
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed else 0.0
        width = 24
        filled = width * self.done // max(self.total, 1)
        end = "\n" if self.done == self.total or not self.stream.isatty() else "\r"
        self.stream.write(f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                          f"{rate * 60:5.1f}/min  {label:<28}{end}")
        self.stream.flush()
