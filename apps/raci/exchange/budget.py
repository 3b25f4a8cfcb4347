"""The time an export may take, and a way to stop it when nobody waits for it any more.

The writers call ``Budget.check()`` as they go (per page of a PDF, per few rows of a sheet or
a text file): it raises ``ExportStopped`` once the deadline has passed or ``stop()`` was called
(the web layer calls it when the client has gone). A writer given no budget is never stopped.
"""

import threading
import time


class ExportStopped(Exception):
    """An export stopped before it was done; its ``Budget`` says why.

    A plain exception with a message: ReportLab re-raises what a page callback raises as a new
    exception of the same class made from one message (``annotateException``).
    """


class Budget:
    def __init__(self, seconds: float, *, clock=time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._deadline = clock() + seconds
        self._stopped = threading.Event()  # set from another thread

    def stop(self) -> None:
        self._stopped.set()

    @property
    def abandoned(self) -> bool:
        """Stopped because nobody waits for the export any more (``stop()``)."""
        return self._stopped.is_set()

    def check(self) -> None:
        if self._stopped.is_set():
            raise ExportStopped("The export was stopped: its client went away.")
        if self._clock() >= self._deadline:
            raise ExportStopped(f"The export was stopped: it took more than {self.seconds:g} s.")


def check(budget: Budget | None) -> None:
    """``budget.check()``, for writers whose budget is optional."""
    if budget is not None:
        budget.check()
