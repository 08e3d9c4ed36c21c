"""`make bench`: the real stack on loopback, measured in one run; writes results/bench.md.

Headline: full REST turns against a bare /model/parse of the same texts (the framework's
floor), at 1, 8 and 32 concurrent conversations. Absolute times vary by machine; ratios less so.
"""

import asyncio
import os
import secrets
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
from tqdm import tqdm

from bot.evaluation.data import labelled
from bot.evaluation.training import RASA
from bot.paths import PROJECT_ROOT
from bot.servers import load_content, start_stack

RESULTS = PROJECT_ROOT / "results" / "bench.md"
TEXTS = PROJECT_ROOT / "tests" / "nlu" / "heldout_a.yml"
LEVELS = (1, 8, 32)
TURNS_PER_CONVERSATION = {1: 40, 8: 12, 32: 6}


@dataclass(frozen=True)
class Run:
    kind: str
    concurrency: int
    latencies_ms: list[float]
    seconds: float

    def percentile(self, p: int) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds


async def drive(
    url: str, body_for, concurrency: int, turns: int, texts: list[str], kind: str
) -> Run:
    """`concurrency` conversations at once, each sending `turns` messages one after another."""
    latencies: list[float] = []
    progress = tqdm(total=concurrency * turns, desc=f"{kind} x{concurrency}", leave=False)

    async def conversation(session: aiohttp.ClientSession, number: int) -> None:
        sender = f"bench-{uuid.uuid4().hex}"
        for turn in range(turns):
            text = texts[(number * turns + turn) % len(texts)]
            started = time.perf_counter()
            async with session.post(url, json=body_for(sender, text)) as response:
                response.raise_for_status()
                await response.read()
            latencies.append(1000 * (time.perf_counter() - started))
            progress.update()

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        await asyncio.gather(*(conversation(session, n) for n in range(concurrency)))
    progress.close()
    return Run(kind, concurrency, latencies, time.perf_counter() - started)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def training_seconds() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run(
            [
                str(RASA),
                "train",
                "--force",
                "--config",
                "config.yml",
                "--domain",
                "domain",
                "--data",
                "data/nlu",
                "data/rules.yml",
                "--out",
                out,
            ],
            cwd=PROJECT_ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.monotonic() - started


def main() -> int:
    texts = [text for text, intent in labelled(TEXTS)]
    workdir = Path(tempfile.mkdtemp(prefix="signpost-bench-"))
    content_url = load_content(f"sqlite:///{workdir / 'content.db'}")
    token = secrets.token_urlsafe(24)
    print("Starting the stack ...", flush=True)
    rasa, actions = start_stack(workdir, content_url, with_actions=True, auth_token=token)
    startup = {"action server": actions.started_in, "Rasa server": rasa.started_in}
    try:
        runs = asyncio.run(measure(rasa.url, token, texts))
        memory = {
            "action server": rss_mb(actions.process.pid),
            "Rasa server": rss_mb(rasa.process.pid),
        }
    finally:
        rasa.stop()
        actions.stop()
    print("Timing a full training run ...", flush=True)
    train = training_seconds()
    report = render(runs, startup, memory, train)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    print(report)
    return 0


async def measure(url: str, token: str, texts: list[str]) -> list[Run]:
    def rest_body(sender: str, text: str) -> dict:
        return {"sender": sender, "message": text}

    def parse_body(_sender: str, text: str) -> dict:
        return {"text": text}

    # Warm both paths so first-call costs (graph tracing, connections) are not measured.
    await drive(f"{url}/webhooks/rest/webhook", rest_body, 2, 3, texts, "warm-up")
    runs = []
    for level in LEVELS:
        turns = TURNS_PER_CONVERSATION[level]
        runs.append(
            await drive(
                f"{url}/model/parse?token={token}", parse_body, level, turns, texts, "parse"
            )
        )
        runs.append(
            await drive(f"{url}/webhooks/rest/webhook", rest_body, level, turns, texts, "REST turn")
        )
    return runs


def render(runs: list[Run], startup: dict, memory: dict, train: float) -> str:
    now = datetime.now(timezone.utc)
    rows, ratios = [], []
    for level in LEVELS:
        parse = next(r for r in runs if r.kind == "parse" and r.concurrency == level)
        turn = next(r for r in runs if r.kind == "REST turn" and r.concurrency == level)
        for run in (parse, turn):
            rows.append(
                f"| {run.kind} | {level} | {len(run.latencies_ms)} | {run.percentile(50):.0f} | "
                f"{run.percentile(95):.0f} | {run.percentile(99):.0f} | {run.throughput:.1f} |"
            )
        ratios.append(
            f"| {level} | {turn.percentile(95) / parse.percentile(95):.2f}x | "
            f"{turn.percentile(50) / parse.percentile(50):.2f}x |"
        )
    return "\n".join(
        [
            "# Signpost benchmark\n",
            f"Measured {now:%Y-%m-%d %H:%M} UTC on a {os.cpu_count()}-core machine by `make bench`, "
            "everything on loopback (SQLite stores, one Rasa server, one action server).\n",
            "## Full turn against the framework's floor\n",
            "A full turn is POST /webhooks/rest/webhook (NLU, policies, custom action, content store); "
            "the floor is POST /model/parse of the same texts.\n",
            "| concurrent conversations | p95 turn / p95 parse | p50 turn / p50 parse |",
            "|---|---|---|",
            *ratios,
            "",
            "## Latency (ms) and throughput\n",
            "| request | concurrent | requests | p50 | p95 | p99 | requests/s |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            "## Start-up, memory, training\n",
            "| process | start-up (s) | resident memory after the load (MB) |",
            "|---|---|---|",
            *[f"| {name} | {startup[name]:.1f} | {memory[name]:.0f} |" for name in startup],
            "",
            f"Full `rasa train --force` (NLU and dialogue): {train:.0f} s.\n",
        ]
    )
