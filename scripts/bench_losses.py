"""Benchmark log_loss and log_loss_from_logits on 10**7 float64 samples (a script, not a test).

Prints time ratios against unvalidated NumPy one-liners and scikit-learn, measured in the same
run (and the same for K classes: (10**6, 10) probabilities against the gather one-liner), and the peak extra memory of ``log_loss`` (tracemalloc sees NumPy's allocations) as a
multiple of the bytes of its inputs. Targets from the library issue: log_loss <= 1.5x the
one-liner and >= 10x faster than scikit-learn, memory <= 3x the inputs, and
log_loss_from_logits <= 1.5x its one-liner.

    python scripts/bench_losses.py [--n 10000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from sklearn.metrics import log_loss as sk_log_loss

from logloss_ref import log_loss, log_loss_from_logits


def best_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_extra_bytes(func) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def multiclass_rows(n: int, k: int, repeat: int) -> list[tuple[str, float, str]]:
    """``log_loss`` on (n, k) probabilities against the unvalidated one-liner and scikit-learn."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, k, n)
    P = rng.dirichlet(np.ones(k), size=n)
    labels = np.arange(k)
    eps = np.finfo(np.float64).eps
    naive = lambda: -np.mean(np.log(np.clip(P[np.arange(n), y], eps, 1 - eps)))  # noqa: E731
    ours = lambda: log_loss(y, P)  # noqa: E731
    sklearn = lambda: sk_log_loss(y, P, labels=labels)  # noqa: E731
    assert abs(ours() - naive()) <= 1e-12 * naive() and abs(ours() - sklearn()) <= 1e-10 * naive()
    t_naive, t_ours = best_time(naive, repeat), best_time(ours, repeat)
    t_sklearn = best_time(sklearn, max(1, repeat // 2))
    print(f"K classes: {n:,} x {k} float64, times: one-liner {1e3 * t_naive:.1f} ms, log_loss {1e3 * t_ours:.1f} ms, "
          f"sklearn {1e3 * t_sklearn:.1f} ms")
    input_bytes = y.nbytes + P.nbytes
    return [
        (f"log_loss ({n:,} x {k}) / one-liner", t_ours / t_naive, "<= 1.5"),
        (f"sklearn / log_loss ({n:,} x {k})", t_sklearn / t_ours, ">= 10"),
        (f"log_loss ({n:,} x {k}) peak extra memory / input bytes", peak_extra_bytes(ours) / input_bytes, "<= 1"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--n-classes-rows", type=int, default=10**6, help="rows of the K-class benchmark")
    parser.add_argument("--n-classes", type=int, default=10, help="K of the K-class benchmark")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, args.n).astype(np.float64)
    p = rng.uniform(0.001, 0.999, args.n)
    z = rng.normal(0, 3, args.n)

    naive = lambda: -np.mean(np.log(np.where(y == 1, p, 1 - p)))
    naive_logits = lambda: np.mean(np.logaddexp(0, np.where(y == 1, -z, z)))
    ours = lambda: log_loss(y, p)
    ours_logits = lambda: log_loss_from_logits(y, z)
    sklearn = lambda: sk_log_loss(y, p)

    assert abs(ours() - naive()) <= 1e-12 * naive()
    assert abs(ours_logits() - naive_logits()) <= 1e-12 * naive_logits()

    t_naive, t_ours = best_time(naive, args.repeat), best_time(ours, args.repeat)
    t_naive_logits, t_ours_logits = best_time(naive_logits, args.repeat), best_time(ours_logits, args.repeat)
    t_sklearn = best_time(sklearn, max(1, args.repeat // 2))
    input_bytes = y.nbytes + p.nbytes
    rows = [
        ("log_loss / one-liner", t_ours / t_naive, "<= 1.5"),
        ("sklearn / log_loss", t_sklearn / t_ours, ">= 10"),
        ("log_loss_from_logits / one-liner", t_ours_logits / t_naive_logits, "<= 1.5"),
        ("log_loss peak extra memory / input bytes", peak_extra_bytes(ours) / input_bytes, "<= 3"),
        ("one-liner peak extra memory / input bytes", peak_extra_bytes(naive) / input_bytes, "(for scale)"),
        ("log_loss_from_logits peak extra memory / input bytes", peak_extra_bytes(ours_logits) / input_bytes, "(for scale)"),
    ]
    rows += multiclass_rows(args.n_classes_rows, args.n_classes, args.repeat)
    print(f"n = {args.n:,} float64 samples, best of {args.repeat}")
    print(f"times: one-liner {t_naive:.3f}s, log_loss {t_ours:.3f}s, sklearn {t_sklearn:.3f}s, "
          f"logaddexp one-liner {t_naive_logits:.3f}s, log_loss_from_logits {t_ours_logits:.3f}s")
    for name, ratio, target in rows:
        print(f"{name:<55} {ratio:8.3f}  target {target}")


if __name__ == "__main__":
    main()
