"""Long messages: the networks read 64 tokens, the hub accepts 2,000 characters.

Until 2026-12-06 a friendly preamble of about 60 tokens hid whatever followed from the model: a
gift-card scam, a courier-link scam, an overpayment and a get-rich pitch behind it were allowed.
A long message is now scored as its head and as short windows that count only where they are
sure (`pipeline.stages.model.windows`, `combine_windows`; model card, History, "Long messages").
The probe list below was written by hand on that day, before the candidates were run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from pipeline import ModerationRunner, RunnerConfig
from pipeline.stages import model as model_stage
from pipeline.stages.model import ModelArtifacts, OnnxModel, raise_by_sure_windows, windows
from pipeline.stages.normalize import normalize
from pipeline.stages.policy import Policy
from pipeline.stages.rules import match_rules, model_input
from pipeline.verdict import Action, Verdict

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"
MAX_LENGTH = 64

PREAMBLES = [
    "Hi there! I saw your listing for the mountain bike and I have to say it looks amazing, "
    "exactly what I have been searching for all spring. My son just turned twelve and he has "
    "been begging for a proper bike so he can ride with his friends on the trails behind our "
    "house.",
    "Good evening, thank you so much for getting back to me so quickly, I really appreciate it. "
    "I have bought a lot of furniture on this app over the years and most sellers have been "
    "lovely, so I am happy to see the dresser is still available and in such good condition, "
    "the photos show the wood grain beautifully and the drawers look like they slide well.",
    "hey hey, ok so long story but my old laptop died in the middle of my exams lol and i need "
    "something that can run zoom and office without freezing every 5 minutes, yours looks "
    "perfect and the battery health you listed is way better than the others i saw this week, "
    "plus you are close to my campus which helps a lot",
]

RISKY = [
    (
        "I can only pay with a gift card, buy one at walmart and send me the numbers on the back.",
        "scam",
    ),
    (
        "my courier will pick it up, I already paid, just click the link to confirm the "
        "shipping fee.",
        "scam",
    ),
    ("I'll send you a cashier's check for $900 and you refund me the difference.", "scam"),
    ("please pay a $50 deposit first to hold it, otherwise I sell to the next person.", "scam"),
    ("before we meet, please send me the verification code you just got by sms.", "scam"),
    (
        "text me on whatsapp at four one five five five five zero one nine two, faster than here.",
        "off_platform",
    ),
    ("can you pay with zelle instead of the app? it's quicker for both of us.", "off_platform"),
    ("email me at jsmith88 at gmail dot com and we can sort the payment there.", "off_platform"),
    ("you are a worthless piece of garbage, nobody wants your junk.", "harassment"),
    ("shut up you stupid idiot, learn to read the listing.", "harassment"),
    ("make $5000 a week from home, join my crypto trading group today, limited spots!", "spam"),
    ("check out my shop www.cheapdeals-outlet.biz for 80% off designer bags!!!", "spam"),
]

QUESTIONS = [
    "can I come by saturday at noon and pay cash?",
    "would you take 120 if I pay in the app today?",
    "is the price negotiable at all? no worries if not.",
    "I'll send the offer through the app in a minute, thanks!",
    "what's the best spot to meet, the library parking lot maybe?",
    "does it come with the charger and the original box?",
]

# Long everyday messages, written after the second candidate, which held 3 of them.
EVERYDAY_LONG = [
    "Hi! Yes it's still available. It's a 2019 Trek Marlin 5, size medium, and I have ridden it "
    "maybe ten times since I bought it because I moved to the city and there are no trails "
    "nearby. The tires are almost new, the brakes were adjusted last month at the shop, and there "
    "is one small scratch on the top tube from my garage wall. I can meet you at the community "
    "center parking lot on Saturday morning if that works for you.",
    "Thanks for your patience with me this week, my kids were sick and I completely forgot to "
    "answer. The couch is still here and nobody else has asked about it. It's a three seater, "
    "grey fabric, no stains, no pets and no smoking in our home. You will need a van or a pickup "
    "truck because it does not fit in a normal car, we tried with my sister's SUV and it was too "
    "long by about a foot.",
    "so the laptop is a 2021 macbook air m1, 8gb ram, 256gb, battery cycle count is 143 and it "
    "still says normal. it comes with the original charger and box, I also have a sleeve I can "
    "throw in for free. the only thing is a tiny dent on the bottom corner, you can see it in the "
    "fourth photo. I can do 600 if you pay through the app and pick it up this weekend, the price "
    "is a bit firm because I already dropped it twice.",
    "Hello, I'm interested in the dining table and the four chairs. Could you tell me the exact "
    "measurements of the table top and the height? We have a small apartment and I want to make "
    "sure it fits between the kitchen counter and the window. Also, are the chairs sturdy? My "
    "husband is a big guy and the last chairs we bought online wobbled after a month. If "
    "everything works, I can pick up on Sunday after church.",
    "Sorry I have to cancel today, my car broke down on the highway and I'm waiting for the tow "
    "truck right now, the mechanic says it will be at least two days. I really still want the "
    "stroller though, could we try again on Thursday evening or Friday after work? I totally "
    "understand if you want to sell it to someone else in the meantime, just let me know and I "
    "won't be upset at all.",
    "Just picked it up and wanted to say thank you again, the guitar sounds amazing and it was "
    "exactly as described. My daughter has been playing it all afternoon and hasn't stopped "
    "smiling. I left you a five star review in the app. If you ever sell the amp that you "
    "mentioned, please send me a message here because I would definitely be interested, even if "
    "it takes a few months.",
    "The phone is an unlocked Pixel 7, 128 GB, obsidian. I reset it to factory settings and "
    "removed my Google account so it's ready for a new owner. The screen has had a protector on "
    "it since day one and the case is included. I will show you the IMEI in the settings when we "
    "meet so you can check it isn't blacklisted, I know a lot of people worry about that with "
    "used phones, and that's totally fair.",
    "hey just a heads up, there's a lot of fake buyers on here lately asking people for codes and "
    "to pay outside the app, a guy tried it with me last week. I'm not saying you are one of "
    "them lol you seem legit, I just always keep everything in the app and meet in a public "
    "place, hope that's ok with you. I'll be at the police station parking lot which has "
    "cameras, it's on Main street.",
    "I measured the bookshelf again for you: it's 180 cm tall, 80 cm wide and 30 cm deep. It "
    "comes apart into five pieces if you take out the screws, so it would fit in a normal "
    "hatchback if you fold the seats. I'll have the screws in a small bag taped to the back. I'm "
    "around all day tomorrow except between 2 and 4 when I pick up my son from football "
    "practice.",
    "Quick question before I make an offer: does the coffee machine still have the warranty? I "
    "see it's from last year and the brand usually gives two years. If you still have the "
    "receipt it would help a lot in case something breaks. Also, do you descale it regularly? "
    "Our water is very hard here and I've ruined one machine already by being lazy about that, "
    "so I'm a bit careful now.",
    "Mi hermana me dijo que la bicicleta estaba en venta, todavía la tienes? La necesito para ir "
    "al trabajo porque el autobús tarda mucho por la mañana y siempre llego tarde. Puedo pasar el "
    "sábado por la tarde si te parece bien, y pago en la aplicación como siempre. Si tiene algún "
    "problema con los frenos o las ruedas, dímelo antes para saber qué esperar, gracias.",
    "I think there's been a mix-up: the listing says the price includes the mount and the "
    "cables, but your last message said the mount is extra. It's not a big deal, I'm still "
    "happy to buy the TV, I just want to make sure we agree on what's included before I drive an "
    "hour to get it. If the mount is extra, could you do 350 for everything?",
    "That's ok, I understand you can't go lower, it's a fair price for what it is. I'll take it "
    "at 80. I can come on Tuesday at 6 pm to the address you put in the app. I'll bring a friend "
    "to help carry it down the stairs, hope that's fine. If you need to change the time, just "
    "send me a message here, I check the app often during the day.",
]


def _padded() -> Iterator[object]:
    """Each risky sentence behind each preamble, and once between two of them."""
    for text, label in RISKY:
        for index, preamble in enumerate(PREAMBLES):
            padded = f"{preamble} Anyway, {text}"
            if label == "harassment" and text.startswith("you are a worthless") and index in (1, 2):
                # Its windows read harassment 0.94-0.98, under the floor: the floor was tuned
                # on validation (joined fine messages flagged no more than by the head + 1
                # point), and lower floors held long everyday messages. (1.5.0 catches it
                # behind the first preamble.)
                yield pytest.param(
                    padded,
                    label,
                    id=f"{label}-{RISKY.index((text, label))}-behind-{index}",
                    marks=pytest.mark.xfail(strict=True, reason="windows under the floor"),
                )
            else:
                yield pytest.param(
                    padded, label, id=f"{label}-{RISKY.index((text, label))}-{index}"
                )
        yield pytest.param(
            f"{PREAMBLES[0]} Anyway, {text} {PREAMBLES[2]}",
            label,
            id=f"{label}-{RISKY.index((text, label))}-between",
        )


PADDED = list(_padded())


@pytest.fixture(scope="module")
def runner() -> ModerationRunner:
    return ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))


@pytest.fixture(scope="module")
def model() -> OnnxModel:
    return OnnxModel(ModelArtifacts(ARTIFACTS))


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    tok = Tokenizer.from_file(str(ARTIFACTS / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


@pytest.fixture(scope="module")
def truncating() -> Tokenizer:
    tok = Tokenizer.from_file(str(ARTIFACTS / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_LENGTH)
    return tok


def _alone(runner: ModerationRunner, text: str) -> Verdict:
    return runner.score_sync([text])[0]


def _input(text: str) -> str:
    normalized = normalize(text)
    return model_input(normalized, match_rules(normalized))


def _windows(tokenizer: Tokenizer, text: str) -> list[model_stage.Window]:
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    assert cls is not None
    assert sep is not None
    return windows(tokenizer, text, MAX_LENGTH, cls, sep)


# ---- the windows ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*QUESTIONS, "[phone] [payment_app] text me 4155550192", "ok"])
def test_a_message_that_fits_is_one_window_as_before(
    tokenizer: Tokenizer, truncating: Tokenizer, text: str
) -> None:
    (window,) = _windows(tokenizer, text)
    assert window.ids == truncating.encode(text).ids
    assert window.text == text
    assert window.head


@pytest.mark.parametrize("text", [_input(p) for p in EVERYDAY_LONG])
def test_a_long_message_keeps_its_head_and_covers_every_token(
    tokenizer: Tokenizer, truncating: Tokenizer, text: str
) -> None:
    found = _windows(tokenizer, text)
    body = tokenizer.encode(text, add_special_tokens=False).ids
    assert len(body) > MAX_LENGTH - 2
    head, *rest = found
    assert head.head
    assert head.ids == truncating.encode(text).ids
    assert head.text == text  # the lexical half reads the whole message, as before
    assert rest
    assert not any(w.head for w in rest)
    cls, sep = head.ids[0], head.ids[-1]
    seen: set[int] = set()
    starts = []
    for window in rest:
        assert window.ids[0] == cls
        assert window.ids[-1] == sep
        inner = window.ids[1:-1]
        assert len(inner) == model_stage._WIDTH  # no markers in these texts
        start = next(
            i for i in range(len(body)) if body[i : i + len(inner)] == inner and i not in starts
        )
        starts.append(start)
        seen.update(range(start, start + len(inner)))
    assert seen == set(range(len(body)))
    assert starts[0] == 0
    assert starts[-1] + model_stage._WIDTH == len(body)
    assert max(np.diff(starts)) <= model_stage._STEP


def test_every_window_carries_the_markers(tokenizer: Tokenizer) -> None:
    text = "[payment_app] [messenger] " + _input(PREAMBLES[1])
    marker_ids = tokenizer.encode("[payment_app] [messenger]", add_special_tokens=False).ids
    head, *rest = _windows(tokenizer, text)
    for window in rest:
        assert window.ids[1 : 1 + len(marker_ids)] == marker_ids
        assert len(window.ids) == 2 + len(marker_ids) + model_stage._WIDTH
        assert window.text.startswith("[payment_app] [messenger] ")
    assert head.ids[1 : 1 + len(marker_ids)] == marker_ids


def test_markers_longer_than_the_room_are_cut(tokenizer: Tokenizer) -> None:
    markers = " ".join(f"[rule_{i}]" for i in range(12))  # about 60 tokens of markers
    text = f"{markers} {PREAMBLES[0]}"
    for window in _windows(tokenizer, text):
        assert len(window.ids) <= MAX_LENGTH
    assert len(_windows(tokenizer, text)[-1].ids) == MAX_LENGTH


def test_a_very_long_message_costs_a_bounded_number_of_windows(tokenizer: Tokenizer) -> None:
    """2,000 characters (the hub's limit): the head and at most `_MAX_WINDOWS` more, which up to
    576 tokens still leave no gap."""
    text = _input(" ".join(EVERYDAY_LONG))[:2000]
    found = _windows(tokenizer, text)
    assert len(found) == 1 + model_stage._MAX_WINDOWS
    body = tokenizer.encode(text, add_special_tokens=False).ids
    assert len(body) < model_stage._WIDTH * model_stage._MAX_WINDOWS
    covered = sum(len(w.ids) - 2 for w in found[1:])
    assert covered >= len(body)


def test_only_sure_windows_raise_a_message() -> None:
    probs = np.array([[0.30, 0.10], [0.60, 0.05]], dtype=np.float32)  # the heads
    windows_ = np.array(
        [
            [0.97, 0.20],  # message 0: under the floor, ignored
            [0.10, 0.99],  # message 0: sure, counts
            [0.20, 0.10],  # message 1: lower than its head, ignored
        ],
        dtype=np.float32,
    )
    raise_by_sure_windows(probs, windows_, np.array([0, 0, 1]), 0.98)
    np.testing.assert_allclose(probs, [[0.30, 0.99], [0.60, 0.05]])


# ---- the model on long messages ---------------------------------------------------------------


def test_long_messages_in_a_batch_score_as_alone(model: OnnxModel) -> None:
    texts = [_input(t) for t in [QUESTIONS[0], EVERYDAY_LONG[0], PADDED[0].values[0], "ok"]]  # type: ignore[attr-defined]
    together = model.predict(texts)
    alone = np.vstack([model.predict([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=0.02)  # the student's own batch noise


def test_skipping_the_judge_where_it_cannot_reach_the_floor_changes_nothing(
    model: OnnxModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [_input(p.values[0]) for p in PADDED[::3]] + [_input(t) for t in EVERYDAY_LONG]  # type: ignore[attr-defined]
    skipped = np.vstack([model.predict([t]) for t in texts])
    monkeypatch.setattr(model, "_judge_reach", lambda: -1.0)  # every unsure window to the judge
    judged = np.vstack([model.predict([t]) for t in texts])
    # What the skipped windows would have scored stays under the floor; only the judge's batch
    # noise on the windows judged either way remains (they are batched with fewer others).
    np.testing.assert_allclose(skipped, judged, atol=0.01)
    policy = Policy.load(ARTIFACTS / "policy.json").thresholds
    thresholds = np.array([policy[label] for label in model.labels])
    assert ((skipped >= thresholds) == (judged >= thresholds)).all()


# ---- the whole pipeline -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "label"), RISKY)
def test_each_risky_sentence_is_flagged_alone(
    runner: ModerationRunner, text: str, label: str
) -> None:
    assert label in _alone(runner, text).flagged


@pytest.mark.parametrize(("text", "label"), PADDED)
def test_a_friendly_preamble_does_not_hide_a_risky_sentence(
    runner: ModerationRunner, text: str, label: str
) -> None:
    verdict = _alone(runner, text)
    assert label in verdict.flagged, (verdict.labels, verdict.reasons)
    assert verdict.action is not Action.ALLOW


@pytest.mark.parametrize("text", [f"{p} Anyway, {q}" for p in PREAMBLES for q in QUESTIONS])
def test_a_long_everyday_question_is_allowed(runner: ModerationRunner, text: str) -> None:
    verdict = _alone(runner, text)
    assert verdict.action is Action.ALLOW, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize("text", EVERYDAY_LONG)
def test_a_long_everyday_message_is_allowed(runner: ModerationRunner, text: str) -> None:
    verdict = _alone(runner, text)
    assert verdict.action is Action.ALLOW, (verdict.labels, verdict.reasons)


def test_a_message_at_the_hub_limit_is_scored(runner: ModerationRunner) -> None:
    text = (" ".join(EVERYDAY_LONG) + " " + RISKY[0][0] + " ")[-2000:]
    verdict = _alone(runner, text)
    assert "scam" in verdict.flagged


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[phone]",
        "[phone] " * 40,  # markers alone, longer than the window
        "." * 2000,
        "a" * 2000,  # one word longer than WordPiece reads: one [UNK]
        "漢" * 2000,  # one token per character: 2,000 tokens
        "a. " * 700,
        "[x] " + "word " * 300,
    ],
)
def test_odd_inputs_score_without_error(model: OnnxModel, text: str) -> None:
    found = model.windows(text)
    assert 1 <= len(found) <= 1 + model_stage._MAX_WINDOWS
    assert all(len(w.ids) <= MAX_LENGTH for w in found)
    probs = model.predict([text])
    assert probs.shape == (1, len(model.labels))
    assert ((probs >= 0) & (probs <= 1)).all()
