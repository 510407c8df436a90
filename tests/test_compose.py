"""docker-compose.yml and deploy/Dockerfile run each service the way it expects.

Plain pytest: the files are read and parsed, nothing is built or started.
"""

from __future__ import annotations

import re
import shlex
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_common.production import REQUIRED as REQUIRED_VARIABLES
from tests.harness import SERVICES

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
INIT_SQL = REPO_ROOT / "deploy" / "postgres" / "init-databases.sql"
ENV_EXAMPLE = REPO_ROOT / ".env.example"

PORTS = {"cms": 8000, "subscriber_service": 8001, "newsletter_service": 8002}
DATABASES = {"cms": "cms", "subscriber_service": "subscribers", "newsletter_service": "newsletters"}
ROLES = ("web", "worker", "beat", "migrate")
SECRET_NAMES = re.compile(r"SECRET|PASSWORD|TOKEN")
# ${NAME}, ${NAME:-default}, ${NAME:?error}... and $NAME; "$$" is a literal dollar.
INTERPOLATION = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
REQUIRED_INTERPOLATION = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]+\}$")


def compose_name(service: str, role: str) -> str:
    return service if role == "web" else f"{service}-{role}"


APP_CONTAINERS = [(service, role) for service in SERVICES for role in ROLES]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(definition: dict[str, Any]) -> dict[str, str]:
    value = definition.get("environment") or {}
    if isinstance(value, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {key: "" if item is None else str(item) for key, item in value.items()}


def command(definition: dict[str, Any]) -> list[str]:
    value = definition.get("command") or []
    return shlex.split(value) if isinstance(value, str) else [str(item) for item in value]


def dependencies(definition: dict[str, Any]) -> dict[str, str]:
    """``depends_on`` as {service: condition}, whichever syntax it uses."""
    value = definition.get("depends_on") or {}
    if isinstance(value, list):
        return dict.fromkeys(value, "service_started")
    return {name: (item or {}).get("condition", "service_started") for name, item in value.items()}


def option(arguments: list[str], *names: str) -> str | None:
    for index, argument in enumerate(arguments):
        if argument in names and index + 1 < len(arguments):
            return arguments[index + 1]
        for name in names:
            if name.startswith("--") and argument.startswith(f"{name}="):
                return argument.split("=", 1)[1]
    return None


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def interpolated_names(value: Any) -> set[str]:
    names = set()
    for text in strings(value):
        for match in INTERPOLATION.finditer(text.replace("$$", "")):
            names.add(match["braced"] or match["bare"])
    return names


def without_interpolation(text: str) -> str:
    """``text`` with each ``${...}`` replaced by a placeholder, for URL parsing."""
    return re.sub(r"\$\{[^}]*\}", "placeholder", text.replace("$$", ""))


def created_databases() -> set[str]:
    sql = re.sub(r"--[^\n]*", "", INIT_SQL.read_text())
    return {
        name.lower()
        for name in re.findall(r'CREATE\s+DATABASE\s+"?([A-Za-z_][A-Za-z0-9_]*)"?', sql, re.I)
    }


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def test_compose_defines_postgres_redis_and_a_web_worker_beat_and_migrate_per_service(
    services,
):
    expected = {"postgres", "redis"} | {compose_name(s, r) for s, r in APP_CONTAINERS}
    assert expected <= set(services), f"missing: {sorted(expected - set(services))}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_web_service_publishes_its_own_port_on_the_port_it_listens_on(services, service):
    definition = services[service]
    listening = int(environment(definition).get("PORT", "8000"))
    published = []
    for entry in definition.get("ports", []):
        if isinstance(entry, dict):
            published.append((int(entry["published"]), int(entry["target"])))
        else:
            *_, host, container = str(entry).split("/")[0].split(":")
            published.append((int(host), int(container)))
    assert published == [(PORTS[service], listening)]


@pytest.mark.parametrize(("service", "role"), APP_CONTAINERS)
def test_every_web_worker_beat_and_migrate_service_builds_from_the_deploy_dockerfile(
    services, service, role
):
    build = services[compose_name(service, role)]["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = (REPO_ROOT / build["context"]).resolve()
    assert context == REPO_ROOT
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE


@pytest.mark.parametrize(("service", "role"), APP_CONTAINERS)
def test_every_container_runs_its_own_service_and_no_other(services, service, role):
    definition = services[compose_name(service, role)]
    env = environment(definition)
    arguments = command(definition)
    assert env.get("SERVICE") == service or any(service in argument for argument in arguments)
    if "SERVICE" in env:
        assert env["SERVICE"] == service
    if "DJANGO_SETTINGS_MODULE" in env:
        assert env["DJANGO_SETTINGS_MODULE"] == f"{service}.settings.production"
    for other in set(SERVICES) - {service}:
        assert not any(re.search(rf"\b{other}\b", argument) for argument in arguments)


@pytest.mark.parametrize(("service", "role"), APP_CONTAINERS)
def test_every_django_process_has_the_variables_production_settings_require(
    services, service, role
):
    env = environment(services[compose_name(service, role)])
    missing = [name for name in REQUIRED_VARIABLES if not env.get(name, "").strip()]
    assert not missing, f"{compose_name(service, role)} lacks {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_web_worker_beat_and_migrate_of_a_service_share_its_database_redis_and_secret_key(
    services, service
):
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SERVICE_CLIENTS"):
        values = {environment(services[compose_name(service, r)]).get(name) for r in ROLES}
        assert len(values) == 1, f"{service} roles disagree on {name}: {values}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_database_url_names_the_service_own_database_which_the_init_script_creates(
    services, service
):
    url = urllib.parse.urlsplit(
        without_interpolation(environment(services[service])["DATABASE_URL"])
    )
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname in services
    database = url.path.lstrip("/")
    assert database == DATABASES[service]
    assert database in created_databases()


def test_the_postgres_service_runs_the_init_script(services):
    mounts = [str(volume) for volume in services["postgres"].get("volumes", [])]
    assert any(
        mount.startswith("./deploy/postgres/init-databases.sql:/docker-entrypoint-initdb.d/")
        for mount in mounts
    )


def test_each_service_uses_its_own_redis_database_number(services):
    numbers = {}
    for service in SERVICES:
        url = urllib.parse.urlsplit(environment(services[service])["REDIS_URL"])
        assert url.scheme in {"redis", "rediss"}
        assert url.hostname in services
        numbers[service] = int(url.path.strip("/") or 0)
    assert len(set(numbers.values())) == len(SERVICES), numbers


@pytest.mark.parametrize("name", ["postgres", "redis", *SERVICES])
def test_every_web_service_and_backing_service_has_a_healthcheck(services, name):
    healthcheck = services[name].get("healthcheck") or {}
    assert not healthcheck.get("disable", False)
    test = " ".join(strings(healthcheck.get("test", [])))
    expected = {"postgres": "pg_isready", "redis": "redis-cli"}.get(name, "/readyz")
    assert expected in test


@pytest.mark.parametrize(("service", "role"), APP_CONTAINERS)
def test_every_django_process_waits_for_healthy_postgres_and_redis(services, service, role):
    depends = dependencies(services[compose_name(service, role)])
    assert depends.get("postgres") == "service_healthy"
    assert depends.get("redis") == "service_healthy"


@pytest.mark.parametrize(("service", "role"), [(s, r) for s in SERVICES for r in ("web", "worker")])
def test_web_and_worker_start_only_after_their_migration_succeeded(services, service, role):
    depends = dependencies(services[compose_name(service, role)])
    assert depends.get(f"{service}-migrate") == "service_completed_successfully"


@pytest.mark.parametrize("service", SERVICES)
def test_every_migration_runs_once_and_is_not_restarted(services, service):
    definition = services[f"{service}-migrate"]
    assert command(definition)[-2:] == ["migrate", "--noinput"]
    assert str(definition.get("restart", "no")) in {"no", "on-failure"}


def test_depends_on_names_only_defined_services(services):
    for name, definition in services.items():
        unknown = set(dependencies(definition)) - set(services)
        assert not unknown, f"{name} depends on undefined {sorted(unknown)}"


def test_service_dependencies_have_no_cycle(services):
    graph = {name: set(dependencies(definition)) for name, definition in services.items()}
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in done:
            return
        assert name not in visiting, f"dependency cycle: {' -> '.join([*path, name])}"
        visiting.add(name)
        for dependency in graph.get(name, ()):
            visit(dependency, [*path, name])
        visiting.discard(name)
        done.add(name)

    for name in graph:
        visit(name, [])


def test_every_variable_used_in_compose_is_documented_in_env_example(compose):
    used = interpolated_names(compose)
    assert used, "compose interpolates no variable: the secrets would be in the file"
    assert ENV_EXAMPLE.exists(), f"{ENV_EXAMPLE.name} is missing; it must document {sorted(used)}"
    documented = set(
        re.findall(
            r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=",
            ENV_EXAMPLE.read_text(),
            re.M,
        )
    )
    assert not used - documented, f"not in .env.example: {sorted(used - documented)}"


def test_secrets_are_required_from_the_environment_never_written_in_compose(services):
    for name, definition in services.items():
        for key, value in environment(definition).items():
            if SECRET_NAMES.search(key):
                assert REQUIRED_INTERPOLATION.match(value), f"{name}: {key} is not ${{VAR:?}}"
            if key == "SERVICE_CLIENTS":
                for pair in value.split(","):
                    _, _, token = pair.partition("=")
                    assert REQUIRED_INTERPOLATION.match(token), f"{name}: {key} has a literal"
            if key == "DATABASE_URL":
                password = value.split("://", 1)[1].rsplit("@", 1)[0].partition(":")[2]
                assert REQUIRED_INTERPOLATION.match(password), f"{name}: {key} has a password"


@pytest.mark.parametrize(("service", "role"), APP_CONTAINERS)
def test_every_command_refers_to_a_package_that_exists_in_the_repository(services, service, role):
    arguments = command(services[compose_name(service, role)])
    for argument in arguments:
        if argument.endswith("manage.py"):
            assert (REPO_ROOT / argument).is_file(), argument
            assert Path(argument).parts[0] == service
        if match := re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\.wsgi:application", argument):
            assert (REPO_ROOT / match[1] / "wsgi.py").is_file(), argument
    if arguments[:1] == ["celery"]:
        app = option(arguments, "-A", "--app")
        assert app == service
        assert (REPO_ROOT / app / "__init__.py").is_file()
        assert (REPO_ROOT / app / "celery.py").is_file()
    if role == "worker":
        assert arguments[:1] == ["celery"] and "worker" in arguments
        assert option(arguments, "-Q", "--queues") == service
    if role == "web":
        # The image's CMD serves $SERVICE with gunicorn.
        assert not arguments or "gunicorn" in arguments[0]


def test_there_is_exactly_one_beat_per_service(services):
    beats: dict[str, list[str]] = {service: [] for service in SERVICES}
    for name, definition in services.items():
        arguments = command(definition)
        if arguments[:1] == ["celery"] and "beat" in arguments:
            beats.setdefault(option(arguments, "-A", "--app") or "?", []).append(name)
            replicas = (definition.get("deploy") or {}).get("replicas", 1)
            assert replicas == 1, f"{name} runs {replicas} replicas"
            schedule = option(arguments, "-s", "--schedule")
            assert schedule is None or schedule.startswith("/app/var/")
    assert beats == {service: [f"{service}-beat"] for service in SERVICES}


def test_dockerfile_is_multi_stage_and_runs_as_a_non_root_user_with_a_healthcheck():
    instructions = dockerfile_instructions()
    assert sum(keyword == "FROM" for keyword, _ in instructions) >= 2
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]
    assert users, "the final stage sets no USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    healthchecks = [arguments for keyword, arguments in instructions if keyword == "HEALTHCHECK"]
    assert healthchecks
    assert healthchecks[-1].upper() != "NONE"
    assert "/healthz" in healthchecks[-1]


def test_dockerfile_installs_hashed_requirements_and_collects_static_files_of_every_service():
    text = " ".join(arguments for keyword, arguments in dockerfile_instructions())
    assert "--require-hashes" in text
    assert "requirements.lock" in text
    assert "collectstatic" in text
    for service in SERVICES:
        assert service in text


def test_dockerfile_copies_only_paths_that_exist():
    for keyword, arguments in dockerfile_instructions():
        if keyword != "COPY" or "--from=" in arguments:
            continue
        *sources, _destination = [a for a in arguments.split() if not a.startswith("--")]
        for source in sources:
            assert (REPO_ROOT / source).exists(), source
