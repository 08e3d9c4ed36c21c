"""Two replicas behind nginx on PostgreSQL and Redis: a load run, the web chat's socket, a replica
killed mid-run, the action servers killed. The tests run in this order, on one cluster."""

import asyncio
import json
import os
import signal
import time
import uuid
from collections import defaultdict

import aiohttp
import pytest
import websockets
from sqlalchemy import create_engine, select

from bot.deploy.cluster import Cluster
from bot.deploy.load import SCRIPT, Answer, load_run, new_session, say
from bot.paths import PROJECT_ROOT
from bot.privacy.retention import EVENTS
from bot.replies import reply
from tests.integration.conftest import Conversation
from tests.integration.test_rest_conversations import assert_full_crisis_answer

pytestmark = pytest.mark.slow

RESULTS = PROJECT_ROOT / "results" / "scale"
CONVERSATIONS = 20
KILL_AFTER_TURNS = 60  # of 200: every conversation is under way, none is finished


async def test_a_load_run_of_50_people_for_60_seconds_has_no_errors(cluster: Cluster) -> None:
    report = await load_run(cluster.url, users=50, seconds=60)
    report.write(RESULTS)
    summary = report.summary()
    print(json.dumps(summary, indent=2))
    assert summary["requests"] > 0
    assert summary["errors"] == 0, summary["errors_by_kind"]
    assert summary["unexpected_replies"] == 0


async def test_the_web_chats_socket_works_through_nginx(cluster: Cluster) -> None:
    """Engine.IO v4 over a websocket, as the widget connects: one connection, one replica."""
    session_id = uuid.uuid4().hex
    url = cluster.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url) as socket:
        assert (await socket.recv()).startswith("0")  # engine.io open
        await socket.send("40")  # socket.io connect
        assert (await socket.recv()).startswith("40")
        for event, data in (
            ("session_request", {"session_id": session_id}),
            ("user_uttered", {"message": "hello", "session_id": session_id}),
        ):
            await socket.send("42" + json.dumps([event, data]))
        while True:
            frame = await asyncio.wait_for(socket.recv(), timeout=60)
            if frame == "2":  # engine.io ping
                await socket.send("3")
            elif frame.startswith('42["bot_uttered"'):
                assert "Hello, I'm Signpost" in frame
                break


def stored_turns(database_url: str, senders: list[str]) -> dict[str, list[tuple[str, list[str]]]]:
    """Per conversation, each stored user message id with the bot's replies stored after it."""
    engine = create_engine(database_url, future=True)
    query = (
        select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.data)
        .where(EVENTS.c.sender_id.in_(senders), EVENTS.c.type_name.in_(["user", "bot"]))
        .order_by(EVENTS.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    turns: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for sender, kind, data in rows:
        event = json.loads(data)
        if kind == "user":
            turns[sender].append((event["message_id"], []))
        else:
            turns[sender][-1][1].append(event["text"])
    return turns


async def test_conversations_carry_on_when_a_replica_dies_mid_run(
    cluster: Cluster, scale_database: str
) -> None:
    victim = cluster.rasa[0]
    senders = [f"failover-{uuid.uuid4().hex[:12]}-{n}" for n in range(CONVERSATIONS)]
    answered = 0
    killed = False

    async def converse(session: aiohttp.ClientSession, sender: str) -> list[Answer]:
        nonlocal answered, killed
        answers = []
        for number, turn in enumerate(SCRIPT):
            answers.append(await say(session, cluster.url, sender, turn.text, f"{sender}-{number}"))
            answered += 1
            if answered == KILL_AFTER_TURNS:
                os.kill(victim.process.pid, signal.SIGKILL)
                killed = True
        return answers

    started = time.monotonic()
    async with new_session(CONVERSATIONS) as session:
        results = await asyncio.gather(*(converse(session, sender) for sender in senders))
    print(f"{CONVERSATIONS} conversations in {time.monotonic() - started:.0f} s")
    assert killed and victim.process.poll() is not None
    retried = sum(answer.attempts > 1 for answers in results for answer in answers)
    print(f"turns sent again after the kill: {retried}")
    assert retried > 0  # some turns were in flight on the victim: the failover was exercised

    stored = stored_turns(scale_database, senders)
    for sender, answers in zip(senders, results, strict=True):
        # Every turn answered once, in order, with what that turn asks for in its context ...
        for turn, answer in zip(SCRIPT, answers, strict=True):
            assert turn.expected in answer.text, (sender, turn.text, answer.text)
        # ... and the tracker store holds each turn exactly once, with the replies the client got.
        assert [message_id for message_id, _ in stored[sender]] == [
            f"{sender}-{number}" for number in range(len(SCRIPT))
        ]
        for (_, replies), answer in zip(stored[sender], answers, strict=True):
            assert replies == [message["text"] for message in answer.messages]


def test_no_message_text_reaches_any_log(cluster: Cluster) -> None:
    logs = sorted(cluster.proxy.log_path.parent.glob("*.log"))
    assert len(logs) >= 6  # two replicas, two action servers, nginx's access and error logs
    for log in logs:
        written = log.read_text(errors="replace")
        for turn in SCRIPT:
            if not turn.text.startswith("/") and len(turn.text) > 10:
                assert turn.text not in written, log.name


def test_with_every_action_server_killed_crisis_help_is_whole(cluster: Cluster) -> None:
    for actions in cluster.actions:
        os.kill(actions.process.pid, signal.SIGKILL)
        actions.process.wait()
    chat = Conversation(cluster.proxy)
    assert chat.text("our physios don't know where to send people with low mood") == reply(
        "content_unavailable"
    )
    assert_full_crisis_answer(chat.text("I want to end my life"))
