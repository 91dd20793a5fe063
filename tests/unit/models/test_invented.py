"""Training renderings with invented payment apps and messengers."""

from __future__ import annotations

import random

from models.data import invented
from models.data.corpus import model_text
from models.data.families import FAMILIES
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules


def test_invented_names_are_known_to_no_rule_pool_or_probe() -> None:
    rng = random.Random(3)
    names = {invented.invent(kind, rng) for kind in ("pay", "messenger") for _ in range(300)}
    assert len(names) > 400
    for name in names:
        assert not invented._known(name)
        assert not match_rules(normalize(f"send it to my {name} instead of the app"))


def test_extra_renderings_cover_every_named_training_family_and_nothing_else() -> None:
    rows = invented.with_invented_names(13)
    assert rows == invented.with_invented_names(13)
    named = {
        f.name: f for f in FAMILIES if f.split == "train" and invented.NAME_SLOT.search(f.template)
    }
    assert {r.family for r in rows} == set(named)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.family] = counts.get(row.family, 0) + 1
        family = named[row.family]
        assert (row.labels, row.hard) == (family.labels, family.hard)
        assert "{" not in row.text
    for name, n in counts.items():
        hard = invented.EXTRA_HARD + invented.KNOWN_HARD
        assert n == (hard if named[name].hard else invented.EXTRA_RISKY)
    assert any(r.hard for r in rows)
    assert any("off_platform" in r.labels for r in rows)


def test_hard_negatives_get_as_many_known_names_as_invented_ones() -> None:
    rows = [r for r in invented.with_invented_names(13) if r.hard]
    marked = [r for r in rows if "_refused]" in model_text(r.text)]
    # Known names are marked as refusals by the rules; invented ones are not.
    assert marked
    families = {r.family for r in rows}
    assert len(rows) == len(families) * (invented.EXTRA_HARD + invented.KNOWN_HARD)
