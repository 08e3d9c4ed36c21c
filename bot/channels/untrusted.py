"""Reading request bodies anyone could have sent: bad input gives None, never an exception.

A webhook that raises on odd input answers with a server error; these helpers let each route
refuse it with a 400 instead.
"""

import json
from typing import Any
from urllib.parse import parse_qs

from sanic.request import Request

from bot.hidden_characters import without_hidden_characters

MAX_TEXT_CHARS = 10_000
HEAD_CHARS = 8_000
TAIL_CHARS = 2_000


def media_type(request: Request) -> str:
    """`application/json` from `Application/JSON; charset=utf-8`."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def json_object(raw: str | bytes | None) -> dict[str, Any] | None:
    """A JSON object, or None for anything else (not JSON, an array, too deeply nested)."""
    if raw is None:
        return None
    try:
        found = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def form_fields(raw: bytes) -> dict[str, str] | None:
    """An URL-encoded form as its first value per field, or None if it is not UTF-8 text."""
    try:
        fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None
    return {name: values[0] for name, values in fields.items()}


def text_at(data: Any, *path: str) -> str | None:
    """The non-empty string at `path` in parsed JSON, or None whatever is (or is not) there."""
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, str) and data else None


def kept_metadata(metadata: Any) -> dict[str, str]:
    """Only the message metadata the assistant reads (`mode: brief`), so the tracker store keeps
    nothing else a client sends: no names, ids or free text smuggled in beside the message."""
    brief = isinstance(metadata, dict) and metadata.get("mode") == "brief"
    return {"mode": "brief"} if brief else {}


def user_text(text: str) -> str:
    """A message's text as every channel hands it to Rasa: without hidden characters, and when
    very long, cut to its start and end (where people tend to say what matters, and where the
    crisis matcher looks)."""
    text = without_hidden_characters(text)
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return f"{text[:HEAD_CHARS]} … {text[-TAIL_CHARS:]}"
