"""The French and Spanish catalogues: complete, and compiled from the committed sources."""

import shutil
import subprocess
from pathlib import Path

import pytest

from subscriber_service.subscriptions.consent import consent_wording

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_is_translated_and_the_compiled_catalogue_is_up_to_date(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "needs msgfmt (Debian's gettext package)"
    source = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"

    result = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", str(compiled), str(source)],
        capture_output=True,
        text=True,
        check=True,
        env={"LC_ALL": "C"},
    )

    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert compiled.read_bytes() == source.with_suffix(".mo").read_bytes()


@pytest.mark.parametrize(("language", "opening"), [("fr", "J\u2019accepte"), ("es", "Acepto")])
def test_the_consent_wording_is_translated(language, opening):
    assert consent_wording(language).startswith(opening)
