import html5lib
import pytest

from newsletter_service.rendering.services import render_campaign
from newsletter_service.rendering.tests.factories import article_json, image_json, snapshot
from newsletter_service.rendering.tests.html import elements, parse

# Gmail clips a message whose HTML is over 102 KB; stay under it counting 1 KB as 1,000 bytes.
GMAIL_CLIP_BYTES = 102_000


def long_article(n: int) -> dict:
    """An article with every field a digest card shows at its longest."""
    return article_json(
        title=f"Article {n}: " + "defenders ask the United Nations to act " * 3,
        summary=("Defenders told us that the space for their work has narrowed. " * 10)[:600],
        hero_image=image_json(
            name=f"long-{n}",
            alt="Defenders gathered in front of the courthouse after the hearing " * 2,
            credit="Photo: A photographer whose name is fairly long, for the organisation",
        ),
        countries=[{"name": name} for name in ("Kenya", "Democratic Republic of the Congo")],
        themes=[{"name": name} for name in ("Women human rights defenders", "Reprisals")],
    )


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_20_article_digest_stays_under_gmail_s_clipping_limit_and_is_valid_html(language):
    articles = [long_article(n) for n in range(20)]

    email = render_campaign(
        snapshot=snapshot(kind="digest", pages=articles, language=language, intro="Dear all " * 40)
    )

    size = len(email.html.encode())
    assert size < GMAIL_CLIP_BYTES, size
    tree = parse(email.html)
    assert len(elements(tree, "img")) == 20
    assert len(elements(tree, "h2")) == 20


def test_every_kind_of_email_is_valid_html(every_kind_snapshot):
    parse(render_campaign(snapshot=every_kind_snapshot).html)


@pytest.fixture(params=["single", "digest", "invitation", "appeal"])
def every_kind_snapshot(request):
    return snapshot(kind=request.param, pages=[long_article(1), long_article(2)])


@pytest.mark.parametrize(
    "broken",
    [
        "<html><body><p>No doctype</p></body></html>",
        "<!DOCTYPE html><html><body><table><tr><td>x</td></tr><p>stray</p></table></body></html>",
        "<!DOCTYPE html><html><body><b><i>misnested</b></i></body></html>",
        "<!DOCTYPE html><html><body><div></span></div></body></html>",
    ],
)
def test_the_validity_check_rejects_broken_html(broken):
    with pytest.raises(html5lib.html5parser.ParseError):
        parse(broken)
