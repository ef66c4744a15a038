"""Hold BLAS to one thread for the process.

Playground-sized products are far too small to split: on a 2-core machine a second BLAS
thread made 10,000×64 products 3× slower (DESIGN-NOTES), and it competes with the window's
thread. The window and the headless ``train`` command both call this before training.
"""

from __future__ import annotations


def limit_blas_threads() -> None:
    """Limit every BLAS/OpenMP pool NumPy loaded to one thread (no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    threadpool_limits(1)
