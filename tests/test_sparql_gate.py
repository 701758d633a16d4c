"""The fairness gate and the query shapes it relies on, without a server: which queries are tiny
(run in the server itself), what a stopped query costs, and who gets a freed slot first."""

from __future__ import annotations

import asyncio

import pytest

from hgkbp_ld.sparql import Gate, Limits, Refused, shape
from hgkbp_ld.sparql.fair import GENERAL, INLINE
from hgkbp_ld.sparql.service import QueryTimeout

BP = "PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>\n"


@pytest.mark.parametrize(
    "query",
    [
        BP + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bp:Actie } LIMIT 5",
        "ASK { ?s ?p ?o }",
        BP + "SELECT ?b (COUNT(?a) AS ?n) WHERE { ?a bp:verantwoordelijke ?b . } GROUP BY ?b ORDER BY ?b",
        'SELECT * WHERE { ?s ?p "x" FILTER (?s != ?p && isIRI(?s)) }',
        "SELECT * WHERE { ?s ?p ?o FILTER bound(?o) }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
    ],
)
def test_one_triple_pattern_is_tiny(query: str) -> None:
    assert shape(query).tiny


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",  # a join
        "SELECT * WHERE { ?s ?p ?o ; ?q ?r }",
        "SELECT * WHERE { ?s <p>/<q> ?o }",  # a path
        "SELECT * WHERE { ?s <p>* ?o }",
        "SELECT * WHERE { ?s ?p [] }",  # a blank node is a variable
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
        "SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <a> }",
        "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?o ?p ?s } }",
        'SELECT * WHERE { ?s ?p ?o FILTER regex(?o, "(a*)*b") }',
        "SELECT * FROM <g> FROM <h> WHERE { ?s ?p ?o }",  # a dataset of many graphs
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DESCRIBE <x>",
        "INSERT DATA { <a> <b> <c> }",
        "SELECT * WHERE { ?s ?p ?o FILTER (" + " && ".join(["?o != ?s"] * 300) + ") }",  # too long
    ],
)
def test_anything_more_is_not_tiny(query: str) -> None:
    assert not shape(query).tiny


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stopped_query_costs_its_whole_time_and_does_not_make_its_text_fast() -> None:
    clock = Clock()
    gate = Gate(Limits(slots=1, fast_slots=0, budget=30), clock)

    async def stopped_late() -> None:
        release = asyncio.Event()

        async def holder() -> None:
            async with gate.admit("b", "other", clock.now + 5):
                await release.wait()

        held = asyncio.create_task(holder())
        await asyncio.sleep(0)

        async def late() -> None:
            async with gate.admit("a", "SLOW", clock.now + 5):  # waits for the one slot
                clock.now += 0.1  # then is stopped at its deadline, after 0.1 s of running
                raise QueryTimeout

        stopped = asyncio.create_task(late())
        await asyncio.sleep(0)
        clock.now += 4.9  # it waited nearly all its time
        release.set()
        await held
        with pytest.raises(QueryTimeout):
            await stopped

    asyncio.run(stopped_late())
    client = gate._client("a", clock.now)
    assert client.tokens == pytest.approx(30 - 5 + 2.5, abs=0.01)  # charged 5 s (not 0.1), refilled 5 s × 0.5/s
    assert "SLOW" not in gate._durations  # a stopped run of 0.1 s says nothing of the text
    assert not gate.is_fast("SLOW", client, cheap=True)  # but the client's queries were slow


def test_a_text_stopped_after_running_long_is_slow_for_every_client() -> None:
    clock = Clock()
    gate = Gate(Limits(slots=1, fast_slots=1, fast_seconds=0.5), clock)

    async def stopped() -> None:
        with pytest.raises(QueryTimeout):
            async with gate.admit("a", "SLOW", clock.now + 5):
                clock.now += 5  # ran its whole time
                raise QueryTimeout

    asyncio.run(stopped())
    fast_history = gate._client("b", clock.now)
    fast_history.seen, fast_history.typical = 10, 0.01  # b's queries were all fast
    assert not gate.is_fast("SLOW", fast_history, cheap=True)


def test_a_freed_slot_goes_to_the_client_with_nothing_running() -> None:
    gate = Gate(Limits(slots=1, fast_slots=0, per_client=2, queue=4, inline_slots=1))
    order: list[str] = []

    async def scenario() -> None:
        release = asyncio.Event()

        async def query(address: str, key: str, hold: asyncio.Event | None = None) -> None:
            async with gate.admit(address, key, gate.clock() + 30) as lane:
                order.append(f"{address}:{lane}")
                if hold is not None:
                    await hold.wait()

        first = asyncio.create_task(query("a", "q1", release))
        await asyncio.sleep(0)
        second = asyncio.create_task(query("a", "q2"))  # a's second query waits first
        await asyncio.sleep(0)
        other = asyncio.create_task(query("b", "q3"))  # b has nothing running
        await asyncio.sleep(0)
        async with gate.admit("c", "tiny", gate.clock() + 30, inline=True) as lane:  # needs no worker
            order.append(f"c:{lane}")
        release.set()
        await asyncio.gather(first, second, other)

    asyncio.run(scenario())
    assert order == [f"a:{GENERAL}", f"c:{INLINE}", f"b:{GENERAL}", f"a:{GENERAL}"]


def test_past_its_budget_a_clients_running_query_is_stopped_for_one_that_waits() -> None:
    clock = Clock()
    gate = Gate(Limits(slots=1, fast_slots=0, budget=1), clock)  # 1 s of query time a minute
    result: dict[str, object] = {}

    async def holds(address: str, seconds: float) -> None:
        try:
            async with gate.admit(address, f"slow from {address}", clock.now + 30):
                clock.now += seconds
                await asyncio.sleep(30)
        except Refused as refused:
            result[address] = refused.status

    async def waits(address: str, seconds: float) -> None:
        try:
            async with gate.admit(address, "q", clock.now + seconds) as lane:
                result[address] = lane
        except Refused as refused:
            result[address] = refused.status

    async def scenario() -> None:
        spent = asyncio.create_task(holds("a", 2))  # has run past its budget
        await asyncio.sleep(0)
        await asyncio.wait_for(waits("b", 30), 5)  # gets a's slot at once: a's query is stopped
        await spent
        within = asyncio.create_task(holds("c", 0.5))  # within its budget: not stopped
        await asyncio.sleep(0)
        await waits("d", 0.2)  # so d waits until its deadline
        within.cancel()

    asyncio.run(scenario())
    assert result == {"a": 429, "b": GENERAL, "d": 503}


def test_a_client_back_before_its_retry_after_is_held_until_then_and_only_so_many_at_once() -> None:
    """The tarpit: the first refusal is at once; a request of a client still at its limits that comes
    back before its Retry-After waits for it, then is checked again; past `held` such requests of a
    client (each holds a socket) the next is refused at once and its connection is to be closed."""
    clock = Clock()
    gate = Gate(Limits(slots=1, fast_slots=0, per_client=1, held=2, hold_seconds=10), clock)
    outcome: dict[str, object] = {}

    async def scenario() -> None:
        release = asyncio.Event()

        async def running() -> None:
            async with gate.admit("a", "q", clock.now + 30):
                await release.wait()

        task = asyncio.create_task(running())
        await asyncio.sleep(0)
        with pytest.raises(Refused) as first:  # at its limit: refused at once, told when to come back
            gate.check("a")
        outcome["first"] = (first.value.status, first.value.retry_after, first.value.close)
        clock.now += 0.2
        hold = gate.check("a")  # back too early: held until its Retry-After is due
        outcome["hold"] = hold
        assert gate.check("b") == 0.0  # another client is not touched
        held = [asyncio.create_task(gate.hold("a", 0.05)) for _ in range(2)]
        await asyncio.sleep(0)
        with pytest.raises(Refused) as third:  # a third at once: refused now, its connection closed
            await gate.hold("a", 0.05)
        outcome["third"] = (third.value.status, third.value.close)
        clock.now += hold
        results = await asyncio.gather(*held, return_exceptions=True)  # still at its limit: 429 after the hold
        outcome["held"] = [(r.status, r.close) if isinstance(r, Refused) else r for r in results]
        release.set()
        await task
        clock.now += 0.1
        await gate.hold("a", 0.01)  # no longer at its limit: goes on

    asyncio.run(scenario())
    status, retry_after, close = outcome["first"]
    assert status == 429 and retry_after >= 1 and not close
    assert outcome["hold"] == pytest.approx(retry_after - 0.2)
    assert outcome["third"] == (429, True)
    assert outcome["held"] == [(429, False), (429, False)]
    assert gate._held == 0 and gate._client("a", clock.now).held == 0  # every place given back


def test_while_short_queries_run_long_ones_take_only_the_contended_slots() -> None:
    """Two general slots, one of them for long queries while short ones (the inline lane here) are
    being answered: a second long query waits until the short ones have been quiet a while, then
    gets the slot without anyone releasing one."""
    clock = Clock()
    limits = Limits(slots=2, fast_slots=0, per_client=2, contended_slots=1, contended_seconds=0.5)
    gate = Gate(limits, clock)
    lanes: list[str] = []

    async def scenario() -> None:
        release = asyncio.Event()

        async def long(address: str) -> None:
            async with gate.admit(address, f"slow {address}", clock.now + 30) as lane:
                lanes.append(f"{address}:{lane}")
                await release.wait()

        async with gate.admit("c", "tiny", clock.now + 30, inline=True):
            first = asyncio.create_task(long("a"))
            await asyncio.sleep(0)
            second = asyncio.create_task(long("b"))  # the short one runs: b waits
            await asyncio.sleep(0.1)
            assert lanes == [f"a:{GENERAL}"] and gate.waiting == 1
        clock.now += 0.1  # the short one ended just now: still contended
        await asyncio.sleep(0.1)
        assert gate.waiting == 1
        clock.now += 1.0  # quiet for longer than contended_seconds: b gets the second slot
        await asyncio.wait_for(asyncio.sleep(0.6), 2)
        assert lanes == [f"a:{GENERAL}", f"b:{GENERAL}"] and gate.waiting == 0
        release.set()
        await asyncio.gather(first, second)

    asyncio.run(scenario())


def test_without_short_queries_long_ones_take_every_general_slot() -> None:
    gate = Gate(Limits(slots=2, fast_slots=0, per_client=2, contended_slots=1))
    lanes: list[str] = []

    async def scenario() -> None:
        release = asyncio.Event()

        async def long(address: str) -> None:
            async with gate.admit(address, f"slow {address}", gate.clock() + 30) as lane:
                lanes.append(lane)
                await release.wait()

        tasks = [asyncio.create_task(long(a)) for a in ("a", "b")]
        await asyncio.sleep(0.05)
        assert lanes == [GENERAL, GENERAL] and gate.waiting == 0
        release.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())


def test_a_full_queue_refuses_first_a_client_that_is_served_already() -> None:
    """One slot, a queue of one: a holds the slot and waits with a second query; b, with nothing
    running and its budget whole, takes a's place in the queue (a's waiting query gets 429, not b a
    503). A third client, c, then finds only b waiting (served nothing yet): c gets the 503."""
    clock = Clock()
    gate = Gate(Limits(slots=1, fast_slots=0, per_client=2, queue=1, budget=30), clock)
    outcome: dict[str, object] = {}

    async def scenario() -> None:
        release = asyncio.Event()

        async def query(address: str, key: str, hold: asyncio.Event | None = None) -> None:
            try:
                async with gate.admit(address, key, clock.now + 30) as lane:
                    outcome.setdefault(address, []).append(lane)
                    if hold is not None:
                        await hold.wait()
            except Refused as refused:
                outcome.setdefault(address, []).append(refused.status)

        gate._client("a", clock.now).tokens = 10  # a used 20 s of its budget lately
        running = asyncio.create_task(query("a", "q1", release))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(query("a", "q2"))
        await asyncio.sleep(0)
        assert gate.waiting == 1
        newcomer = asyncio.create_task(query("b", "q3"))
        await asyncio.sleep(0.05)
        assert outcome.get("a") == [GENERAL, 429] and gate.waiting == 1  # a's waiting query made way
        await query("c", "q4")  # only b waits, and b holds nothing: no one to refuse first
        release.set()
        await asyncio.gather(running, waiting, newcomer)

    asyncio.run(scenario())
    assert outcome == {"a": [GENERAL, 429], "b": [GENERAL], "c": [503]}
