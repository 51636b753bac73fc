"""Shared test set-up: the fast tier, the built site, the browser and the served site.

- In CI (``CI`` set in the environment) a skipped test fails the run.
- ``make test-fast`` runs ``pytest --fast``: the library's tests, its doctests, the pages' examples
  and the checks of the pages' text. It leaves out the modules of ``FULL_SUITE_ONLY`` (not even
  imported) and every test that uses the ``built_site`` fixture. ``make test`` runs every test.
- The helpers these fixtures and the tests share are plain modules beside this file
  (``site_map``, ``browsing``, ``pycon_pages``, ``fresh_python``, ``ulps``, ``mutation``); test
  modules import those, never each other (``test_suite_layout.py``).
"""

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browsing import BROWSER_ARGS, CHROMIUM, PageWatch, serve
from site_map import BASE_PATH
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
PLOTS = ROOT / "logloss_ref" / "plots.py"
# Modules left to `make test`: the browser, the notebooks and scripts, a live `mkdocs serve`, the
# wheel in a new venv, the mutation check, the workflow's linters, and the command line and its
# file readers (a few child processes, a memory test on 110 MB of CSV, gzip and Parquet files).
FULL_SUITE_ONLY = {"test_browser.py", "test_interactive.py", "test_page_downloads.py", "test_serve.py",
                   "test_packaging.py", "test_mutations.py", "test_workflow.py", "test_cli.py", "test_files.py"}

settings.register_profile("ci", deadline=None, database=None, derandomize=True)
settings.register_profile("dev", deadline=None, database=None)
settings.register_profile("fast", deadline=None, database=None, max_examples=25)  # make test-fast (pytest --fast)
settings.register_profile("thorough", deadline=None, database=None, max_examples=2000)  # by hand, before a release


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true",
                     help="the library's tests, doctests and page examples only (make test-fast; see tests/conftest.py)")


def pytest_configure(config):
    # 25 examples per property test instead of 100 in the edit-test loop; CI's are derandomized.
    fallback = "fast" if config.getoption("--fast") else "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or fallback)


def pytest_ignore_collect(collection_path, config):
    # logloss_ref/plots.py holds no doctest; collecting it would import matplotlib for nothing.
    if config.getoption("--fast") and (collection_path.name in FULL_SUITE_ONLY or collection_path == PLOTS):
        return True
    return None


def needs_site(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ())


# Left to `make test` too, though they need no site: the scale page's examples (they start a Spark
# JVM and a Dask cluster).
FULL_SUITE_ONLY_ITEMS = ("docs/at-scale.md::",)


def left_to_full_suite(item) -> bool:
    return needs_site(item) or item.nodeid.startswith(FULL_SUITE_ONLY_ITEMS)


def pytest_collection_modifyitems(config, items):
    if config.getoption("--fast"):
        config.hook.pytest_deselected(items=[item for item in items if left_to_full_suite(item)])
        items[:] = [item for item in items if not left_to_full_suite(item)]
        return
    # The modules that need the built site last (xdist hands out whole modules in this order): the
    # first worker to reach one builds the site while the other still runs the library's tests,
    # instead of both waiting for the build. Among them test_serve.py first: its one test is the
    # longest of the suite, and begun last it would leave the other worker idle at the end.
    site_modules = {item.path for item in items if needs_site(item)}
    items.sort(key=lambda item: (item.path in site_modules, item.path.name != "test_serve.py"))


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI forbids skipped tests; {len(skipped)} were skipped.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory, worker_id) -> Path:
    """The build's cache for this test session, shared by every xdist worker (not the checkout's .cache/)."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    return shared / "build-cache"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id, build_cache):
    """The site built once with ``mkdocs build --strict``, shared by every xdist worker."""
    # Each worker has its own basetemp under one shared parent; the first to take the lock builds.
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    site, done = shared / "site", shared / "site.built"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "LOGLOSS_REF_BUILD_CACHE": str(build_cache)}
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )
            assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
            print(f"mkdocs build --strict took {time.perf_counter() - start:.1f} s")
            done.touch()
    return site


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": BROWSER_ARGS}  # tests/browsing.py


@pytest.fixture(scope="module")
def warm_context(browser, browser_context_args):
    """One browser context per test module, so that its HTTP cache is warm after the first page."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture(scope="module")
def shared_tab(warm_context):
    """One tab per test module: a new tab is a new renderer process, ~0.3 s each."""
    tab = warm_context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def page(shared_tab, warm_context, site_url):
    """The module's tab, in the module's context (replaces pytest-playwright's ``page``).

    A new context per test made every page load a cold one, with every script, stylesheet and
    font fetched and compiled again: 0.7-1.2 s instead of 0.2-0.3 s. After each test the tab is
    left as a new one would be: its watches stopped, its routes removed, a blank page, and the
    palette Material keeps in the site's localStorage cleared. Tests of a first visit or of
    another device make their own context.
    """
    yield shared_tab
    PageWatch.stop_all(shared_tab)
    shared_tab.unroute_all(behavior="ignoreErrors")
    shared_tab.goto("about:blank")
    cdp = warm_context.new_cdp_session(shared_tab)
    cdp.send("Storage.clearDataForOrigin", {"origin": site_url.split(BASE_PATH)[0], "storageTypes": "local_storage"})
    cdp.detach()


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built site, served under its project path as GitHub Pages would (tests/browsing.py)."""
    server, url = serve(built_site)
    yield server, url
    server.shutdown()


@pytest.fixture(scope="session")
def site_url(site_server):
    return site_server[1]
