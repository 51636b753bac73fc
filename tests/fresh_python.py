"""Run Python scripts as if each started a new interpreter, without paying each time for the imports.

``python page.py`` spends longer importing NumPy, matplotlib and scikit-learn than running most
pages. A ``Zygote`` imports those third-party packages once (nothing of this project), then forks
a child per script: the child starts from that state, which is the state of a new interpreter
that has imported them, runs the script as ``__main__`` with its folder first on ``sys.path``,
and exits. So each script still runs from scratch: the library, and everything a page sets up,
are new in every child. What the imports wrote to stderr (a warning) is kept in ``import_stderr``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_ZYGOTE = r"""
import importlib, json, os, runpy, sys, traceback
preload, import_stderr = json.loads(sys.argv[1]), sys.argv[2]
os.dup2(os.open(import_stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
for name in preload:
    importlib.import_module(name)
print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            os.chdir(request["cwd"])
            sys.argv = [request["script"]]
            sys.path[0] = os.path.dirname(os.path.abspath(request["script"]))
            runpy.run_path(request["script"], run_name="__main__")
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)
"""


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


class Zygote:
    def __init__(self, preload: list[str], env: dict[str, str]):
        self.folder = Path(tempfile.mkdtemp(prefix="zygote-"))
        import_stderr = self.folder / "imports.stderr"
        self.process = subprocess.Popen([sys.executable, "-c", _ZYGOTE, json.dumps(preload), str(import_stderr)],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if self.process.stdout.readline() != "ready\n":
            raise RuntimeError(f"the zygote did not start:\n{import_stderr.read_text(encoding='utf-8')}")
        self.import_stderr = import_stderr.read_text(encoding="utf-8")

    def run(self, script: Path, *, cwd: Path) -> Ran:
        """``python script`` in ``cwd``, as a child of the zygote."""
        out, err = self.folder / "stdout", self.folder / "stderr"
        request = {"script": str(script), "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the zygote died running {script}")
        return Ran(json.loads(answer), out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"))

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)
