"""Which stores Rasa runs with, from the environment: SQLite and in-memory locks by default,
PostgreSQL and Redis with SIGNPOST_PROFILE=scale or the stores' own variables, and no stored
conversations at all with SIGNPOST_CONVERSATION_LOGS=off."""

import os
from pathlib import Path

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.deploy.endpoints import compose_endpoints
from bot.deploy.profile import (
    LOCAL_POSTGRES,
    SettingError,
    describe,
    tracker_url,
    with_profile,
    without_password,
)
from bot.deploy.redis_lock import RedisUrlLockStore
from bot.paths import PROJECT_ROOT, VAR_DIR
from bot.privacy.tracker_stores import ForgettingSQLTrackerStore, MemoryTrackerStore
from tests.conftest import run_cli

ACTIONS = {"SIGNPOST_ACTION_ENDPOINT": "http://127.0.0.1:5055/webhook"}
LOGS_OFF = {"SIGNPOST_CONVERSATION_LOGS": "off"}


def read_by_rasa(path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return AvailableEndpoints.read_endpoints(str(path))


def test_by_default_conversations_stay_in_sqlite_and_locks_in_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = with_profile(ACTIONS | {"SIGNPOST_TRACKER_DB": "var/tracker.db"})
    assert compose_endpoints(tmp_path / "endpoints.yml", env) == []
    endpoints = read_by_rasa(tmp_path / "endpoints.yml", env, monkeypatch)
    assert endpoints.tracker_store.kwargs["dialect"] == "sqlite"
    assert endpoints.lock_store is None
    assert isinstance(LockStore.create(endpoints.lock_store), InMemoryLockStore)
    assert tracker_url(env) == f"sqlite:///{PROJECT_ROOT / 'var/tracker.db'}"
    assert tracker_url({}) == f"sqlite:///{VAR_DIR / 'tracker.db'}"


def test_the_scale_profile_moves_every_store_to_postgresql_and_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = with_profile(ACTIONS | {"SIGNPOST_PROFILE": "scale"})
    assert env["SIGNPOST_CONTENT_DB_URL"] == LOCAL_POSTGRES
    assert compose_endpoints(tmp_path / "endpoints.yml", env) == ["lock", "tracker"]
    written = (tmp_path / "endpoints.yml").read_text()
    assert "${SIGNPOST_TRACKER_URL}" in written and "postgresql://" not in written
    endpoints = read_by_rasa(tmp_path / "endpoints.yml", env, monkeypatch)
    assert endpoints.tracker_store.url == LOCAL_POSTGRES
    assert endpoints.tracker_store.type.endswith(ForgettingSQLTrackerStore.__name__)
    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(lock_store, RedisUrlLockStore)
    assert lock_store.key_prefix == "signpost:lock:"
    assert tracker_url(env) == LOCAL_POSTGRES


def test_a_store_variable_wins_over_the_profile_and_an_unknown_profile_is_refused() -> None:
    env = with_profile({"SIGNPOST_PROFILE": "scale", "SIGNPOST_TRACKER_URL": "sqlite:///x.db"})
    assert tracker_url(env) == "sqlite:///x.db"
    assert env["SIGNPOST_LOCK_URL"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ValueError, match="local, scale"):
        with_profile({"SIGNPOST_PROFILE": "big"})


def test_one_redis_url_carries_host_port_database_and_password() -> None:
    config = EndpointConfig(url="rediss://user:p%40ss@redis.internal:6380/3", key_prefix="x1")
    store = RedisUrlLockStore(config)
    connection = store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"]) == ("redis.internal", 6380, 3)
    assert (connection["username"], connection["password"]) == ("user", "p@ss")
    assert store.red.connection_pool.connection_class.__name__ == "SSLConnection"
    with pytest.raises(ValueError, match="redis://"):
        RedisUrlLockStore(EndpointConfig(url="127.0.0.1:6379"))


def test_passwords_are_never_printed() -> None:
    assert without_password("postgresql://u:secret@db/signpost") == "postgresql://u:***@db/signpost"
    lines = describe({"SIGNPOST_PROFILE": "scale", "SIGNPOST_LOCK_URL": "redis://:secret@r:6379/1"})
    assert "secret" not in "\n".join(lines) and "redis://:***@r:6379/1" in lines[1]


def test_a_store_template_cannot_configure_a_block_another_has_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.endpoints.yml").write_text("tracker_store:\n  url: ${A}\n")
    (tmp_path / "b.endpoints.yml").write_text("tracker_store:\n  url: ${B}\n")
    with pytest.raises(ValueError, match="again"):
        compose_endpoints(tmp_path / "out.yml", {"A": "a", "B": "b"}, templates_dir=tmp_path)


def tracker_store_rasa_builds(tmp_path: Path, env: dict[str, str], monkeypatch) -> TrackerStore:
    compose_endpoints(tmp_path / "endpoints.yml", env)
    endpoints = read_by_rasa(tmp_path / "endpoints.yml", env, monkeypatch)
    return TrackerStore.create(endpoints.tracker_store, Domain.empty())


def test_rasa_keeps_conversations_in_the_store_that_deletes_them_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = with_profile(ACTIONS | {"SIGNPOST_TRACKER_DB": str(tmp_path / "tracker.db")})
    store = tracker_store_rasa_builds(tmp_path, env, monkeypatch)
    assert isinstance(store, ForgettingSQLTrackerStore)
    assert (tmp_path / "tracker.db").exists()
    store.engine.dispose()


def test_with_conversation_logs_off_rasa_keeps_conversations_in_memory_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = with_profile(ACTIONS | LOGS_OFF | {"SIGNPOST_TRACKER_DB": str(tmp_path / "tracker.db")})
    assert isinstance(tracker_store_rasa_builds(tmp_path, env, monkeypatch), MemoryTrackerStore)
    assert not (tmp_path / "tracker.db").exists()
    assert describe(env)[0].startswith("Conversations: in memory only")


def test_conversation_logs_are_on_or_off_and_off_cannot_be_shared_by_replicas(
    tmp_path: Path,
) -> None:
    with pytest.raises(SettingError, match="use on or off"):
        describe({"SIGNPOST_CONVERSATION_LOGS": "no"})
    scale = with_profile(ACTIONS | LOGS_OFF | {"SIGNPOST_PROFILE": "scale"})
    with pytest.raises(SettingError, match="shared tracker store"):
        compose_endpoints(tmp_path / "endpoints.yml", scale)


def test_make_run_with_an_impossible_setting_says_why_and_stops() -> None:
    result = run_cli("run", env=os.environ | LOGS_OFF | {"SIGNPOST_PROFILE": "scale"})
    assert result.returncode == 1
    assert "SIGNPOST_CONVERSATION_LOGS=off" in result.stderr
    assert "Traceback" not in result.stderr and "Signpost is running" not in result.stdout
