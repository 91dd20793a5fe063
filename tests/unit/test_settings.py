"""Settings read from the environment with the `HUB_` prefix (DESIGN.md section 10)."""

import pytest
from pydantic import ValidationError

from hub.settings import Settings


def test_the_moderation_message_cache_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().moderation_message_cache == 1024
    monkeypatch.setenv("HUB_MODERATION_MESSAGE_CACHE", "0")
    assert Settings().moderation_message_cache == 0


def test_a_negative_message_cache_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_MODERATION_MESSAGE_CACHE", "-1")
    with pytest.raises(ValidationError, match="moderation_message_cache"):
        Settings()
