"""Runners: where grading jobs run. Each yields one GradingResult per job, as they complete.

- `serial`: one after another in this process (`--workers 1`; for debugging).
- `dask`: on a dask.distributed cluster — by default an embedded LocalCluster (one process per
  worker, one thread each, as many workers as cores), or an existing cluster at `scheduler`
  (`dask scheduler` + `dask worker ADDRESS`, or dask-jobqueue on SLURM). Jobs travel as bytes, so
  workers need no shared filesystem; they need this repository importable (PYTHONPATH) and, for the
  full sandbox, to run as root. A job whose worker dies is retried on another; after `retries`
  deaths its submission is reported as not graded (infrastructure failure) and the batch goes on.
"""
import contextlib
import logging
import os
import sys
import time
import uuid

from tito.grading.job import GRADER, GradingResult, grade


def infrastructure_failure(job, error):
    """The grader failed, not the hand-in: reported, and an earlier grade of the student stands."""
    return GradingResult(job.student, job.assignment, job.notebook, job.sha256, False, seed=job.seed, fault=GRADER,
                         problem=f"not graded: infrastructure failure ({type(error).__name__}: {str(error)[:160]})")


def preload():
    """Import what a grading job needs, so that a worker's first job does not pay for it."""
    import nbconvert.exporters  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401

    import tito.grading.execute  # noqa: F401
    return os.getpid()


class Serial:
    """Jobs one after another, in this process."""

    def __init__(self, function=grade):
        self.function = function

    def map(self, jobs):
        for job in jobs:
            yield self.function(job)

    def close(self):
        pass


class Dask:
    """Jobs on a Dask cluster: an embedded LocalCluster, started in the background at once (so that
    it comes up while the coordinator prepares the jobs) and warmed up, or an existing scheduler."""

    def __init__(self, workers=None, scheduler=None, retries=2, function=grade):
        from concurrent.futures import ThreadPoolExecutor

        self.retries, self.function, self.cluster = retries, function, None
        self._starter = ThreadPoolExecutor(1)
        self._client = self._starter.submit(self._start, workers, scheduler)

    def _start(self, workers, scheduler):
        from dask.distributed import Client, LocalCluster

        client = None
        try:
            if scheduler:
                client = Client(scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(n_workers=workers or os.cpu_count(), threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR,
                                            scheduler_kwargs={"allowed_failures": 2})   # 3 dead workers: given up
                client = Client(self.cluster)
            client.run(preload)              # in the background thread, while the jobs are prepared
            return client
        except BaseException:
            if client is not None:           # nobody else holds it: close() only sees a failed start
                client.close()
            raise

    def map(self, jobs):
        from dask.distributed import as_completed

        client = self._client.result()
        run = uuid.uuid4().hex[:8]
        futures = {client.submit(self.function, job, key=f"grade-{run}-{i}-{job.student}", retries=self.retries,
                                 pure=False): job for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            job = futures.pop(future)
            try:
                yield future.result()
            except Exception as error:       # noqa: BLE001 — KilledWorker, a lost scheduler: reported, not raised
                yield infrastructure_failure(job, error)
            future.release()

    def close(self):
        """Stop what was started, whatever failed: a start that failed after the LocalCluster came up
        must still stop its worker processes. (A failed start is map()'s to report, not close()'s.)"""
        try:
            if self._client.exception() is None:
                self._client.result().close()
        finally:
            try:
                if self.cluster is not None:
                    self.cluster.close()
            finally:
                self._starter.shutdown()


@contextlib.contextmanager
def pool(workers=None, scheduler=None, retries=2, function=grade):
    """Where jobs run: serially for workers == 1, else on Dask. Start it before preparing the jobs.
    (`function` is the grading step; tests swap it to kill a worker on purpose.)"""
    runner = Serial(function) if scheduler is None and workers == 1 else Dask(workers, scheduler, retries, function)
    try:
        yield runner
    finally:
        runner.close()


def run(jobs, workers=None, scheduler=None, retries=2, function=grade):
    """The results of `jobs`, in completion order."""
    with pool(workers, scheduler, retries, function) as runner:
        yield from runner.map(jobs)


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
