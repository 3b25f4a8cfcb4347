"""The benchmark suite: ``make bench`` (see docs/performance.md)."""
