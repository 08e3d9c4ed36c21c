"""The web chat in a real browser (Debian's Chromium, driven by Playwright) against the real stack."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from bot.paths import PROJECT_ROOT, WEB_DIST_DIR
from bot.servers import Server

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox inside containers; nothing else the browser does on its own may touch the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = PROJECT_ROOT / "results" / "web"
REPLY_TIMEOUT_MS = 60_000
# No new bot message for this long: the reply is complete.
REPLY_SETTLED_MS = 700
STRINGS = json.loads((PROJECT_ROOT / "web" / "src" / "strings.json").read_text())


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not (WEB_DIST_DIR / "signpost-widget.js").is_file():
        pytest.fail(f"The web chat is not built in {WEB_DIST_DIR}: run `make web`.")
    if not CHROMIUM.is_file():
        pytest.fail(f"No browser at {CHROMIUM}: run `make web` (it installs Debian's chromium).")
    # Importing Rasa or Sanic makes uvloop the event loop policy, and Playwright's synchronous
    # API cannot drive a uvloop loop: give it a standard asyncio loop.
    policy = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
    try:
        driver = sync_playwright().start()
    finally:
        asyncio.set_event_loop_policy(policy)
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class ChatPage:
    """The chat page in one browser tab, with what a test needs to talk to it and check it."""

    def __init__(self, page: Page, server: Server) -> None:
        self.page = page
        self.url = f"{server.url}/webchat/"
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dismiss)

    def _dismiss(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def transcript(self):
        return self.page.get_by_role("log")

    @property
    def input(self):
        return self.page.get_by_label(STRINGS["inputLabel"])

    @property
    def bot_messages(self):
        return self.page.locator(".sp-message--bot")

    def open(self) -> "ChatPage":
        self.page.goto(self.url)
        self.wait_until_connected()
        return self

    def reload(self) -> None:
        self.page.reload()
        self.wait_until_connected()

    def wait_until_connected(self) -> None:
        expect(self.page.get_by_role("status")).to_have_text("", timeout=REPLY_TIMEOUT_MS)

    def session_id(self) -> str:
        return self.page.evaluate("sessionStorage.getItem('signpost.sessionId')")

    def replies_after(self, count: int):
        """Waits for the reply that starts after the first `count` bot messages; returns its first.

        A reply can be several messages (an answer, then the feedback question), each sent as its
        action finishes, so the next step waits until no further message has come for a while:
        otherwise a message of this reply could be taken for the start of the next one.
        """
        expect(self.bot_messages.nth(count)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        expect(self.page.get_by_role("status")).to_have_text("", timeout=REPLY_TIMEOUT_MS)
        while True:
            seen = self.bot_messages.count()
            self.page.wait_for_timeout(REPLY_SETTLED_MS)
            if self.bot_messages.count() == seen:
                break
        return self.bot_messages.nth(count)

    def say(self, text: str):
        """Types a message and sends it with Enter; returns the first message of the reply."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.replies_after(before)

    def choose(self, title: str):
        """Clicks a reply button; returns the first message of the reply."""
        before = self.bot_messages.count()
        self.page.get_by_role("button", name=title, exact=True).click()
        return self.replies_after(before)

    def focused_name(self) -> str:
        """The visible name of the focused control: its label, or its own text."""
        return self.page.evaluate(
            """() => {
                const focused = document.activeElement;
                if (focused.getAttribute("role") === "log") return focused.getAttribute("aria-label");
                return (focused.labels?.[0] ?? focused).textContent.trim();
            }"""
        )

    def tab_to(self, name: str, backwards: bool = False, limit: int = 40) -> None:
        """Presses Tab (or Shift+Tab) until the control called `name` has focus."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            if self.focused_name() == name:
                return
        raise AssertionError(f"Tab never reached {name!r}")

    def has_no_horizontal_scroll(self) -> bool:
        return self.page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=path)
        return path


def new_context(browser: Browser, **options) -> BrowserContext:
    """A fresh browser profile: its own sessionStorage, so each test is a new visitor.

    `bypass_csp` lets Playwright's own helpers run under the page's strict Content Security
    Policy; one test checks the chat works under that policy without it.
    """
    settings = {
        "viewport": DESKTOP,
        "locale": "en-GB",
        "reduced_motion": "reduce",
        "bypass_csp": True,
    }
    return browser.new_context(**(settings | options))


@pytest.fixture
def chat(browser: Browser, stack: Server) -> Iterator[ChatPage]:
    context = new_context(browser)
    chat = ChatPage(context.new_page(), stack)
    yield chat
    context.close()
    assert chat.errors == [], f"JavaScript errors on the page: {chat.errors}"


@pytest.fixture
def phone_chat(browser: Browser, stack: Server) -> Iterator[ChatPage]:
    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    chat = ChatPage(context.new_page(), stack)
    yield chat
    context.close()
    assert chat.errors == [], f"JavaScript errors on the page: {chat.errors}"
