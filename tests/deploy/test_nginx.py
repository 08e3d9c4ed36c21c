"""nginx's configuration for the replicated stack: filled in completely, and accepted by nginx."""

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.deploy.nginx import nginx_server, site_config, upstream_servers


def test_every_signpost_value_is_filled_in_and_nginx_variables_are_kept() -> None:
    config = site_config(
        {
            "SIGNPOST_LISTEN": "127.0.0.1:8080",
            "SIGNPOST_ACTIONS_LISTEN": "127.0.0.1:8081",
            "SIGNPOST_ACCESS_LOG": "/tmp/access.log",
            "SIGNPOST_RASA_SERVERS": upstream_servers(["127.0.0.1:5005", "127.0.0.1:5006"]),
            "SIGNPOST_ACTION_SERVERS": upstream_servers(["127.0.0.1:5055"]),
        }
    )
    assert "${" not in config
    assert "hash $signpost_rest_key consistent;" in config
    assert "hash $remote_addr consistent;" in config
    assert config.count("server 127.0.0.1:5006 max_fails=1 fail_timeout=10s;") == 2


def test_a_value_left_out_is_refused() -> None:
    with pytest.raises(ValueError, match="SIGNPOST_"):
        site_config({"SIGNPOST_LISTEN": "8080"})


@pytest.mark.skipif(not shutil.which("nginx", path="/usr/sbin:/usr/bin"), reason="no nginx")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    server = nginx_server(tmp_path, 18080, 18081, [15005, 15006], [15055, 15056])
    binary, *_ = server.command
    checked = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
