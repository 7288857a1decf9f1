"""How an address's outgoing transfers inherit the traced money it received.

Amounts are integers (1e-18 token units), so every split is exact and deterministic:
- haircut: each outflow carries the traced share of the balance at that moment;
- fifo: outflows spend the oldest received lots first;
- poison: once traced money arrived, every later outflow counts as traced in full.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol


class Holding(Protocol):
    def receive(self, units: int, traced: int, event: int) -> None: ...

    def spend(self, units: int) -> tuple[int, int | None]:
        """(traced part of an outflow of `units`, the inflow event it mostly came from)."""
        ...

    @property
    def traced_held(self) -> int: ...


class Haircut:
    __slots__ = ("balance", "traced", "main", "main_traced")

    def __init__(self) -> None:
        self.balance = 0
        self.traced = 0
        self.main: int | None = None
        self.main_traced = 0

    def receive(self, units: int, traced: int, event: int) -> None:
        self.balance += units
        self.traced += traced
        if traced > self.main_traced:
            self.main, self.main_traced = event, traced

    def spend(self, units: int) -> tuple[int, int | None]:
        if self.traced <= 0 or self.balance <= 0:
            self.balance = max(self.balance - units, 0)
            return 0, None
        # An outflow above the known balance (evidence incomplete) takes all that is traced.
        part = self.traced if units >= self.balance else units * self.traced // self.balance
        self.balance = max(self.balance - units, 0)
        self.traced -= part
        return part, self.main

    @property
    def traced_held(self) -> int:
        return self.traced


class Fifo:
    __slots__ = ("lots",)

    def __init__(self) -> None:
        self.lots: deque[list[int]] = deque()  # [units left, traced left, event]

    def receive(self, units: int, traced: int, event: int) -> None:
        if units > 0:
            self.lots.append([units, traced, event])

    def spend(self, units: int) -> tuple[int, int | None]:
        part, origin = 0, None
        while units > 0 and self.lots:
            lot = self.lots[0]
            take = min(units, lot[0])
            traced = lot[1] if take == lot[0] else lot[1] * take // lot[0]
            if traced and origin is None:
                origin = lot[2]
            part += traced
            lot[0] -= take
            lot[1] -= traced
            units -= take
            if lot[0] == 0:
                self.lots.popleft()
        return part, origin

    @property
    def traced_held(self) -> int:
        return sum(lot[1] for lot in self.lots)


class Poison:
    __slots__ = ("received", "sent", "first")

    def __init__(self) -> None:
        self.received = 0
        self.sent = 0
        self.first: int | None = None

    def receive(self, units: int, traced: int, event: int) -> None:
        if traced > 0:
            self.received += traced
            if self.first is None:
                self.first = event

    def spend(self, units: int) -> tuple[int, int | None]:
        if self.first is None:
            return 0, None
        self.sent += units
        return units, self.first

    @property
    def traced_held(self) -> int:
        return max(self.received - self.sent, 0)


POLICIES: dict[str, type[Haircut] | type[Fifo] | type[Poison]] = {
    "haircut": Haircut, "fifo": Fifo, "poison": Poison,
}
