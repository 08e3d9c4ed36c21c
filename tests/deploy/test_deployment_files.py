"""The operators' deployment files describe the tested topology: two Rasa replicas (never with
the HTTP API) and two action servers behind nginx, PostgreSQL for conversations, Redis for locks.

No container engine or Kubernetes cluster runs on the project's machines, so these files are
checked as far as that allows: their structure, their agreement with the code that `make
run-scale` runs, types against the chart's published value types, and `docker compose config`
where a compose CLI exists.
"""

import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.channels.credentials import BASE_CREDENTIALS, read_mapping
from bot.deploy.nginx import SITE_TEMPLATE, site_config, upstream_servers
from bot.paths import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
HELM_VALUES = DEPLOY / "helm" / "values.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def helm() -> dict:
    return yaml.safe_load(HELM_VALUES.read_text())


def test_compose_runs_the_replicated_topology(compose: dict) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "content", "nginx"} < set(services)
    rasa = [services["rasa-1"], services["rasa-2"]]
    for replica in rasa:
        assert replica["command"][:4] == ["python", "-m", "bot", "serve"]
        assert replica["build"]["target"] == "rasa"
        env = replica["environment"]
        assert env["SIGNPOST_TRACKER_URL"].startswith("postgresql://")
        assert env["SIGNPOST_LOCK_URL"].startswith("redis://")
        assert env["SIGNPOST_ACTION_ENDPOINT"] == "http://nginx:5055/webhook"
    for actions in (services["actions-1"], services["actions-2"]):
        assert actions["build"]["target"] == "actions"
    assert services["content"]["command"] == ["python", "-m", "bot", "content", "load"]
    assert all(port.startswith("127.0.0.1:") for port in services["nginx"]["ports"])
    assert "enable-api" not in COMPOSE.read_text()


def test_compose_nginx_is_the_run_scale_configuration(compose: dict) -> None:
    nginx = compose["services"]["nginx"]
    [mount] = nginx["volumes"]
    source, target, _ = mount.split(":")
    assert (DEPLOY / source).resolve() == SITE_TEMPLATE
    assert target == "/etc/nginx/templates/default.conf.template"
    env = nginx["environment"]
    assert env["SIGNPOST_RASA_SERVERS"] == upstream_servers(["rasa-1:5005", "rasa-2:5005"])
    assert env["SIGNPOST_ACTION_SERVERS"] == upstream_servers(["actions-1:5055", "actions-2:5055"])
    site_config({k: str(v) for k, v in env.items()})  # every placeholder has a value


def test_the_dockerfile_builds_both_images_from_pinned_packages() -> None:
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", text, re.MULTILINE)
    assert {"actions", "rasa"} <= set(stages)
    pinned = {
        line.split("==")[0].lower()
        for line in (PROJECT_ROOT / "constraints.txt").read_text().splitlines()
    }
    for install in re.findall(r"pip install -c constraints.txt (.+)", text):
        for package in install.split():
            assert package == "-e" or package == "." or package.lower() in pinned, package
    assert 'CMD ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]' in text
    assert "enable-api" not in text


# The types Rasa's chart (rasa/rasa 1.x, values.schema.json) publishes for the values set here.
CHART_TYPES = {
    "type": "object",
    "properties": {
        "replicaCount": {"type": "integer"},
        "image": {
            "type": "object",
            "properties": {"repository": {"type": "string"}, "tag": {"type": "string"}},
        },
        "command": {"type": "array"},
        "args": {"type": "array", "items": {"type": "string"}},
        "applicationSettings": {
            "type": "object",
            "properties": {
                "enableAPI": {"type": "boolean"},
                "initialModel": {"type": "string"},
                "trainInitialModel": {"type": "boolean"},
                "credentials": {"type": "object"},
                "endpoints": {"type": "object"},
            },
        },
        "ingress": {"type": "object", "properties": {"annotations": {"type": "object"}}},
        "nginx": {"type": "object", "properties": {"enabled": {"type": "boolean"}}},
        "postgresql": {"type": "object", "properties": {"install": {"type": "boolean"}}},
        "redis": {"type": "object", "properties": {"install": {"type": "boolean"}}},
        "rasa-action-server": {
            "type": "object",
            "properties": {
                "install": {"type": "boolean"},
                "replicaCount": {"type": "integer"},
                "registry": {"type": "string"},
                "image": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
                },
                "extraEnv": {"type": "array"},
                "initContainers": {"type": "array"},
            },
        },
    },
}


def test_helm_values_have_the_charts_types_and_the_same_topology(helm: dict) -> None:
    jsonschema.Draft7Validator(CHART_TYPES).validate(helm)
    assert helm["replicaCount"] == 2
    assert helm["applicationSettings"]["enableAPI"] is False
    assert "--enable-api" not in helm["args"]
    endpoints = helm["applicationSettings"]["endpoints"]
    assert endpoints["trackerStore"]["dialect"] == "postgresql"
    assert (endpoints["lockStore"]["enabled"], endpoints["lockStore"]["type"]) == (True, "redis")
    actions = helm["rasa-action-server"]
    assert (actions["install"], actions["replicaCount"], actions["image"]["name"]) == (
        True,
        2,
        "actions",
    )
    [init] = actions["initContainers"]
    assert init["command"] == ["python", "-m", "bot", "content", "load"]


def test_helm_runs_the_same_channels_as_credentials_yml(helm: dict) -> None:
    channels = helm["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    base = {name: settings or {} for name, settings in read_mapping(BASE_CREDENTIALS).items()}
    assert set(channels) == set(base)
    webchat = "bot.channels.webchat.WebChatInput"
    assert {k: str(v).lower() for k, v in channels[webchat].items()} == base[webchat]


def compose_cli() -> list[str] | None:
    """`docker compose` if its plugin is installed, else `docker-compose`, else None."""
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.mark.skipif(compose_cli() is None, reason="no docker compose CLI on this machine")
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    checked = subprocess.run(
        [*compose_cli(), "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={"POSTGRES_PASSWORD": "not-a-real-password", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stderr
