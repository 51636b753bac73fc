"""Shared test set-up: in CI (CI set in the environment) a skipped test fails the run."""

import os

from hypothesis import settings

settings.register_profile("ci", deadline=None, database=None, derandomize=True)
settings.register_profile("dev", deadline=None, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI forbids skipped tests; {len(skipped)} were skipped.", red=True)
        session.exitstatus = 1
