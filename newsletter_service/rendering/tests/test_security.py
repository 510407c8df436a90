"""CMS content is text, except rich text, which is sanitised: no script reaches an email."""

import pytest

from newsletter_service.rendering.services import render_campaign, render_preview_html
from newsletter_service.rendering.tests.factories import (
    article_json,
    block,
    image_json,
    snapshot,
)
from newsletter_service.rendering.tests.html import elements, parse, text, urls

SCRIPT = "<script>alert('title')</script>"
TAG_WITH_HANDLER = '<img src=x onerror="alert(1)"><svg onload=alert(2)>'
ATTRIBUTE_BREAKOUT = '" onmouseover="alert(1)" x="\'><script>alert(3)</script>'
RICH_TEXT = (
    '<p onclick="alert(1)">Hello<script>alert(2)</script>'
    '<a href="javascript:alert(3)">link</a><a href=" JaVaScRiPt:alert(4)">other</a>'
    '<img src="x" onerror="alert(5)"><iframe src="https://evil.example/"></iframe>'
    '<style>body{display:none}</style><svg><g onload="alert(6)"></g></svg>'
    '<form action="https://evil.example/"><input name="p"></form>'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a></p>'
)


def _page(**fields):
    return article_json(**fields)


def _article_with(block_type, value):
    return _page(body=[block(block_type, value)])


PLACES = {
    "title": lambda: snapshot(pages=[_page(title=SCRIPT)]),
    "summary": lambda: snapshot(pages=[_page(summary=TAG_WITH_HANDLER)]),
    "rich text": lambda: snapshot(pages=[_article_with("rich_text", RICH_TEXT)]),
    "image caption": lambda: snapshot(
        pages=[_article_with("image", {**image_json(), "caption": ATTRIBUTE_BREAKOUT})]
    ),
    "image alt and credit": lambda: snapshot(
        pages=[_page(hero_image=image_json(alt=ATTRIBUTE_BREAKOUT, credit=SCRIPT))]
    ),
    "quote attribution": lambda: snapshot(
        pages=[
            _article_with(
                "quote", {"quote": SCRIPT, "attribution": TAG_WITH_HANDLER, "role": SCRIPT}
            )
        ]
    ),
    "call to action": lambda: snapshot(
        pages=[
            _page(
                body=[
                    block("call_to_action", {"text": SCRIPT, "url": "javascript:alert(1)"}),
                    block("call_to_action", {"text": SCRIPT, "url": "https://ok.example/"}),
                ]
            )
        ]
    ),
    "links of blocks": lambda: snapshot(
        pages=[
            _page(
                body=[
                    block("embed", "javascript:alert(1)"),
                    block("newsletter_signup", {"heading": SCRIPT, "signup_url": "data:x"}),
                    block("document", {"title": SCRIPT, "url": "vbscript:msgbox(1)"}),
                    block(
                        "related_content",
                        {"heading": SCRIPT, "pages": [{"title": SCRIPT, "url": "javascript:x"}]},
                    ),
                ]
            )
        ]
    ),
    "taxonomies and people": lambda: snapshot(
        pages=[
            _page(
                countries=[{"name": SCRIPT}],
                themes=[{"name": TAG_WITH_HANDLER}],
                authors=[{"name": SCRIPT, "role": ATTRIBUTE_BREAKOUT}],
            )
        ]
    ),
    "page link": lambda: snapshot(
        pages=[_page(meta={"type": "monitor.ArticlePage", "html_url": "javascript:alert(1)"})]
    ),
    "subject, preview text and intro": lambda: snapshot(
        subject=f"</title>{SCRIPT}", preview_text=TAG_WITH_HANDLER, intro=SCRIPT
    ),
}


def assert_no_active_content(html):
    tree = parse(html)
    tags = {el.tag for el in elements(tree)}
    assert not tags & {"script", "iframe", "svg", "object", "embed", "form", "input", "base"}
    assert len(elements(tree, "style")) == 1 and elements(tree, "style")[0] in tree.find("head")
    for el in elements(tree):
        handlers = [name for name in el.attrib if name.lower().startswith("on")]
        assert not handlers, (el.tag, handlers)
    for url in urls(tree):
        assert url.startswith(("https://", "http://", "*|", "#")), url
    return tree


@pytest.mark.parametrize("kind", ["single", "digest", "invitation", "appeal"])
@pytest.mark.parametrize("place", sorted(PLACES))
def test_script_and_event_handlers_from_the_cms_never_reach_the_email(place, kind):
    email = render_campaign(snapshot=PLACES[place]() | {"kind": kind})

    assert_no_active_content(email.html)
    assert_no_active_content(render_preview_html(PLACES[place]() | {"kind": kind}))


def test_html_in_a_text_field_shows_as_text():
    email = render_campaign(
        snapshot=snapshot(pages=[_page(title=SCRIPT, summary=TAG_WITH_HANDLER)])
    )
    tree = parse(email.html)

    assert elements(tree, "h1")[0].text == SCRIPT
    assert TAG_WITH_HANDLER in text(tree)
    assert SCRIPT in email.text


def test_rich_text_keeps_its_text_and_loses_its_dangerous_parts():
    email = render_campaign(snapshot=PLACES["rich text"]())
    tree = parse(email.html)

    assert "Hello" in text(tree) and "link" in text(tree) and "other" in text(tree)
    assert "alert" not in text(tree)
    links = [a for a in elements(tree, "a") if a.text in ("link", "other", "data")]
    assert links and all(a.get("href") is None for a in links)
