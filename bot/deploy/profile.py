"""Where Signpost keeps conversations, locks and content, read from the environment.

Each store has its own variable. One switch, SIGNPOST_PROFILE=scale, gives all three defaults
on this machine's PostgreSQL and Redis, so several Rasa replicas share one history and one set
of conversation locks; a variable that is set still wins over the profile.
"""

import os
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from bot.paths import PROJECT_ROOT, VAR_DIR

PROFILE = "SIGNPOST_PROFILE"
TRACKER_URL = "SIGNPOST_TRACKER_URL"
TRACKER_DB = "SIGNPOST_TRACKER_DB"
LOCK_URL = "SIGNPOST_LOCK_URL"
CONTENT_URL = "SIGNPOST_CONTENT_DB_URL"
CONVERSATION_LOGS = "SIGNPOST_CONVERSATION_LOGS"

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/signpost"


class SettingError(ValueError):
    """A store setting in the environment that Signpost cannot run with; the message says why."""


PROFILES: dict[str, dict[str, str]] = {
    "local": {},
    "scale": {
        TRACKER_URL: LOCAL_POSTGRES,
        LOCK_URL: "redis://127.0.0.1:6379/1",
        CONTENT_URL: LOCAL_POSTGRES,
    },
}


def with_profile(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`env` with the profile's default for every store variable that is unset or blank."""
    name = env.get(PROFILE, "").strip() or "local"
    if name not in PROFILES:
        raise SettingError(f"{PROFILE}={name!r}: use one of {', '.join(PROFILES)}.")
    settings = dict(env)
    for variable, default in PROFILES[name].items():
        if not settings.get(variable, "").strip():
            settings[variable] = default
    return settings


def tracker_url(env: Mapping[str, str] = os.environ) -> str:
    """The tracker store's SQLAlchemy URL: SIGNPOST_TRACKER_URL, else the SQLite file."""
    settings = with_profile(env)
    if settings.get(TRACKER_URL, "").strip():
        return settings[TRACKER_URL].strip()
    database = settings.get(TRACKER_DB, "").strip()  # relative to the project, as Rasa runs there
    return f"sqlite:///{PROJECT_ROOT / database if database else VAR_DIR / 'tracker.db'}"


def conversation_logs_kept(env: Mapping[str, str] = os.environ) -> bool:
    """SIGNPOST_CONVERSATION_LOGS: `on` (the default) keeps conversations in the tracker store;
    `off` keeps each only in one Rasa process's memory while it is in use, which several
    replicas cannot share, so it is refused beside a shared tracker store."""
    value = env.get(CONVERSATION_LOGS, "").strip().lower() or "on"
    if value not in ("on", "off"):
        raise SettingError(f"{CONVERSATION_LOGS}={value!r}: use on or off.")
    if value == "off" and with_profile(env).get(TRACKER_URL, "").strip():
        raise SettingError(
            f"{CONVERSATION_LOGS}=off keeps conversations in one Rasa process's memory, so it "
            f"cannot be used with a shared tracker store ({TRACKER_URL} or {PROFILE}=scale)."
        )
    return value == "on"


def without_password(url: str) -> str:
    """A store URL fit to print: any password replaced by ***."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def describe(env: Mapping[str, str] = os.environ) -> list[str]:
    """One line per store, for the person starting the servers."""
    settings = with_profile(env)
    lock = settings.get(LOCK_URL, "").strip()
    conversations = (
        without_password(tracker_url(settings))
        if conversation_logs_kept(settings)
        else f"in memory only, each dropped after a session's idle time ({CONVERSATION_LOGS}=off)"
    )
    return [
        f"Conversations: {conversations}",
        f"Conversation locks: {without_password(lock) if lock else 'in each Rasa process'}",
        f"Content: {without_password(settings.get(CONTENT_URL, '').strip() or 'var/content.db')}",
    ]
