"""The time an export may take, and a way to stop it when nobody waits for it any more.

The writers call ``Budget.check()`` as they go (per page of a PDF, per few rows of a sheet or
a text file): it raises ``ExportStopped`` once the deadline has passed or ``stop()`` was called
(the web layer calls it when the client has gone). A writer given no budget is never stopped.
"""

import threading
import time


class ExportStopped(Exception):
    """An export stopped before it was done: out of time (``timed_out``) or abandoned."""

    def __init__(self, *, timed_out: bool, seconds: float):
        self.timed_out = timed_out
        self.seconds = seconds
        reason = f"took more than {seconds:g} s" if timed_out else "its client went away"
        super().__init__(f"The export was stopped: {reason}.")


class Budget:
    def __init__(self, seconds: float, *, clock=time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._deadline = clock() + seconds
        self._stopped = threading.Event()  # set from another thread

    def stop(self) -> None:
        self._stopped.set()

    def check(self) -> None:
        if self._stopped.is_set():
            raise ExportStopped(timed_out=False, seconds=self.seconds)
        if self._clock() >= self._deadline:
            raise ExportStopped(timed_out=True, seconds=self.seconds)


def check(budget: Budget | None) -> None:
    """``budget.check()``, for writers whose budget is optional."""
    if budget is not None:
        budget.check()
