from types import ModuleType

import pytest

from models.data.corpus import sms_split
from models.data.families import FAMILIES
from models.data.synthetic import generate
from models.data.vocab import _PAY
from pipeline.stages.normalize import normalize


def test_every_family_is_in_exactly_one_known_split() -> None:
    names = [f.name for f in FAMILIES]
    assert len(names) == len(set(names))
    assert {f.split for f in FAMILIES} == {"train", "val", "test"}
    templates = [f.template for f in FAMILIES]
    assert len(templates) == len(set(templates))
    for split in ("train", "val", "test"):
        labels = {label for f in FAMILIES if f.split == split for label in f.labels}
        assert labels == {"scam", "off_platform", "harassment", "spam"}, split
        assert any(f.hard for f in FAMILIES if f.split == split), split


def test_every_concept_has_held_out_phrasings() -> None:
    for concept in {f.concept for f in FAMILIES}:
        splits = {f.split for f in FAMILIES if f.concept == concept}
        assert {"train", "test"} <= splits, concept


def test_generator_is_seeded_and_splits_use_their_own_families() -> None:
    first = generate("test", 300, seed=5)
    assert first == generate("test", 300, seed=5)
    assert first != generate("test", 300, seed=6)
    test_families = {f.name for f in FAMILIES if f.split == "test"}
    assert {e.family for e in first} <= test_families
    assert not {e.family for e in generate("train", 300, seed=5)} & test_families


def test_payment_vocabulary_of_test_is_unseen_in_training() -> None:
    assert not set(_PAY["train"]) & set(_PAY["test"])
    train_text = " ".join(normalize(e.text) for e in generate("train", 2000, seed=1))
    for name in _PAY["test"]:
        assert name not in train_text


def test_sms_split_is_a_pure_function_of_the_text() -> None:
    assert sms_split("free entry win a prize") == sms_split("free entry win a prize")
    buckets = {sms_split(f"message number {i}") for i in range(200)}
    assert buckets == {"train", "val", "test"}


def test_later_phrasings_never_reach_test_and_some_validate() -> None:
    from models.data import families

    cycled = {f.name for f in FAMILIES if "/" in f.name and f.name.rsplit("/", 1)[1].isdigit()}
    later = [f for f in FAMILIES if f.name not in cycled]
    assert later, "no later phrasings"
    assert {f.split for f in later} == {"train", "val"}
    strict = _training_only_suffixes(families)
    validating = [f for f in later if _suffix(f.name) not in strict]
    val_share = sum(f.split == "val" for f in validating) / len(validating)
    assert 1 / (2 * families.LATER_VAL_EVERY) < val_share < 2 / families.LATER_VAL_EVERY
    cycled_count = sum(len(c[3]) for c in families.concepts())
    assert len(cycled) == cycled_count
    held_out = {f.template for f in FAMILIES if f.split == "test"}
    assert not held_out & {f.template for f in later}


def test_later_phrasings_are_not_near_copies_of_held_out_ones() -> None:
    from models.data import families

    cycled = [f for f in FAMILIES if f.name.rsplit("/", 1)[1].isdigit()]
    held_out = [f.template for f in cycled if f.split != "train"]
    index = families._Index(held_out)
    assert index.near("{price}, take it or leave it")  # same words as a held-out phrasing
    assert not index.near("would you trade it for a bike plus some cash?")
    later = [f for f in FAMILIES if not f.name.rsplit("/", 1)[1].isdigit()]
    assert not [f.template for f in later if index.near(f.template)]
    later_val = families._Index([f.template for f in later if f.split == "val"])
    assert not [f.template for f in later if f.split == "train" and later_val.near(f.template)]


def test_no_test_vocabulary_in_training_or_validation_phrasings() -> None:
    import re

    from models.data import vocab

    pools = (vocab._PAY, vocab._MESSENGERS, vocab._LINK_DOMAINS, vocab._SHOPS)
    unseen = {word.lower() for pool in pools for word in pool["test"]}
    for family in FAMILIES:
        if family.split == "test":
            continue
        for word in unseen:
            pattern = r"(?<!\w)" + re.escape(word) + r"(?!\w)"
            assert not re.search(pattern, family.template.lower()), (family.name, word)


def _suffix(name: str) -> str:
    return name.rsplit("/", 1)[1].rstrip("0123456789")


def _training_only_suffixes(families: ModuleType) -> set[str]:
    modules = families._TRAIN_ONLY
    return {m.__name__.rsplit("_", 1)[-1] for m in modules if not getattr(m, "VALIDATION", True)}


def test_modules_without_validation_add_to_training_only() -> None:
    from models.data import families

    strict = _training_only_suffixes(families)
    assert strict, "no training-only module without validation share"
    later = [f for f in FAMILIES if not f.name.rsplit("/", 1)[1].isdigit()]
    theirs = [f for f in later if _suffix(f.name) in strict]
    assert theirs
    assert {f.split for f in theirs} == {"train"}
    # Validation is what it would be without them.
    kept = tuple(m for m in families._TRAIN_ONLY if getattr(m, "VALIDATION", True))
    original = families._TRAIN_ONLY
    try:
        families._TRAIN_ONLY = kept
        without = families._families()
    finally:
        families._TRAIN_ONLY = original
    assert [f for f in without if f.split == "val"] == [f for f in FAMILIES if f.split == "val"]
    assert [f for f in without if f.split == "test"] == [f for f in FAMILIES if f.split == "test"]


def test_blind_hard_negatives_are_their_own_held_out_set() -> None:
    from models.data import families
    from models.data.synthetic import generate_blind

    blind = families.BLIND_FAMILIES
    hard_concepts = {f.concept for f in FAMILIES if f.hard}
    assert {f.concept for f in blind} == hard_concepts
    assert all(f.split == "blind" and f.hard and not f.labels for f in blind)
    assert len({f.name for f in blind}) == len(blind)
    assert not {f.name for f in blind} & {f.name for f in FAMILIES}
    # None is equal or close to a phrasing that is trained on or tunes the thresholds.
    seen = families._Index([f.template for f in FAMILIES if f.split in ("train", "val")])
    assert not [f.template for f in blind if seen.near(f.template)]
    written = sum(len(p) for p in families.blind_hard.BLIND.values())
    assert len(blind) + families.BLIND_DROPPED == written
    rows = generate_blind(2, seed=5)
    assert rows == generate_blind(2, seed=5)
    assert len(rows) == 2 * len(blind)
    assert all(r.hard and not r.labels for r in rows)
    # The generator of the other splits never draws from them.
    assert not {e.family for e in generate("test", 500, seed=5)} & {f.name for f in blind}


def test_a_blind_phrasing_close_to_a_training_one_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from models.data import blind_hard, families

    trained = next(f for f in FAMILIES if f.split == "train" and f.hard)
    fresh = "the lamp's cord is frayed near the plug, priced for that"
    monkeypatch.setattr(blind_hard, "BLIND", {trained.concept: (trained.template, fresh)})
    kept, dropped = families._blind_families(FAMILIES)
    assert [f.template for f in kept] == [fresh]
    assert dropped == 1
    monkeypatch.setattr(blind_hard, "BLIND", {"overpay": (fresh,)})
    with pytest.raises(ValueError, match="hard-negative concept"):
        families._blind_families(FAMILIES)
