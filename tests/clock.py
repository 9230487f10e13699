"""A clock tests set and move, standing in for ``utcnow`` in the modules that read the time."""

from datetime import datetime, timedelta
from types import ModuleType

import pytest

from app.models import session as session_model
from app.services import sessions, two_factor

# The modules whose ``utcnow`` decides when sessions expire and sign-ins grow old, and which code is current.
SIGN_IN_MODULES = (session_model, sessions, two_factor)


class Clock:
    """``clock()`` is the time it was set to; ``clock.advance(minutes=11)`` moves it on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def set_clock(
    monkeypatch: pytest.MonkeyPatch, now: datetime, modules: tuple[ModuleType, ...] = SIGN_IN_MODULES
) -> Clock:
    """A clock at ``now`` that every module of ``modules`` reads as ``utcnow``."""
    clock = Clock(now)
    for module in modules:
        monkeypatch.setattr(module, "utcnow", clock)
    return clock
