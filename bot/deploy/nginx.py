"""nginx as the load balancer of `make run-scale`: its configuration and its process.

The site configuration is deploy/nginx/signpost.conf.template, shared with deploy/compose.yml;
here it is filled in for loopback ports and wrapped in a main configuration that keeps nginx's
pid, logs and temporary files in one directory, so it runs without touching /etc/nginx.
"""

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from string import Template

from bot.paths import PROJECT_ROOT
from bot.servers import LOOPBACK, Server

SITE_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "signpost.conf.template"
# A replica that refuses a connection is left alone for 10 seconds before nginx tries it again.
SERVER_OPTIONS = "max_fails=1 fail_timeout=10s"

MAIN_CONFIG = """\
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;
    include {directory}/signpost.conf;
}}
"""


def upstream_servers(addresses: Iterable[str]) -> str:
    """`server host:port ...;` lines for an upstream block, on one line as envsubst needs."""
    return " ".join(f"server {address} {SERVER_OPTIONS};" for address in addresses)


def site_config(values: Mapping[str, str], template: Path = SITE_TEMPLATE) -> str:
    """The site configuration with every ${SIGNPOST_...} filled in; nginx's own $vars kept."""
    config = Template(template.read_text(encoding="utf-8")).safe_substitute(values)
    if "${SIGNPOST_" in config:
        raise ValueError("A ${SIGNPOST_...} value of the nginx template was not given.")
    return config


def nginx_server(
    directory: Path, port: int, actions_port: int, rasa_ports: list[int], action_ports: list[int]
) -> Server:
    """nginx on loopback: `port` in front of the Rasa replicas, `actions_port` of the actions."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "temp").mkdir(exist_ok=True)
    site = site_config(
        {
            "SIGNPOST_LISTEN": f"{LOOPBACK}:{port}",
            "SIGNPOST_ACTIONS_LISTEN": f"{LOOPBACK}:{actions_port}",
            "SIGNPOST_ACCESS_LOG": str(directory / "nginx-access.log"),
            "SIGNPOST_RASA_SERVERS": upstream_servers(f"{LOOPBACK}:{p}" for p in rasa_ports),
            "SIGNPOST_ACTION_SERVERS": upstream_servers(f"{LOOPBACK}:{p}" for p in action_ports),
        }
    )
    (directory / "signpost.conf").write_text(site, encoding="utf-8")
    main = directory / "nginx.conf"
    main.write_text(MAIN_CONFIG.format(directory=directory), encoding="utf-8")
    command = [nginx_binary(), "-p", str(directory), "-c", str(main), "-g", "daemon off;"]
    return Server("nginx", command, port, "/", {}, directory / "nginx.log")


def nginx_binary() -> str:
    """nginx from PATH or where Debian puts it, or a clear error saying how to install it."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise FileNotFoundError("nginx is not installed: `sudo apt-get install nginx`.")
    return found
