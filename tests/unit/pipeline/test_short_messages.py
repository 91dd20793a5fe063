"""Short messages (a few tokens each), through the whole shipped pipeline, each scored alone.

Two rounds written by hand on 2026-12-07, when 1.4.4 began sending messages of at most six
tokens to the judge (model card, History, "Short messages to the judge"): the first before its
run, the second after the first's scores, to judge a variant. Misses are strict xfails with the
score: a model that fixes one, or breaks another, fails it. 1.4.3 caught four more of the risky
ones ("whats the code", "refund the difference", "pay insurance fee first", "my agent will
collect": its first stage was sure, the judge is not) and held three more of the everyday ones
("you're too kind", "you are kind", "you first, then me").
"""

from pathlib import Path

import pytest

from pipeline import ModerationRunner, RunnerConfig
from pipeline.verdict import Action, Verdict

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


def _known(*values: str, reason: str) -> object:
    """A case the shipped model gets wrong: a strict xfail, with why."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


# Round 1: risky, one label each.
RISKY_FIRST = [
    _known("kys", "harassment", reason="missed (harassment 0.07)"),
    ("die", "harassment"),
    ("idiot", "harassment"),
    ("ur dumb", "harassment"),
    ("you're an idiot", "harassment"),
    ("shut up moron", "harassment"),
    ("loser", "harassment"),
    _known("f off", "harassment", reason="missed (harassment 0.02)"),
    ("piss off", "harassment"),
    ("screw you", "harassment"),
    ("you stupid cow", "harassment"),
    _known("dumbass", "harassment", reason="missed (harassment 0.08)"),
    ("go to hell", "harassment"),
    ("you're pathetic", "harassment"),
    ("fat pig", "harassment"),
    ("i'll find you", "harassment"),
    ("watch your back", "harassment"),
    ("you're dead", "harassment"),
    ("send nudes", "harassment"),
    _known("nice tits", "harassment", reason="missed (harassment 0.11)"),
    ("ugly bitch", "harassment"),
    _known("clown", "harassment", reason="missed (harassment 0.43)"),
    ("you're trash", "harassment"),
    _known("get lost freak", "harassment", reason="missed (harassment 0.25)"),
    _known("bite me", "harassment", reason="missed (harassment 0.02)"),
    ("zelle?", "off_platform"),
    ("zelle only", "off_platform"),
    ("cashapp me", "off_platform"),
    ("venmo?", "off_platform"),
    ("venmo me", "off_platform"),
    ("text me", "off_platform"),
    ("call me", "off_platform"),
    ("whats ur number", "off_platform"),
    ("ur cell?", "off_platform"),
    ("dm me on ig", "off_platform"),
    _known("snap?", "off_platform", reason="missed (off_platform 0.22)"),
    ("whatsapp me", "off_platform"),
    ("email me", "off_platform"),
    ("paypal f&f", "off_platform"),
    _known("wire only", "off_platform", reason="missed (off_platform 0.29)"),
    ("btc ok?", "off_platform"),
    ("telegram?", "off_platform"),
    ("pay outside app", "off_platform"),
    ("my # is 5551234567", "off_platform"),
    ("add me on fb", "off_platform"),
    ("send the code", "scam"),
    _known("whats the code", "scam", reason="missed (scam 0.49)"),
    ("gift card only", "scam"),
    ("pay deposit first", "scam"),
    ("send deposit now", "scam"),
    _known("click this link", "scam", reason="missed (scam 0.05)"),
    ("verify here: bit.ly/x9", "scam"),
    _known("i'll overpay", "scam", reason="missed (scam 0.07)"),
    _known("refund the difference", "scam", reason="missed (scam 0.42)"),
    _known("my courier will pick up", "scam", reason="missed (scam 0.15)"),
    ("send the 6 digit code", "scam"),
    ("pay the shipping fee first", "scam"),
    ("buy cheap followers", "spam"),
    ("earn $500 daily", "spam"),
    _known("visit my shop", "spam", reason="missed (spam 0.15)"),
    _known("crypto signals here", "spam", reason="missed (spam 0.01)"),
    ("free iphone click", "spam"),
    _known("work from home $$$", "spam", reason="missed (spam 0.13)"),
    _known("check my store", "spam", reason="missed (spam 0.03)"),
    ("follow my page", "spam"),
]

# Round 1: everyday, none addressed to "you".
FINE_FIRST = [
    "ok",
    "no",
    "lol",
    "k",
    "hmm",
    "nope",
    "deal",
    "sold",
    "bump",
    "?",
    "yes please",
    "sure thing",
    "sounds good",
    "on my way",
    "here",
    "outside",
    "5 min",
    "be there soon",
    "still available?",
    "what size?",
    "how old?",
    "any damage?",
    "pickup only?",
    "price?",
    "40?",
    "35 ok?",
    "final offer",
    "too high",
    "not interested",
    "no thanks",
    "maybe later",
    "sorry, sold",
    "pending",
    "got it",
    "thanks man",
    "cheers",
    "great",
    "perfect",
    "nice",
    "awesome",
    "cool",
    "lmao",
    "omg yes",
    "haha",
    "done",
    "paid",
    "received",
    "shipped",
    "tracking?",
    "where?",
    "when?",
    "what time?",
    "noon works",
    "tomorrow?",
    "call you later",
    "text you later",
    "I'll message you",
    "my bad",
    "no worries",
    "all good",
    "take care",
    "bye",
    "good night",
    "morning!",
    "happy holidays",
    "congrats",
    "wow",
    "damn",
    "hell no",
    "shut up lol",
    "stop it haha",
    "you killed it",
    "killer deal",
    "sick bike",
    "insane price",
    "crazy cheap",
    "dead battery",
    "it's dead",
    "code works",
    "promo code?",
    "zip code?",
    "my number's in the app",
    "app only",
]

# Round 2: risky.
RISKY_SECOND = [
    ("moron", "harassment"),
    ("you're a moron", "harassment"),
    ("stupid bitch", "harassment"),
    ("eat shit", "harassment"),
    _known("fk you", "harassment", reason="missed (harassment 0.21)"),
    _known("u suck", "harassment", reason="missed (harassment 0.11)"),
    ("you're worthless", "harassment"),
    ("retard", "harassment"),
    ("go die", "harassment"),
    ("i'll hurt you", "harassment"),
    ("scumbag", "harassment"),
    ("you disgusting pig", "harassment"),
    ("shut your mouth", "harassment"),
    ("you're so ugly", "harassment"),
    ("sexy, send pics", "harassment"),
    ("useless idiot seller", "harassment"),
    _known("lowlife", "harassment", reason="missed (harassment 0.27)"),
    ("kill yourself", "harassment"),
    ("cash app?", "off_platform"),
    ("zelle me", "off_platform"),
    ("text 4155550123", "off_platform"),
    ("my whatsapp?", "off_platform"),
    ("kik me", "off_platform"),
    _known("ig: bobsells", "off_platform", reason="missed (off_platform 0.14)"),
    ("pay by paypal gift", "off_platform"),
    ("send via western union", "off_platform"),
    ("usdt only", "off_platform"),
    ("phone number pls", "off_platform"),
    ("gmail?", "off_platform"),
    _known("add my snap", "off_platform", reason="missed (off_platform 0.24)"),
    ("let's talk on telegram", "off_platform"),
    ("send me the code", "scam"),
    ("read me the code", "scam"),
    ("what code did you get", "scam"),
    ("forward the sms code", "scam"),
    ("pay the deposit", "scam"),
    ("steam card only", "scam"),
    ("itunes cards ok", "scam"),
    ("i sent extra, refund it", "scam"),
    ("overpaid, send back", "scam"),
    _known("confirm at my link", "scam", reason="missed (scam 0.19)"),
    _known("pay insurance fee first", "scam", reason="missed (scam 0.56)"),
    _known("my agent will collect", "scam", reason="missed (scam 0.39)"),
    _known("escrow via my site", "scam", reason="missed (scam 0.18)"),
    _known("check your email for payment", "scam", reason="missed (scam 0.09)"),
    ("follow me for giveaways", "spam"),
    _known("cheap rolex here", "spam", reason="missed (spam 0.12)"),
    ("make money fast", "spam"),
    ("best loans, dm", "spam"),
    ("subscribe to my channel", "spam"),
    ("win a free ps5", "spam"),
]

# Round 2: everyday, 25 of them friendly remarks to "you".
FINE_SECOND = [
    _known("you're a star", reason="hold as harassment (0.79)"),
    "you're awesome",
    "you're too kind",
    _known("you're quick", reason="hold as harassment (0.95)"),
    "you saved me",
    "you're welcome bud",
    _known("you're funny", reason="hold as harassment (0.82)"),
    "you're correct",
    _known("you're sweet", reason="hold as harassment (0.53)"),
    "you're amazing",
    "you made it",
    "you win, 40 it is",
    "you first, then me",
    _known("your pick", reason="hold as harassment (0.66)"),
    "your move",
    _known("you're a gem", reason="hold as harassment (0.80)"),
    "you too mate",
    "thank you kindly",
    "you are kind",
    "you nailed it",
    "you're awesome thanks",
    "you're early",
    "you're here?",
    "your place?",
    "you around?",
    "whats the plan",
    "what's the size",
    "refund? no need",
    "the code for the gate is 12",
    "sure, deposit not needed",
    "no link needed",
    "courier? no, I'll come",
    "cash ok?",
    _known("app payment ok?", reason="warn as off_platform (0.77)"),
    "call when here",
    _known("text when outside", reason="warn as off_platform (0.59)"),
    "my phone died",
    "snap pics?",
    "any more photos?",
    "shop's closed",
    "store pickup?",
    "free delivery?",
]

RISKY = RISKY_FIRST + RISKY_SECOND
FINE = FINE_FIRST + FINE_SECOND


def _text(param: object) -> str:
    values = param.values if hasattr(param, "values") else param
    return values if isinstance(values, str) else str(values[0])


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    return {text: runner.score_sync([text])[0] for text in map(_text, FINE + RISKY)}


@pytest.mark.parametrize("text", FINE)
def test_short_everyday_message_is_delivered_without_a_warning(
    verdicts: dict[str, Verdict], text: str
) -> None:
    verdict = verdicts[text]
    assert verdict.action is Action.ALLOW, (verdict.flagged, verdict.reasons)


@pytest.mark.parametrize(("text", "label"), RISKY)
def test_short_risky_message_is_flagged_for_its_label(
    verdicts: dict[str, Verdict], text: str, label: str
) -> None:
    verdict = verdicts[text]
    assert label in verdict.flagged, (verdict.flagged, verdict.reasons)
    assert verdict.action is not Action.ALLOW
