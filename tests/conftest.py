"""Shared test set-up: in CI (CI set in the environment) a skipped test fails the run."""

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", deadline=None, database=None, derandomize=True)
settings.register_profile("dev", deadline=None, database=None)
settings.register_profile("thorough", deadline=None, database=None, max_examples=2000)  # by hand, before a release
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI forbids skipped tests; {len(skipped)} were skipped.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id):
    """The site built once with ``mkdocs build --strict``, shared by every xdist worker."""
    # Each worker has its own basetemp under one shared parent; the first to take the lock builds.
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    site, done = shared / "site", shared / "site.built"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )
            assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
            print(f"mkdocs build --strict took {time.perf_counter() - start:.1f} s")
            done.touch()
    return site
