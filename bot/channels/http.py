"""The few HTTP calls the Teams channel makes, on the event loop with a time limit.

Rasa's botframework channel uses blocking `requests` calls inside its async handlers, which
stall every conversation while Microsoft answers.
"""

from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=15)


async def get_json(url: str) -> Any:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.get(url) as reply:
        reply.raise_for_status()
        return await reply.json(content_type=None)


async def post_form(url: str, form: dict[str, str]) -> Any:
    """POST a form, return the JSON answer."""
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.post(url, data=form) as reply,
    ):
        reply.raise_for_status()
        return await reply.json(content_type=None)


async def post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    """POST JSON, return the status."""
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.post(url, json=body, headers=headers) as reply,
    ):
        return reply.status
