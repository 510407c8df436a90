def test_addresses_member_ids_and_link_tokens_never_reach_a_log_line(capsys):
    import logging.config

    from platform_common.logs import logging_config

    logging.config.dictConfig(logging_config("svc", json=True))
    logger = logging.getLogger("platform_common.tests.redaction")

    logger.warning(
        "failed for %s at /lists/x/members/%s via /fr/confirm/%s/ and /mailchimp/webhook/%s/",
        "Someone.Private@rights.org",
        "0123456789abcdef0123456789abcdef",
        "eyJzIjoiYWJjIn0:1xU:sig",
        "webhook-secret",
    )

    line = capsys.readouterr().err
    assert "rights.org" not in line
    assert "0123456789abcdef0123456789abcdef" not in line
    assert "eyJzIjoiYWJjIn0" not in line
    assert "webhook-secret" not in line
    assert "[address]" in line and "[member-id]" in line and "/fr/confirm/[redacted]/" in line


def test_gunicorn_access_lines_are_redacted_too():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from platform_common.logs import GunicornLogger

    logger = GunicornLogger(Config())
    request = SimpleNamespace(
        method="GET",
        uri="/preferences/eyJzIjoiYWJjIn0:1xU:sig/",
        path="/preferences/eyJzIjoiYWJjIn0:1xU:sig/",
        query="",
        version=(1, 1),
        headers=[],
    )
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "RAW_URI": request.uri,
        "REQUEST_METHOD": "GET",
        "PATH_INFO": request.path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }

    atoms = logger.atoms(response, request, environ, __import__("datetime").timedelta(0))

    assert "eyJzIjoiYWJjIn0" not in atoms["r"]
    assert atoms["U"] == "/preferences/[redacted]/"
