"""Loss and duplicate detection, errors by code, the measured window."""

from __future__ import annotations

from benchmarks.ledger import Ledger

OK = {"ok": True}


def test_every_delivery_arrives_once() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    led.acked("m1", 1.01, OK)
    led.received("m1", "bob", 1.02)
    c = led.counts()
    assert (c["lost"], c["duplicated"], c["unacked"], c["delivered"]) == (0, 0, 0, 1)
    assert led.e2e.summary_ms()["max"] == 20.0
    assert led.ack.summary_ms()["max"] == 10.0


def test_an_acked_message_that_never_arrives_is_lost() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob", "carol"})
    led.acked("m1", 1.1, OK)
    led.received("m1", "bob", 1.2)
    assert led.lost() == 1
    assert led.outstanding() == 1


def test_a_second_copy_is_a_duplicate() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    led.acked("m1", 1.1, OK)
    led.received("m1", "bob", 1.2)
    led.received("m1", "bob", 1.3)
    assert led.counts()["duplicated"] == 1
    assert led.e2e.count == 1


def test_unknown_keys_and_wrong_receivers_are_unexpected() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    led.received("nope", "bob", 1.1)
    led.received("m1", "alice", 1.1)
    assert led.counts()["unexpected"] == 2
    assert led.delivered == 0


def test_errors_are_counted_by_code_and_expect_no_delivery() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    led.sent_at("m2", 1.0, {"bob"})
    led.acked("m1", 1.1, {"ok": False, "error": {"code": "rate_limited", "message": "slow"}})
    led.acked("m2", 1.1, "garbage")
    c = led.counts()
    assert c["errors"] == {"rate_limited": 1, "malformed_ack": 1}
    assert c["lost"] == 0


def test_a_held_message_expects_no_delivery() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    led.acked("m1", 1.1, OK, delivers=False)
    assert led.lost() == 0
    assert led.outstanding() == 0


def test_unacked_sends_are_reported() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    assert led.counts()["unacked"] == 1
    assert led.lost() == 0


def test_warmup_sends_are_checked_but_not_measured() -> None:
    led = Ledger(measure_from=10.0)
    led.sent_at("warm", 9.0, {"bob"})
    led.sent_at("hot", 10.5, {"bob"})
    for key in ("warm", "hot"):
        led.acked(key, 11.0, OK)
        led.received(key, "bob", 11.0)
    c = led.counts()
    assert (c["sent"], c["measured_sent"], c["delivered"], c["measured_delivered"]) == (2, 1, 2, 1)
    assert led.e2e.count == 1
    assert led.timeline[0].delivered == 1


def test_restamp_measures_pending_deliveries_from_the_new_start() -> None:
    led = Ledger(measure_from=0.0)
    led.sent_at("m1", 1.0, {"bob"})
    led.acked("m1", 1.1, OK)
    led.restamp(5.0)
    led.received("m1", "bob", 5.25)
    assert led.e2e.summary_ms()["max"] == 250.0
