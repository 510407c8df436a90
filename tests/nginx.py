"""deploy/nginx.conf's content API cache, run locally by the tests and the benchmark.

The parts are taken from the deployment file itself, so what is tested and
measured follows it as it changes: the cache zone (its folder moved), the maps
the cache and the proxied headers use, the proxy settings every location
inherits, the ``location /api/v2/`` block of the CMS's server and the one of
its purge listener. Left out: TLS, the other services, the access log. nginx
comes from Debian (``nginx-light`` and ``libnginx-mod-http-cache-purge``).
"""

from __future__ import annotations

import getpass
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.harness import REPO_ROOT, free_port, stop_process, wait_for_http

NGINX_SOURCE = REPO_ROOT / "deploy" / "nginx.conf"
MODULES = Path("/etc/nginx/modules-enabled")
# Where Debian's load_module lines point (relative to the default prefix, which
# the local nginx does not use).
MODULE_DIR = Path("/usr/lib/nginx/modules")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )


def nginx_version() -> str:
    binary = nginx_binary()
    if binary is None:
        return "nginx not installed"
    output = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10).stderr
    return output.strip().split(":")[-1].strip().replace("/", " ")


def _deployment_parts() -> dict[str, object]:
    # Without comments, and without the blank lines they leave.
    source = re.sub(r"\n(\s*\n)+", "\n", re.sub(r"#[^\n]*", "", NGINX_SOURCE.read_text()))
    cache_path = re.search(r"^    (proxy_cache_path\s[^;]*;)", source, re.M)
    proxy = re.findall(r"^    (proxy_(?!cache_path)[a-z_]+\s[^;]*;)", source, re.M)
    maps = re.findall(
        r"^    (map [^{]*\$(?:req_id|cms_api_no_cache) \{.*?^    \})", source, re.M | re.S
    )
    locations = re.findall(r"^        (location /api/v2/ \{.*?^        \})", source, re.M | re.S)
    cache = next((block for block in locations if "proxy_cache_purge" not in block), None)
    purge = next((block for block in locations if "proxy_cache_purge" in block), None)
    if not (cache_path and proxy and len(maps) == 2 and cache and purge):
        raise RuntimeError(f"{NGINX_SOURCE} no longer has the parts the local cache reuses")
    return {
        "cache_path": cache_path.group(1),
        "proxy": proxy,
        "maps": maps,
        "cache": cache,
        "purge": purge,
    }


def nginx_config(
    *,
    folder: Path,
    upstream_port: int,
    port: int,
    workers: int = 1,
    purge_port: int | None = None,
    static: bool = False,
) -> str:
    """A configuration for 127.0.0.1: the cache on ``port``, purges on ``purge_port``.

    ``static`` adds ``/bench/static/``, files served from ``folder/static``.
    """
    parts = _deployment_parts()
    zone = re.sub(r"/var/cache/nginx/cms-api", str(folder / "cache"), parts["cache_path"])
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    proxy = "\n".join(f"    {line}" for line in parts["proxy"])
    modules = "\n".join(
        f"load_module {MODULE_DIR / name};"
        for conf in sorted(MODULES.glob("*.conf"))
        for name in re.findall(r"load_module\s+modules/([^;\s]+);", conf.read_text())
        if purge_port and "cache_purge" in name
    )
    static_location = (
        f"location /bench/static/ {{\n            alias {folder / 'static'}/;\n        }}"
        if static
        else ""
    )
    purge_server = (
        f"""
    server {{
        listen 127.0.0.1:{purge_port};
        server_name _;
        allow 127.0.0.1;
        deny all;
        {parts["purge"]}
        location / {{
            return 404;
        }}
    }}"""
        if purge_port
        else ""
    )
    return f"""
{modules}
worker_processes {workers};
user {getpass.getuser()};
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server_tokens off;
    sendfile on;
    keepalive_timeout 65s;
    access_log off;
{temp}
    {parts["maps"][0]}
    {parts["maps"][1]}
    {zone}
{proxy}
    upstream cms {{
        server 127.0.0.1:{upstream_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        {parts["cache"]}
        {static_location}
    }}{purge_server}
}}
"""


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    purge_port: int | None
    folder: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def purge_url(self) -> str:
        return f"http://127.0.0.1:{self.purge_port}"

    def stop(self) -> None:
        stop_process(self.process)

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_nginx(
    *,
    folder: Path,
    upstream_port: int,
    workers: int = 1,
    purge: bool = False,
    static: bool = False,
    port: int | None = None,
    purge_port: int | None = None,
) -> Nginx | None:
    """nginx in a folder of its own, in the foreground of its own session; None without nginx.

    The ports may be chosen before the upstream runs (the CMS must know where to purge).
    """
    binary = nginx_binary()
    if binary is None:
        return None
    port = port or free_port()
    purge_port = (purge_port or free_port()) if purge else None
    for name in ("cache", "static", "temp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(
        nginx_config(
            folder=folder,
            upstream_port=upstream_port,
            port=port,
            workers=workers,
            purge_port=purge_port,
            static=static,
        )
    )
    command = [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
    with (folder / "nginx.out").open("ab") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    nginx = Nginx(process=process, port=port, purge_port=purge_port, folder=folder)
    # Any answer from the cache's server means it listens (the upstream may not run yet).
    wait_for_http(f"{nginx.url}/nothing-here", process=process)
    return nginx
