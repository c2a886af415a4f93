"""Fixtures of the store tests."""

from __future__ import annotations

import pytest

from access_world import World, build_world


@pytest.fixture
def world(Session) -> World:
    return build_world(Session)

