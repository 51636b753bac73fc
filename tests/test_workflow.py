"""The GitHub Pages workflow, checked here because it cannot run here.

Its schema (check-jsonschema's vendored copy of the GitHub workflow schema, offline), its security
(zizmor, offline, the pedantic persona) and its shape: deploy only after the tests pass.
"""

import re
import subprocess
import sysconfig
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"
SCRIPTS = Path(sysconfig.get_path("scripts"))  # this environment's tools, never PATH's


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPTS / name), *args], cwd=ROOT, capture_output=True, text=True)


def test_workflow_matches_the_github_workflow_schema():
    done = run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing():
    done = run_tool("zizmor", "--offline", "--persona", "pedantic", "--no-progress", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_zizmor_would_catch_an_unpinned_action(tmp_path):
    # The check above can fail: the same workflow with one action on a tag is a finding.
    planted = tmp_path / "docs.yml"
    planted.write_text(re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v7", WORKFLOW.read_text()))
    done = run_tool("zizmor", "--offline", "--no-progress", str(planted))
    assert done.returncode != 0 and "unpinned-uses" in done.stdout + done.stderr


def test_deploy_needs_the_tests_and_pull_requests_run_them():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    runs = [step["run"] for step in jobs["test-and-build"]["steps"] if "run" in step]
    assert runs[0].startswith("make test") and runs[1] == "make build", runs  # the README's commands
    assert jobs["deploy"]["needs"] == "test-and-build"
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as True
    assert "pull_request" in jobs["deploy"]["if"]  # ... and pull requests never deploy
