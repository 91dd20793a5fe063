import numpy as np
import pytest

from models import probe
from models.data import vocab
from models.data.synthetic import Example
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules


@pytest.mark.parametrize("name", [name for names in probe.PROBE_NAMES.values() for name in names])
def test_probe_names_are_known_to_no_rule_and_no_pool(name: str) -> None:
    for text in (f"can you pay me on {name}?", f"add me on {name}"):
        assert not {h.name for h in match_rules(normalize(text))}, text
    pools = (vocab._PAY, vocab._MESSENGERS)
    assert not any(name in pool[split] for pool in pools for split in pool)


def test_control_and_probe_render_the_same_families_with_other_names() -> None:
    families = probe.probe_families()
    assert families
    assert all(f.split == "val" for f in families)
    assert any(f.hard for f in families)
    assert any("off_platform" in f.labels for f in families)
    control = probe.render(families, probe.CONTROL_NAMES, per_family=2)
    probed = probe.render(families, probe.PROBE_NAMES, per_family=2)
    assert [(r.family, r.labels) for r in control] == [(r.family, r.labels) for r in probed]
    assert probed == probe.render(families, probe.PROBE_NAMES, per_family=2)
    assert not any("{" in r.text for r in probed)
    known = [n for names in probe.CONTROL_NAMES.values() for n in names]
    new = [n for names in probe.PROBE_NAMES.values() for n in names]
    assert sum(any(n in r.text.lower() for n in new) for r in probed) > len(probed) // 2
    assert not any(n in r.text.lower() for r in probed for n in known if len(n) > 4)


def test_figures_count_off_platform_and_hard_negatives() -> None:
    rows = [
        Example("a", ("off_platform",), "synthetic", "x/1", False),
        Example("b", ("off_platform",), "synthetic", "x/2", False),
        Example("c", (), "synthetic", "y/1", True),
        Example("d", (), "synthetic", "y/2", True),
    ]
    flags = np.zeros((4, 4), dtype=bool)
    flags[0, 1] = flags[2, 1] = flags[3, 2] = True  # one hit, one off_platform FP, one harassment
    figures = probe._figures(rows, flags)
    assert figures["off_platform_precision"] == 0.5
    assert figures["off_platform_recall"] == 0.5
    assert figures["hard_negatives_flagged"] == 2
