"""Simulated people talking to Signpost over REST: the load run, and the scale tests' client.

Each simulated person holds conversations of SCRIPT's ten turns, each answer checked. A turn
whose connection fails, or that the proxy answers with 502, 503 or 504, is sent again with the
same `message_id`; the REST channel answers a message id once (bot/channels/once.py), so a
retry never doubles a turn.
"""

import asyncio
import json
import os
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

RETRY_STATUSES = {502, 503, 504}
ATTEMPTS = 4
RETRY_PAUSE = 0.5
# Long enough for a turn that waits out the lock of a replica that died holding it (60 s).
TIMEOUT = aiohttp.ClientTimeout(total=150)


@dataclass(frozen=True)
class Turn:
    """What the person says, and words the answer must contain."""

    text: str
    expected: str


SCRIPT = (
    Turn("hello", "Hello, I'm Signpost"),
    Turn("our physios don't know where to send people with low mood", "**Local knowledge**"),
    Turn("/ask_challenges", "Challenges to prepare for in **Local knowledge**"),
    Turn("/ask_examples", "Practical examples for **Local knowledge**"),
    Turn("/ask_more_actions", "**Local knowledge**"),
    Turn(
        "the ICB wants a business case before funding the pilot",
        "**Evidence base and business case**",
    ),
    Turn(
        "what should I watch out for?",
        "Challenges to prepare for in **Evidence base and business case**",
    ),
    Turn("my team aren't trained to talk about mental health", "**Skills and training**"),
    Turn("/ask_examples", "Practical examples for **Skills and training**"),
    Turn("thanks", "You're welcome"),
)


@dataclass(frozen=True)
class Answer:
    """The replies to one turn, how long they took and how many sends it needed."""

    messages: list[dict[str, Any]]
    seconds: float
    attempts: int

    @property
    def text(self) -> str:
        return "\n\n".join(str(message.get("text") or "") for message in self.messages)


async def say(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, message_id: str
) -> Answer:
    """Send one message, again with the same id after a dropped connection or a proxy error."""
    body = {"sender": sender, "message": text, "message_id": message_id}
    headers = {"X-Signpost-Sender": sender}
    started = time.perf_counter()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json=body, headers=headers
            ) as response:
                if response.status not in RETRY_STATUSES or attempt == ATTEMPTS:
                    response.raise_for_status()
                    messages = await response.json()
                    return Answer(messages, time.perf_counter() - started, attempt)
        except aiohttp.ClientConnectionError:
            if attempt == ATTEMPTS:
                raise
        await asyncio.sleep(RETRY_PAUSE * attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


def new_session(connections: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=TIMEOUT, connector=aiohttp.TCPConnector(limit=connections))


@dataclass
class LoadReport:
    """What a load run measured; `errors` and `unexpected` must both be zero."""

    url: str
    users: int
    planned_seconds: float
    seconds: float = 0.0
    conversations: int = 0
    latencies: list[float] = field(default_factory=list, repr=False)
    errors: dict[str, int] = field(default_factory=dict)
    unexpected: int = 0
    retries: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> dict[str, Any]:
        cuts = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0] * 99
        return {
            "url": self.url,
            "users": self.users,
            "planned_seconds": self.planned_seconds,
            "seconds": round(self.seconds, 1),
            "requests": len(self.latencies),
            "throughput_per_second": round(len(self.latencies) / max(self.seconds, 1e-9), 2),
            "p50_ms": round(cuts[49] * 1000),
            "p95_ms": round(cuts[94] * 1000),
            "p99_ms": round(cuts[98] * 1000),
            "max_ms": round(max(self.latencies, default=0) * 1000),
            "conversations_completed": self.conversations,
            "errors": sum(self.errors.values()),
            "errors_by_kind": self.errors,
            "unexpected_replies": self.unexpected,
            "retries": self.retries,
        }

    def write(self, directory: Path) -> Path:
        """results in `directory`/load.json and a readable load.md; returns the .md path."""
        directory.mkdir(parents=True, exist_ok=True)
        summary = self.summary()
        (directory / "load.json").write_text(json.dumps(summary, indent=2) + "\n")
        rows = "\n".join(f"| {name} | {value} |" for name, value in summary.items())
        report = directory / "load.md"
        report.write_text(
            f"# Load run\n\n{self.users} simulated people, each holding conversations of "
            f"{len(SCRIPT)} turns over REST for {self.planned_seconds:.0f} s, from a machine "
            f"with {os.cpu_count()} CPU cores.\n\n"
            f"| measure | value |\n|---|---|\n{rows}\n"
        )
        return report


async def simulated_person(
    session: aiohttp.ClientSession, report: LoadReport, deadline: float
) -> None:
    """Conversations of SCRIPT's turns, one after another, until the deadline."""
    while time.monotonic() < deadline:
        sender = f"load-{uuid.uuid4().hex}"
        for number, turn in enumerate(SCRIPT):
            if time.monotonic() >= deadline:
                return
            try:
                answer = await say(session, report.url, sender, turn.text, f"{sender}-{number}")
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                report.error(type(error).__name__)
                continue
            report.latencies.append(answer.seconds)
            report.retries += answer.attempts - 1
            if turn.expected not in answer.text:
                report.unexpected += 1
        report.conversations += 1


async def load_run(url: str, users: int, seconds: float) -> LoadReport:
    """`users` simulated people talking to `url` at once for `seconds`."""
    report = LoadReport(url, users, seconds)
    started = time.monotonic()
    async with new_session(users) as session:
        await asyncio.gather(
            *(simulated_person(session, report, started + seconds) for _ in range(users))
        )
    report.seconds = time.monotonic() - started
    return report
