"""The browser fixtures of tests/view/test_browser*.py (the helpers are in browsing.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from browsing import CHROMIUM_ARGS, Visit, launch, opener

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """One headless Chromium for the module (its ``BROWSER_ARGS``); every page gets a
    fresh context."""
    yield from launch(getattr(request.module, "BROWSER_ARGS", CHROMIUM_ARGS))


@pytest.fixture
def visit(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Visit]]:
    """Open pages as the module's ``VISIT`` class, dropping its ``CONSOLE_NOISE``."""
    module = request.module
    yield from opener(
        browser, getattr(module, "VISIT", Visit), getattr(module, "CONSOLE_NOISE", None)
    )
