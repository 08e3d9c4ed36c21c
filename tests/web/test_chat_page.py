"""The web chat, end to end in Chromium against the real assistant on loopback."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, WebSocketRoute, expect

from bot.servers import Server, free_port
from tests.conftest import stored_conversations, wait_until
from tests.web.conftest import REPLY_TIMEOUT_MS, STRINGS, ChatPage, new_context

pytestmark = pytest.mark.slow

BARRIER = "our physios don't know where to send people with low mood"
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_barrier_examples_reload_and_clear(chat: ChatPage, stack_dir: Path) -> None:
    chat.open()
    first_session = chat.session_id()
    assert UUID.fullmatch(first_session)
    expect(chat.page.locator(".sp-notice")).to_contain_text("not for emergencies")

    reply = chat.say(BARRIER)
    expect(reply.locator("strong").first).to_have_text("Local knowledge")
    expect(chat.input).to_be_focused()
    link = chat.transcript.get_by_role("link").first
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("href", re.compile(r"^https?://"))
    chat.screenshot("chat.png")

    examples = chat.choose("Practical examples")
    expect(examples).to_contain_text("Practical examples for Local knowledge")
    expect(chat.transcript.locator(".sp-message--user").last).to_have_text(
        f"{STRINGS['you']} Practical examples"
    )
    expect(chat.input).to_be_focused()
    # Only the latest reply's buttons still answer something.
    more_actions = chat.transcript.get_by_role("button", name="More actions")
    expect(more_actions.first).to_be_disabled()
    expect(more_actions.last).to_be_enabled()

    chat.reload()
    expect(chat.transcript).to_contain_text("This sounds like Local knowledge")
    expect(chat.transcript).to_contain_text("Practical examples for Local knowledge")
    expect(chat.bot_messages.last.get_by_role("button", name="More actions")).to_be_enabled()
    assert chat.session_id() == first_session
    assert chat.page.evaluate("localStorage.length") == 0
    assert chat.page.context.cookies() == []

    chat.page.get_by_role("button", name=STRINGS["clear"]).click()
    expect(chat.bot_messages).to_have_count(0)
    expect(chat.transcript).not_to_contain_text("Local knowledge")
    expect(chat.page.get_by_role("status")).to_have_text(STRINGS["status"]["cleared"])
    expect(chat.input).to_be_focused()
    assert UUID.fullmatch(chat.session_id()) and chat.session_id() != first_session
    # The new session is a new conversation: "any examples?" has no area to follow up on.
    expect(chat.say("any examples?")).not_to_contain_text("Practical examples for")
    # And the server has deleted the ended conversation (Rasa answers sessions in parallel).
    assert chat.session_id() in stored_conversations(stack_dir)
    wait_until(lambda: first_session not in stored_conversations(stack_dir), timeout=30)
    assert first_session not in stored_conversations(stack_dir)


def test_markup_typed_by_the_user_is_shown_as_text(chat: ChatPage) -> None:
    chat.open()
    attack = "<img src=x onerror=alert(1)>"
    chat.say(attack)
    expect(chat.transcript.locator(".sp-message--user p")).to_have_text(attack)
    expect(chat.transcript.locator("img")).to_have_count(0)
    chat.reload()  # and again when the stored transcript is drawn
    expect(chat.transcript.locator(".sp-message--user p")).to_have_text(attack)
    expect(chat.transcript.locator("img")).to_have_count(0)
    assert chat.dialogs == []


def test_keyboard_only_journey(chat: ChatPage) -> None:
    chat.open()
    keyboard = chat.page.keyboard
    chat.tab_to(STRINGS["inputLabel"])
    keyboard.type(BARRIER)
    before = chat.bot_messages.count()
    keyboard.press("Enter")
    expect(chat.replies_after(before)).to_contain_text("Local knowledge")
    expect(chat.input).to_be_focused()

    chat.tab_to("Practical examples", backwards=True)
    expect(chat.page.get_by_role("button", name="Practical examples")).to_be_focused()
    outline = chat.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused button shows no focus indicator"
    before = chat.bot_messages.count()
    keyboard.press("Enter")
    expect(chat.replies_after(before)).to_contain_text("Practical examples for Local knowledge")
    expect(chat.input).to_be_focused()

    chat.tab_to(STRINGS["clear"], backwards=True)
    keyboard.press("Space")
    expect(chat.bot_messages).to_have_count(0)
    expect(chat.input).to_be_focused()


def test_quick_signpost_asks_for_the_short_form(chat: ChatPage) -> None:
    chat.open()
    chat.page.get_by_label(STRINGS["brief"]).check()
    reply = chat.say(BARRIER)
    expect(reply.locator("strong").first).to_have_text("Local knowledge")
    expect(reply.locator("li")).to_have_count(3)
    expect(reply).not_to_contain_text("This sounds like")
    expect(chat.bot_messages).to_have_count(1)  # no follow-up buttons or feedback question
    chat.reload()
    expect(chat.page.get_by_label(STRINGS["brief"])).to_be_checked()


def test_crisis_line_language_and_labels(chat: ChatPage) -> None:
    chat.open()
    crisis = chat.page.get_by_text(STRINGS["crisisLine"])
    expect(crisis).to_be_visible()
    expect(crisis.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    assert chat.page.evaluate("document.documentElement.lang") == "en-GB"
    expect(chat.transcript).to_have_attribute("aria-live", "polite")
    expect(chat.page.locator(f"label[for='{chat.input.get_attribute('id')}']")).to_be_visible()
    for _ in range(3):  # a long conversation scrolls, the crisis line stays
        chat.say(BARRIER)
    expect(crisis).to_be_in_viewport()


def test_axe_finds_no_accessibility_problems(chat: ChatPage, phone_chat: ChatPage) -> None:
    for page in (chat, phone_chat):
        page.open()
        page.say(BARRIER)
        page.page.add_script_tag(path=AXE)
        results = page.page.evaluate("axe.run(document)")
        problems = [(v["id"], v["help"], len(v["nodes"])) for v in results["violations"]]
        assert problems == [], problems


def test_phone_width_has_no_horizontal_scroll(phone_chat: ChatPage) -> None:
    phone_chat.open()
    phone_chat.say(BARRIER)
    phone_chat.choose("Practical examples")
    assert phone_chat.has_no_horizontal_scroll()
    expect(phone_chat.page.get_by_text(STRINGS["crisisLine"])).to_be_in_viewport()
    phone_chat.screenshot("chat-360.png")


def test_works_at_400_percent_zoom(browser: Browser, stack: Server) -> None:
    # 1280x1024 at 400% zoom leaves 320x256 CSS pixels.
    context = new_context(browser, viewport={"width": 320, "height": 256})
    chat = ChatPage(context.new_page(), stack).open()
    try:
        chat.say(BARRIER)
        assert chat.has_no_horizontal_scroll()
        expect(chat.input).to_be_focused()
        expect(chat.page.get_by_text(STRINGS["crisisLine"])).to_be_in_viewport()
        chat.page.get_by_role("button", name="Practical examples").scroll_into_view_if_needed()
        assert chat.has_no_horizontal_scroll()
        chat.screenshot("chat-400-percent.png")
    finally:
        context.close()
    assert chat.errors == []


def test_motion_only_when_the_user_has_not_asked_for_less(browser: Browser, stack: Server) -> None:
    behaviour = "getComputedStyle(document.querySelector('.sp-transcript')).scrollBehavior"
    for preference, expected in (("reduce", "auto"), ("no-preference", "smooth")):
        context = new_context(browser, reduced_motion=preference)
        chat = ChatPage(context.new_page(), stack).open()
        assert chat.page.evaluate(behaviour) == expected
        context.close()


def test_reconnects_to_the_same_conversation_and_sends_what_was_queued(chat: ChatPage) -> None:
    sockets: list[WebSocketRoute] = []
    online = True

    def route(socket: WebSocketRoute) -> None:
        if not online:
            socket.close()
            return
        sockets.append(socket)
        socket.connect_to_server()

    chat.page.route_web_socket(re.compile(r"/socket\.io/"), route)
    chat.open()
    expect(chat.say(BARRIER)).to_contain_text("Local knowledge")
    session = chat.session_id()

    online = False
    for socket in sockets:
        socket.close()
    expect(chat.page.get_by_role("status")).to_have_text(STRINGS["status"]["reconnecting"])
    before = chat.bot_messages.count()
    chat.input.fill("any examples?")
    chat.input.press("Enter")
    expect(chat.transcript.locator(".sp-message--user").last).to_contain_text("any examples?")
    assert chat.page.evaluate("JSON.parse(sessionStorage.getItem('signpost.pending')).length") == 1

    online = True
    # Same session, so the follow-up knows the area from before the drop.
    expect(chat.replies_after(before)).to_contain_text("Practical examples for Local knowledge")
    assert chat.session_id() == session


def test_the_page_works_under_its_own_content_security_policy(
    browser: Browser, stack: Server
) -> None:
    context = new_context(browser, bypass_csp=False)
    page = context.new_page()
    refused: list[str] = []

    def note_refusals(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note_refusals)
    response = page.goto(f"{stack.url}/webchat/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page.get_by_label(STRINGS["inputLabel"]).fill("hello")
    page.get_by_label(STRINGS["inputLabel"]).press("Enter")
    expect(page.locator(".sp-message--bot")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    context.close()
    assert refused == []


def test_one_script_tag_embeds_the_chat_in_another_site(browser: Browser, stack: Server) -> None:
    host_page = f"""<!doctype html><html lang="en-GB"><head><title>Our team site</title></head>
        <body><main><h1>Our team site</h1><p>Stuck? Ask Signpost.</p>
        <script src="{stack.url}/webchat/signpost-widget.js"
                data-signpost-server="{stack.url}" defer></script>
        <p>Page footer</p></main></body></html>"""
    site = f"http://localhost:{free_port()}/"  # another origin than the chat server's
    context = new_context(browser)
    # Chromium asks before a page reaches a server on a more private network; a site on the
    # intranet reaching an intranet chat server is not asked, but this test's loopback is.
    context.grant_permissions(["local-network-access"])
    # Over plain http a page has no crypto.randomUUID; the widget must make its id without it.
    context.add_init_script("delete Crypto.prototype.randomUUID")
    page = context.new_page()
    page.route(site, lambda route: route.fulfill(body=host_page, content_type="text/html"))
    chat = ChatPage(page, stack)
    chat.url = site
    chat.open()
    expect(page.locator("script + #signpost-chat .sp-chat")).to_be_visible()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.sp-crisis')).backgroundColor")
        == "rgb(255, 235, 59)"
    ), "the widget's stylesheet did not load"
    expect(chat.say(BARRIER)).to_contain_text("Local knowledge")
    assert UUID.fullmatch(chat.session_id())
    context.close()
    assert chat.errors == []
