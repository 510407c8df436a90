"""For every service: no missing migration, and production settings pass ``check --deploy``.

Run by ``make checks`` and by CI. Production checks need the production
variables; where the environment does not give them, throwaway values are used
(``check --deploy`` connects to nothing).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("cms", "subscriber_service", "newsletter_service")


def run(service: str, *args: str, env: dict[str, str]) -> bool:
    command = [sys.executable, str(REPO_ROOT / service / "manage.py"), *args]
    print(f"==> {service}: {' '.join(args)}", flush=True)
    return subprocess.run(command, env=env, cwd=REPO_ROOT, check=False).returncode == 0


def main() -> int:
    base = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    production = {
        **base,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS") or "platform.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://app@db.invalid/app",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://redis.invalid:6379/0",
    }
    production.pop("SECURE_SSL_REDIRECT", None)
    ok = True
    for service in SERVICES:
        ok &= run(service, "makemigrations", "--check", "--dry-run", env=base)
        ok &= run(
            service,
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            f"--settings={service}.settings.production",
            env=production,
        )
    print("All checks passed." if ok else "Some checks failed.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
