"""``make test-peers``: logloss_ref.conventions against the real PyTorch and Keras (JAX backend).

Run from its own venv (``.venv-peers``, see the Makefile), never by ``make test``. Every
comparison is recorded, and the summary at the end gives, per function and precision, the
largest disagreement seen in units of that precision's machine epsilon, and the versions.
"""

import math
import os
from collections import defaultdict

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")  # before keras is first imported

#: Slack, in ulps of the scale of the intermediates: a few roundings (each at most half an ulp)
#: and the difference between libms (NumPy's, PyTorch's SLEEF, XLA's) on log, log1p and exp,
#: which agree to within an ulp or two. The largest seen is printed at the end (about 1.3).
ULPS = 4

_worst: dict[tuple[str, str, str], float] = defaultdict(float)
_count: dict[tuple[str, str, str], int] = defaultdict(int)


def _tolerance(theirs: float, dt, scale: float, n_terms: int) -> float:
    """|ours - theirs| allowed: ULPS ulps of the intermediates' scale, and a mean's summation.

    The libraries add a mean's terms in an order of their own (PyTorch cascades, XLA tiles,
    NumPy pairs); each of these blocked or pairwise sums errs by about log2(n) ulps of the sum.
    """
    eps = float(np.finfo(dt).eps)
    return eps * (ULPS * scale + math.log2(n_terms) * abs(theirs))


@pytest.fixture
def agree():
    """``agree(function, dt, ours, theirs, scale, n_terms=1, kind="", rounded_to=None, ftz=False)``: assert and record.

    ``rounded_to``: a precision the library rounds its result to, other than ``dt``; the
    tolerance is then that precision's. ``ftz``: the library runs on XLA, which on the CPU
    flushes subnormal numbers to zero, so a loss of ours below the precision's smallest normal
    number (1.2e-38 in float32) counts as 0. We do not reproduce that in NumPy.
    """

    def check(function: str, dt, ours: float, theirs: float, scale: float, n_terms: int = 1, kind: str = "",
              rounded_to=None, ftz: bool = False) -> None:
        key = (function, np.dtype(dt).name, kind)
        dt = rounded_to or dt
        _count[key] += 1
        if ftz and abs(ours) < float(np.finfo(dt).tiny):
            ours = 0.0
        if math.isinf(theirs) or math.isinf(ours) or theirs == 0 or ours == 0:
            # Where the library's rounding leaves exactly 0 (or inf), so must ours, and vice versa.
            assert ours == theirs, f"{function} [{key[1]}]: ours {ours!r}, the library's {theirs!r}"
            return
        if kind.startswith("extreme"):  # single chosen cases: relative to the value itself
            scale = max(abs(theirs), float(np.finfo(dt).tiny))  # subnormals: an ulp is absolute
        allowed = _tolerance(theirs, dt, scale, n_terms)
        error = abs(ours - theirs)
        unit = float(np.finfo(dt).eps) * scale
        _worst[key] = max(_worst[key], error / unit if unit else 0.0)
        assert error <= allowed, (
            f"{function} [{key[1]}]: ours {ours!r}, the library's {theirs!r}, differ by {error:.3g} "
            f"> {allowed:.3g} allowed ({error / unit:.1f} ulps of the scale {scale:.3g})"
        )

    return check


def pytest_terminal_summary(terminalreporter):
    if not _count:
        return
    import jax
    import keras
    import torch

    write = terminalreporter.write_line
    write("")
    write(f"peers: torch {torch.__version__}, keras {keras.__version__} (backend {keras.backend.backend()}), "
          f"jax {jax.__version__}, numpy {np.__version__}")
    write(f"{'function':52} {'dtype':8} {'inputs':24} {'comparisons':>11} {'worst (ulps of scale)':>22}")
    for key in sorted(_count):
        function, dtype, kind = key
        write(f"{function:52} {dtype:8} {kind:24} {_count[key]:11d} {_worst[key]:22.2f}")


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"make test-peers forbids skipped tests; {len(skipped)} were skipped.", red=True)
        session.exitstatus = 1
