"""Run the whole platform on this machine: ``make demo``.

Migrates the three services, loads the demo content, creates the demo editor,
then runs each service's web process and Celery worker (with its beat) until
Ctrl-C, which stops every process cleanly. Safe to run again: nothing is
duplicated. With DATABASE_URL / REDIS_URL unset, everything lives under var/.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = {
    "cms": int(os.environ.get("CMS_PORT", "8000")),
    "subscriber_service": int(os.environ.get("SUBSCRIBER_SERVICE_PORT", "8001")),
    "newsletter_service": int(os.environ.get("NEWSLETTER_SERVICE_PORT", "8002")),
}
# Who may call whom; the demo makes one credential per pair and keeps it in var/.
CALLERS = {
    "cms": ["newsletter_service"],
    "subscriber_service": ["newsletter_service"],
    "newsletter_service": ["cms"],
}


def var_dir() -> Path:
    path = Path(os.environ.get("VAR_DIR", REPO_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def service_tokens() -> dict[str, str]:
    path = var_dir() / "demo-service-tokens.json"
    tokens = json.loads(path.read_text()) if path.exists() else {}
    for callee, callers in CALLERS.items():
        for caller in callers:
            tokens.setdefault(f"{caller}->{callee}", secrets.token_urlsafe(32))
    tokens.setdefault("cms-webhooks", secrets.token_urlsafe(32))
    path.write_text(json.dumps(tokens, indent=2))
    path.chmod(0o600)
    return tokens


def environment(service: str, tokens: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = f"{service}.settings.dev"
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["VAR_DIR"] = str(var_dir())
    env["SERVICE_CLIENTS"] = ",".join(
        f"{caller}={tokens[f'{caller}->{service}']}" for caller in CALLERS[service]
    )
    for callee, callers in CALLERS.items():
        if service in callers:
            env[f"{callee.upper()}_URL"] = f"http://127.0.0.1:{SERVICES[callee]}"
            env[f"{callee.upper()}_TOKEN"] = tokens[f"{service}->{callee}"]
    # The CMS's publish events go to the newsletter service as signed webhooks.
    if service == "cms":
        env["CMS_WEBHOOK_ENDPOINTS"] = (
            f"newsletter_service=http://127.0.0.1:{SERVICES['newsletter_service']}"
            f"/api/v1/cms-events/|{tokens['cms-webhooks']}"
        )
    if service == "newsletter_service":
        env["CMS_WEBHOOK_SECRET"] = tokens["cms-webhooks"]
    if database_url := os.environ.get("DATABASE_URL"):
        # One database per service on the given server: <name>_<service>.
        env["DATABASE_URL"] = f"{database_url.rstrip('/')}_{service}"
    return env


def ensure_database(database_url: str) -> None:
    """Create the service's PostgreSQL database on first run."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(service: str, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(REPO_ROOT / service / "manage.py"), *args],
        env=env,
        cwd=REPO_ROOT,
        check=True,
    )


def prepare(envs: dict[str, dict[str, str]]) -> None:
    for service, env in envs.items():
        ensure_database(env.get("DATABASE_URL", ""))
        print(f"==> {service}: migrating", flush=True)
        manage(service, env, "migrate", "--noinput", "-v0")
    print("==> cms: demo content, demo editor and reviewer", flush=True)
    manage("cms", envs["cms"], "load_demo_content")


def start(envs: dict[str, dict[str, str]]) -> list[subprocess.Popen]:
    processes = []
    for service, env in envs.items():
        port = SERVICES[service]
        commands = [
            [
                str(BIN / "gunicorn"),
                "--config",
                str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                f"{service}.wsgi:application",
            ],
            [
                str(BIN / "celery"),
                "-A",
                service,
                "worker",
                "--beat",
                "-Q",
                service,
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "-n",
                f"{service}@%h",
            ],
        ]
        for command in commands:
            # A session of its own: Ctrl-C reaches only this supervisor, which
            # then stops every child in order.
            processes.append(
                subprocess.Popen(command, env=env, cwd=REPO_ROOT, start_new_session=True)
            )
    return processes


def wait_until_up(timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    for service, port in SERVICES.items():
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{service} did not start on port {port}") from None
                time.sleep(0.3)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def banner() -> None:
    password_file = var_dir() / "cms" / "demo-editor-password"
    password = os.environ.get("DEMO_EDITOR_PASSWORD") or password_file.read_text().strip()
    cms, subscribers, newsletters = (f"http://127.0.0.1:{port}" for port in SERVICES.values())
    print(
        f"""
The platform is running (Ctrl-C stops everything):

  CMS site                {cms}/
  Wagtail admin           {cms}/admin/   user: editor   password: {password}
                          (second approver of high-risk stories: user reviewer, same password)
  Subscriber service API  {subscribers}/api/docs/
  Newsletter service API  {newsletters}/api/docs/
  Health                  {cms}/readyz  {subscribers}/readyz  {newsletters}/readyz

Development stand-ins in use: {describe_stand_ins()}
""",
        flush=True,
    )


def describe_stand_ins() -> str:
    stand_ins = []
    if not os.environ.get("DATABASE_URL"):
        stand_ins.append(f"SQLite files in {var_dir()}/<service>/")
    if not os.environ.get("REDIS_URL"):
        stand_ins.append("a filesystem Celery broker and file cache in var/")
    if not os.environ.get("EMAIL_URL"):
        stand_ins.append(f"emails written as files to {var_dir()}/mail/")
    if not os.environ.get("MAILCHIMP_API_KEY"):
        stand_ins.append(f"Mailchimp calls recorded in {var_dir()}/mailchimp/")
    return "; ".join(stand_ins) or "none"


def main() -> int:
    tokens = service_tokens()
    envs = {service: environment(service, tokens) for service in SERVICES}
    prepare(envs)
    if "--prepare-only" in sys.argv:
        return 0
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    processes = start(envs)
    try:
        wait_until_up()
        banner()
        while not stopping:
            if any(process.poll() is not None for process in processes):
                print("A process of the platform stopped; stopping the others.", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print("\nStopping...", flush=True)
        return 0
    finally:
        stop(processes)
        print("All processes stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
