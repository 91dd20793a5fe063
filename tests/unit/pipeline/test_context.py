import time

import pytest

from pipeline.stages.context import (
    ContextEntry,
    InMemoryContextStore,
    apply_context,
    number_edges,
)
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules


def entry(
    sender: str, hits: tuple[str, ...] = (), age: float = 0.0, **scores: float
) -> ContextEntry:
    return ContextEntry(sender, scores, hits, time.time() - age)


def test_entry_json_round_trip() -> None:
    original = ContextEntry("u1", {"scam": 0.25, "spam": 0.0}, ("phone",), 1700000000.5)
    assert ContextEntry.from_json(original.to_json()) == original


def test_contact_then_payment_app_raises_off_platform() -> None:
    recent = [entry("seller", ("phone",), off_platform=0.6)]
    out, reasons = apply_context(
        {"off_platform": 0.1}, ["payment_app"], "seller", recent, time.time()
    )
    assert out["off_platform"] >= 0.95
    assert reasons == ("off_platform:context_contact_payment",)


@pytest.mark.parametrize("contact", ["contact_request", "social_handle"])
def test_asking_for_a_number_or_giving_a_handle_then_a_payment_app_connects(contact: str) -> None:
    """ "whats your number?" then "i pay with zelle": the move the stage exists for."""
    recent = [entry("buyer", (contact,), off_platform=0.6)]
    out, reasons = apply_context(
        {"off_platform": 0.1}, ["payment_app"], "buyer", recent, time.time()
    )
    assert out["off_platform"] >= 0.95
    assert reasons == ("off_platform:context_contact_payment",)


def test_a_refused_payment_app_or_messenger_does_not_connect() -> None:
    """'i don't have whatsapp' then 'no zelle, app only' is someone staying in the app."""
    recent = [entry("buyer", ("messenger_refused",), off_platform=0.1)]
    out, reasons = apply_context(
        {"off_platform": 0.1}, ["payment_app_refused"], "buyer", recent, time.time()
    )
    assert out["off_platform"] == 0.1
    assert reasons == ()


def test_history_of_other_sender_or_old_history_does_not_count() -> None:
    now = time.time()
    other = [entry("buyer", ("phone",), off_platform=0.95)]
    old = [entry("seller", ("phone",), age=3600.0, off_platform=0.95)]
    for recent in (other, old):
        out, reasons = apply_context({"off_platform": 0.4}, ["payment_app"], "seller", recent, now)
        assert out == {"off_platform": 0.4}
        assert reasons == ()


def test_risky_history_amplifies_a_moderate_score_only() -> None:
    recent = [entry("s", scam=0.9)]
    raised, reasons = apply_context({"scam": 0.4}, [], "s", recent, time.time())
    assert raised["scam"] == pytest.approx(0.4 + 0.6 * 0.5 * 0.9)
    assert reasons == ("scam:context",)
    calm, _ = apply_context({"scam": 0.05}, [], "s", recent, time.time())
    assert calm["scam"] == 0.05


async def test_store_keeps_last_entries_and_evicts_least_recent() -> None:
    store = InMemoryContextStore(max_conversations=2, max_entries=3, ttl_s=60.0)
    for i in range(5):
        await store.push("a", entry(str(i)))
    assert [e.sender_id for e in await store.recent("a")] == ["2", "3", "4"]
    await store.push("b", entry("x"))
    await store.recent("a")  # touch a: b becomes the least recently used
    await store.push("c", entry("y"))
    assert len(store) == 2
    assert await store.recent("b") == []
    assert len(await store.recent("a")) == 3


async def test_store_drops_expired_entries() -> None:
    store = InMemoryContextStore(ttl_s=10.0)
    await store.push("a", entry("old", age=30.0))
    await store.push("a", entry("new"))
    assert [e.sender_id for e in await store.recent("a")] == ["new"]


@pytest.mark.parametrize(
    ("first", "connects"),
    [
        ("whats your number?", True),
        ("add me: snap bobsells", True),
        ("I don't need your number, the app is fine", False),  # a refusal asks for nothing
        ("is the bike still available?", False),
    ],
)
def test_a_request_for_contact_then_a_payment_app_through_the_rules(
    first: str, connects: bool
) -> None:
    def hits(text: str) -> list[str]:
        return [hit.name for hit in match_rules(normalize(text))]

    recent = [entry("buyer", tuple(hits(first)), off_platform=0.2)]
    out, reasons = apply_context(
        {"off_platform": 0.2}, hits("do you take venmo?"), "buyer", recent, time.time()
    )
    assert ("off_platform:context_contact_payment" in reasons) is connects
    assert (out["off_platform"] >= 0.95) is connects


@pytest.mark.parametrize(
    ("text", "edges"),
    [
        ("0192 text me", ("0192", "", False)),
        ("my number is 415", ("", "415", False)),
        ("my number is 415.", ("", "415", False)),
        ("555", ("555", "555", True)),
        ("(415) 555", ("415555", "415555", True)),
        ("is 40 ok?", ("", "", False)),
    ],
)
def test_number_edges(text: str, edges: tuple[str, str, bool]) -> None:
    assert number_edges(text) == edges


def _pieces(*texts: str, gap: float = 5.0, sender: str = "s") -> list[ContextEntry]:
    now = time.time()
    out = []
    for i, text in enumerate(texts):
        _, tail, only = number_edges(text)
        age = gap * (len(texts) - i)
        out.append(ContextEntry(sender, {"off_platform": 0.1}, (), now - age, tail, only))
    return out


@pytest.mark.parametrize(
    ("before", "current", "joined"),
    [
        (("my number is 415", "555"), "0192 text me", True),
        (("415", "555"), "0192", True),
        (("my number is 415 555",), "0192", True),
        (("415",), "555", False),  # 6 digits
        (("call me on 415", "ok"), "5550192", False),  # a message between that is no number
        (("40", "35"), "30", False),
        (("4155550192000",), "12", False),  # more than 13 digits
        (("1500", "2000"), "300", False),  # round figures: prices being haggled
        (("1500", "2000"), "350", False),
        (("how about 1500", "2000"), "300 cash", False),
        (("212", "555"), "1000", True),  # one piece not round is enough
    ],
)
def test_a_number_sent_in_pieces(before: tuple[str, ...], current: str, joined: bool) -> None:
    out, reasons = apply_context(
        {"off_platform": 0.1}, [], "s", _pieces(*before), time.time(), normalized=current
    )
    assert ("off_platform:context_split_number" in reasons) is joined
    assert (out["off_platform"] >= 0.95) is joined


def test_pieces_too_far_apart_or_from_another_sender_do_not_join() -> None:
    now = time.time()
    slow = _pieces("415", "555", gap=300.0)
    other = _pieces("415", "555", sender="b")
    for recent in (slow, other):
        _, reasons = apply_context({"off_platform": 0.1}, [], "s", recent, now, normalized="0192")
        assert "off_platform:context_split_number" not in reasons


def test_entry_json_round_trip_with_digits() -> None:
    original = ContextEntry("u1", {"scam": 0.25}, (), 1700000000.5, "415", True)
    assert ContextEntry.from_json(original.to_json()) == original
    assert ContextEntry.from_json('{"s":"u","p":{},"r":[],"t":1.0}').tail_digits == ""
