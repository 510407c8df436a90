from django.core.management import call_command


def test_openapi_schema_is_valid_openapi_with_no_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))

    text = schema.read_text()
    assert text.startswith("openapi: 3.1")
    assert "/api/internal/whoami" in text
    assert "serviceToken" in text
