"""What the base demo built, handed to each module's demo extender."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    rng: random.Random
    today: dt.date
    members: int
    province: Any = None  # Organization
    communes: list = field(default_factory=list)  # commune base committees
    residence_cells: list = field(default_factory=list)
    workplace_bases: list = field(default_factory=list)
    workplace_cells: list = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)  # demo username -> User
    # working member id -> residence cell id where they live
    working_home_cells: dict[int, int] = field(default_factory=dict)
    progress: Callable[[str, int, int], None] = lambda label, done, total: None
    extras: dict[str, Any] = field(default_factory=dict)


# (order, callable(ctx)) registered by modules in their `demo.py`.
EXTENDERS: list[tuple[int, Callable[[DemoContext], None]]] = []


def extender(order: int):
    def decorator(func):
        if all(
            f.__qualname__ != func.__qualname__ or f.__module__ != func.__module__
            for _, f in EXTENDERS
        ):
            EXTENDERS.append((order, func))
        return func

    return decorator
