"""The demo script on the embedded defaults: it starts everything, Ctrl-C stops it all."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.harness import REPO_ROOT, SERVICES, base_environment, free_port, stop_process


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def demo_environment(var_dir: Path) -> dict[str, str]:
    env = base_environment(var_dir)
    env.pop("ALLOWED_HOSTS")
    env.pop("SECURE_SSL_REDIRECT")
    env["DEMO_EDITOR_PASSWORD"] = "demo-test-password"
    for name in ("CMS_PORT", "SUBSCRIBER_SERVICE_PORT", "NEWSLETTER_SERVICE_PORT"):
        env[name] = str(free_port())
    return env


COUNT_SCRIPT = (
    "from wagtail.models import Page; from django.contrib.auth.models import User; "
    "from wagtail.images.models import get_image_model as images; "
    "print(Page.objects.count(), User.objects.count(), images().objects.count())"
)


def content_counts(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "cms" / "manage.py"), "shell", "-c", COUNT_SCRIPT],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout.split()[-3:]


def test_the_demo_prepares_once_starts_every_process_and_ctrl_c_stops_them_all(tmp_path):
    """One preparation, then a start (which prepares again, finding everything there).

    Preparing is the slow part (three databases migrated, the demo content
    loaded), so one test covers both the second preparation and the run.
    """
    env = demo_environment(tmp_path / "var")
    prepare = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "demo.py"), "--prepare-only"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert prepare.returncode == 0, prepare.stderr
    assert "Demo editor created" in prepare.stdout
    after_first = content_counts(env)

    output = tmp_path / "demo.log"
    with output.open("wb") as log:
        demo = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "scripts" / "demo.py")],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while "The platform is running" not in output.read_text(errors="replace"):
            assert demo.poll() is None, output.read_text(errors="replace")
            assert time.monotonic() < deadline, output.read_text(errors="replace")
            time.sleep(0.5)
        ports = [env["CMS_PORT"], env["SUBSCRIBER_SERVICE_PORT"], env["NEWSLETTER_SERVICE_PORT"]]
        ready = [requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10) for port in ports]
        login = requests.get(f"http://127.0.0.1:{env['CMS_PORT']}/admin/login/", timeout=10)
        children = children_of(demo.pid)

        os.kill(demo.pid, signal.SIGINT)
        code = demo.wait(timeout=60)
    finally:
        stop_process(demo)
    text = output.read_text(errors="replace")

    assert [response.status_code for response in ready] == [200, 200, 200]
    assert login.status_code == 200
    assert "Demo editor already there" in text  # the second preparation added nothing
    assert "user: editor   password: demo-test-password" in text
    assert len(children) == 2 * len(SERVICES)  # a web process and a worker per service
    assert code == 0
    assert "All processes stopped." in text
    assert not [pid for pid in children if alive(pid)]
    assert int(after_first[0]) > 50  # the demo site, not just a home page
    assert content_counts(env) == after_first
