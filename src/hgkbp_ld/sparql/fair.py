"""Fairness in front of any query service: per client a few queries at once and a budget of query
time per minute, one bounded queue for everyone, and a lane that slow queries cannot take.

- A client (an address) runs at most `per_client` queries at once, and spends at most `budget`
  seconds of query time per minute (a bucket that refills continuously; a query is charged what
  it took, a stopped one its whole timeout). Past either: `429` with `Retry-After`, at once.
- The service runs `slots` queries at once, plus `fast_slots` that only queries known to be fast
  may use: a query text whose shortest finished run took less than `fast_seconds` (the shortest:
  a run slowed down by the expensive ones does not make a short query slow; a stopped run is no
  finished run, and costs the client its whole time, but a text that never finished and ran
  longer than that before it was stopped is slow); a new text from a client whose recent queries
  were fast; from a new client, a query whose shape looks cheap (few variables, no
  repeated property path). Expensive queries therefore never hold every worker: a short query
  finds the fast lane free while they run. Waiting queries take free slots fast ones first, then
  those of the client that holds fewest slots (a client with nothing running goes before one that
  has a query running), then the client served longest ago. A fast query takes the fast lane first; the
  service may run the general lane at a lower CPU priority (the worker pool does), so that
  expensive queries take the CPU only when the short ones leave it.
- A query that the service runs in the server itself (`inline`: a tiny query on a small embedded
  store, `pool`) takes one of `inline_slots` of its own: it needs no worker, so it never waits
  behind a worker's query, and a worker's query never waits behind it.
- Past its budget, a client's running queries may be stopped: when someone waits for a worker's
  slot that such a client holds, its query that has run longest is stopped (`429`), and the slot
  goes to the waiting one. Its budget alone, not the number of workers, then bounds what it takes.
- A client that comes back before its Retry-After while still at its limits (a flood of retries)
  is not answered at once again: its request is held until the Retry-After it was given is due
  (at most `hold_seconds`), then checked again, so a client that ignores Retry-After makes one
  request per Retry-After and connection, not hundreds a second. The first refusal is at once. At
  most `held` requests of one client and `held_total` of all are held (each holds a socket); more
  are refused at once, and their connection closed (`Refused.close`).
- At most `queue` queries wait; one more gets `503` with `Retry-After` at once, unless a waiting
  query of a client served already (it holds a slot) that used more of its budget than the
  newcomer can be refused first (`429`): the newcomer then waits in its place. A waiting query
  that reaches its deadline (arrival + the query timeout) gets `503` as well, so every request is
  answered within the timeout.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from hgkbp_ld.sparql.service import QueryTimeout

HISTORY = 20_000  # query texts whose shortest run is remembered
GENERAL, FAST, INLINE = "general", "fast", "inline"  # the lanes
CLIENTS = 50_000  # client records kept before idle ones are forgotten


@dataclass(frozen=True)
class Limits:
    slots: int = 2  # queries at the service at once
    fast_slots: int = 2  # more, for fast queries only
    per_client: int = 2  # queries at once per client
    budget: float = 30.0  # seconds of query time per client per minute
    queue: int = 16  # queries waiting at most (all clients)
    fast_seconds: float = 0.5  # a query whose shortest run took less is fast
    inline_slots: int = 4  # queries at once that the service runs in the server (no worker)
    held: int = 8  # requests of one client held back at once (it came back before its Retry-After)
    held_total: int = 512  # of all clients
    hold_seconds: float = 5.0  # a request is held at most this long
    contended_slots: int = 1  # general slots that queries not known to be fast may take while short ones run
    contended_seconds: float = 1.0  # short queries ran this recently: the service is contended


class Refused(Exception):
    """Not now: 429 (this client's limits) or 503 (the server's), and when to try again."""

    def __init__(self, status: int, message: str, retry_after: int, close: bool = False) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, max(1, retry_after)
        self.close = close  # the client already has as many requests held as it may: close the connection


@dataclass
class _Client:
    tokens: float
    updated: float
    running: int = 0  # queries running or waiting
    holding: int = 0  # slots it holds (queries running)
    served: int = 0  # when it last got a slot (the gate's count of slots given)
    typical: float = 0.0  # moving average of its queries' durations (s)
    seen: int = 0  # queries finished
    due: float = 0.0  # when its last 429 told it to come back (gate's clock)
    held: int = 0  # its requests held back now (it came back before `due`)


@dataclass
class _Holder:
    """A query holding a slot."""

    client: _Client
    lane: str
    task: asyncio.Task | None
    started: float
    preempted: bool = False


@dataclass
class _Waiter:
    kind: str  # the lane it asks for: INLINE, FAST (takes GENERAL too) or GENERAL
    client: _Client = field(repr=False)
    order: int
    granted: asyncio.Future = field(repr=False)


def _turn(waiter: _Waiter) -> tuple[bool, int, float, int]:
    """Who of the waiting gets a freed slot first (lowest)."""
    return (waiter.kind == GENERAL, waiter.client.holding, -waiter.client.tokens, waiter.client.served)


class Gate:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self._durations: OrderedDict[str, float] = OrderedDict()
        self._general = 0  # slots in use
        self._reserved = 0  # fast slots in use
        self._inline = 0  # inline slots in use
        self._waiting: list[_Waiter] = []
        self._holders: list[_Holder] = []
        self._order = 0
        self._served = 0
        self._typical = 1.0  # moving average of all durations (s), for Retry-After
        self._held = 0  # requests held back now, all clients
        self._short = -math.inf  # when a query of the fast or inline lane last ran (gate's clock)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _client(self, address: str, now: float) -> _Client:
        client = self._clients.get(address)
        if client is None:
            if len(self._clients) >= CLIENTS:
                self._forget_idle(now)
            client = self._clients[address] = _Client(self.limits.budget, now)
        rate = self.limits.budget / 60.0
        client.tokens = min(self.limits.budget, client.tokens + (now - client.updated) * rate)
        client.updated = now
        return client

    def _forget_idle(self, now: float) -> None:
        rate = self.limits.budget / 60.0
        for address, client in list(self._clients.items()):
            full = client.tokens + (now - client.updated) * rate >= self.limits.budget
            if client.running == 0 and client.held == 0 and full:
                del self._clients[address]

    def is_fast(self, key: str, client: _Client, cheap: bool) -> bool:
        """Fast: the text's shortest run was; else the client's recent queries were; else its shape says so."""
        known = self._durations.get(key)
        if known is not None:
            return known < self.limits.fast_seconds
        if client.seen > 0:
            return client.typical < self.limits.fast_seconds
        return cheap

    def _take(self, kind: str) -> str | None:
        """A free slot for a query of this kind (a fast one takes the fast lane first), or None."""
        if kind == INLINE:
            if self._inline < self.limits.inline_slots:
                self._inline += 1
                return INLINE
            return None
        if kind == FAST and self._reserved < self.limits.fast_slots:
            self._reserved += 1
            return FAST
        if kind == GENERAL and self._general >= self.limits.contended_slots and self.contended():
            return None  # short queries are being answered: long ones leave them the other workers' cores
        if self._general < self.limits.slots:
            self._general += 1
            return GENERAL
        return None

    def contended(self) -> bool:
        """Short queries (the fast and inline lanes) run now or ran within `contended_seconds`."""
        if self._reserved or self._inline:
            return True
        return self.clock() - self._short < self.limits.contended_seconds

    def _release(self, lane: str) -> None:
        if lane == GENERAL:
            self._general -= 1
        elif lane == FAST:
            self._reserved -= 1
        else:
            self._inline -= 1
        if lane != GENERAL:
            self._short = self.clock()
        self._grant()

    def _grant(self) -> None:
        """Free slots to waiting queries."""
        # fast and inline ones first, then the client that holds fewest slots, then the one that used
        # least of its budget lately, then the one served longest ago
        for waiter in sorted(self._waiting, key=_turn):
            if waiter.granted.done():
                continue
            taken = self._take(waiter.kind)
            if taken is None:
                continue
            waiter.granted.set_result(taken)
            self._waiting.remove(waiter)

    def _retry(self) -> int:
        return math.ceil(self._typical * (1 + len(self._waiting)) / max(1, self.limits.slots))

    def check(self, address: str) -> float:
        """Before a client's request is even read: 0 when it may go on; Refused (429) at once when it
        is at its limits; or, when it is at its limits and came back before its last Retry-After
        was due, how many seconds to hold it first (`hold`)."""
        now = self.clock()
        client = self._client(address, now)
        if self._over(client) is not None and now < client.due:
            return min(client.due - now, self.limits.hold_seconds)
        self._refuse_if_over(client, now)
        return 0.0

    async def hold(self, address: str, seconds: float) -> None:
        """Hold a request `seconds` (what `check` said), then check it again: it goes on, or is
        refused (at once now: its Retry-After is due). Refused at once, with `close`, when the
        client has `held` requests held already or all clients `held_total`."""
        now = self.clock()
        client = self._client(address, now)
        if client.held >= self.limits.held or self._held >= self.limits.held_total:
            message = "U stuurde te veel verzoeken vóór uw Retry-After; deze verbinding wordt gesloten."
            raise Refused(429, message, math.ceil(max(1.0, client.due - now)), close=True)
        client.held += 1
        self._held += 1
        try:
            await asyncio.sleep(seconds)
        finally:
            client.held -= 1
            self._held -= 1
        now = self.clock()
        self._refuse_if_over(self._client(address, now), now)

    def _over(self, client: _Client) -> tuple[str, int] | None:
        """Why a client is at its limits and its Retry-After, or None."""
        limits = self.limits
        if client.running >= limits.per_client:
            return (
                f"U hebt al {client.running} queries lopen (hoogstens {limits.per_client} tegelijk per adres); "
                "wacht tot er een klaar is.",
                math.ceil(client.typical),
            )
        if client.tokens <= 0:
            rate = limits.budget / 60.0
            return (
                f"Uw querytijd ({limits.budget:g} s per minuut per adres) is op; probeer later opnieuw.",
                math.ceil(-client.tokens / rate + 0.5),
            )
        return None

    def _refuse_if_over(self, client: _Client, now: float) -> None:
        over = self._over(client)
        if over is not None:
            self._refuse(client, *over, now)

    def _refuse(self, client: _Client, message: str, retry_after: int, now: float) -> None:
        """429, and the client is told when to come back (a request before that is held: `check`)."""
        refusal = Refused(429, message, retry_after)
        client.due = now + refusal.retry_after
        raise refusal

    @asynccontextmanager
    async def admit(
        self, address: str, key: str, deadline: float, cheap: bool = False, inline: bool = False
    ) -> AsyncIterator[str]:
        """Run the body as one of `address`'s queries (`key`: the normalised query) or raise Refused.
        `deadline` (on the gate's clock) bounds the wait for a slot; `cheap`: the query's shape
        suggests it is quick (`lexer.shape`), which counts for a client never seen before; `inline`:
        the service will run it in the server itself (`QueryService.inline`)."""
        now = self.clock()
        client = self._client(address, now)
        self._refuse_if_over(client, now)
        kind = INLINE if inline else FAST if self.is_fast(key, client, cheap) else GENERAL
        client.running += 1  # waiting counts as running: a client cannot fill the queue
        try:
            lane = self._take(kind) or await self._wait(kind, client, deadline - now)
        except BaseException:
            client.running -= 1
            raise
        client.holding += 1
        self._served += 1
        client.served = self._served
        started = self.clock()
        holder = _Holder(client, lane, asyncio.current_task(), started)
        self._holders.append(holder)
        stopped = False
        try:
            yield lane
        except QueryTimeout:
            stopped = True
            raise
        except asyncio.CancelledError:
            if not holder.preempted:  # not ours: let it through
                raise
            if holder.task is not None:
                holder.task.uncancel()
            rate = self.limits.budget / 60.0
            message = (
                f"Uw querytijd ({self.limits.budget:g} s per minuut per adres) is op en een ander wachtte: "
                "uw query werd gestopt; probeer later opnieuw."
            )
            try:
                self._refuse(client, message, math.ceil(self.limits.budget / 4 / rate), self.clock())
            except Refused as refusal:
                raise refusal from None
        finally:
            self._holders.remove(holder)
            elapsed = self.clock() - started
            if stopped:  # it costs its whole time, even when it waited for most of it and ran for little
                elapsed = max(elapsed, deadline - now)
            client.running -= 1
            client.holding -= 1
            client.tokens -= elapsed
            client.typical = elapsed if client.seen == 0 else 0.7 * client.typical + 0.3 * elapsed
            client.seen += 1
            self._typical = 0.9 * self._typical + 0.1 * elapsed
            if not stopped and not holder.preempted:
                self._remember(key, elapsed)
            elif stopped and key not in self._durations and self.clock() - started >= self.limits.fast_seconds:
                self._remember(key, self.clock() - started)  # never finished, and ran long: not fast
            self._release(lane)

    def _left(self, client: _Client, now: float) -> float:
        """What is left of a client's budget, its running queries' time so far taken off."""
        rate = self.limits.budget / 60.0
        tokens = min(self.limits.budget, client.tokens + (now - client.updated) * rate)
        return tokens - sum(now - h.started for h in self._holders if h.client is client)

    def _preempt(self, kind: str, waiting: _Client) -> None:
        """Someone waits for a slot that a client past its budget holds: stop that client's query that
        has run longest (its request gets 429), and the slot goes to the waiting ones. The lane of a
        worker (fast or general), not the inline one: a worker can be stopped, a thread cannot."""
        now = self.clock()
        lanes = (GENERAL,) if kind == GENERAL else (FAST, GENERAL) if kind == FAST else ()
        over = [
            h
            for h in self._holders
            if h.lane in lanes and not h.preempted and h.client is not waiting and self._left(h.client, now) <= 0
        ]
        if over:
            victim = min(over, key=lambda h: h.started)
            victim.preempted = True
            if victim.task is not None:
                victim.task.cancel()

    def _evict(self, newcomer: _Client) -> bool:
        """The queue is full: refuse (429) the waiting query of a client that is served already (it
        holds a slot) and has used more of its budget than `newcomer`, the one that used most, so
        that the newcomer can wait in its place; False when there is none (the newcomer gets 503)."""
        served = [
            w
            for w in self._waiting
            if not w.granted.done() and w.client.holding > 0 and w.client.tokens < newcomer.tokens
        ]
        if not served:
            return False
        victim = min(served, key=lambda w: w.client.tokens)
        self._waiting.remove(victim)
        message = "De wachtrij is vol en u hebt al een query lopen; een ander adres gaat voor. Probeer later opnieuw."
        victim.client.due = self.clock() + max(1, self._retry())
        victim.granted.set_exception(Refused(429, message, self._retry()))
        return True

    def _remember(self, key: str, elapsed: float) -> None:
        """The text's shortest finished run: its cost without contention (or, while it never
        finished, how long it ran before it was stopped: it is not fast, whoever sends it)."""
        self._durations[key] = min(elapsed, self._durations.get(key, elapsed))
        self._durations.move_to_end(key)
        if len(self._durations) > HISTORY:
            self._durations.popitem(last=False)

    async def _wait(self, kind: str, client: _Client, seconds: float) -> str:
        """Wait in the queue for a slot, at most `seconds`; the lane taken."""
        if len(self._waiting) >= self.limits.queue and not self._evict(client):
            raise Refused(503, "De server is volop bezig en de wachtrij is vol; probeer zo opnieuw.", self._retry())
        self._order += 1
        waiter = _Waiter(kind, client, self._order, asyncio.get_running_loop().create_future())
        self._preempt(kind, client)
        self._waiting.append(waiter)
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        try:
            while not waiter.granted.done() and (left := end - loop.time()) > 0:
                try:  # a slot kept back for short queries frees itself without a release: look again
                    await asyncio.wait_for(asyncio.shield(waiter.granted), min(left, self.limits.contended_seconds))
                except TimeoutError:
                    self._grant()
        except asyncio.CancelledError:  # the client went away while waiting
            if waiter.granted.done() and not waiter.granted.cancelled() and waiter.granted.exception() is None:
                self._release(waiter.granted.result())
            elif not waiter.granted.done():
                waiter.granted.cancel()
                self._waiting.remove(waiter)
            raise
        if not waiter.granted.done():
            waiter.granted.cancel()
            self._waiting.remove(waiter)
            raise Refused(503, "De server was te lang bezet om deze query op tijd te starten.", self._retry())
        return waiter.granted.result()
