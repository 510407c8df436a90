import ast
import logging
from pathlib import Path

import pytest

from newsletter_service.rendering.blocks import BLOCK_TYPES
from newsletter_service.rendering.services import render_campaign
from newsletter_service.rendering.tests.factories import (
    CMS,
    SITE,
    block,
    every_body_block,
    fixture,
    snapshot,
    with_body,
)
from newsletter_service.rendering.tests.html import elements, parse, text

CMS_BLOCKS = Path(__file__).resolve().parents[3] / "cms" / "core" / "blocks.py"

# For each block type: what its HTML and its plain text must show.
EXPECTED = {
    "rich_text": (
        ["<h2", "Why it matters", f'<a href="{CMS}/monitor/kenya/"', "<li"],
        ["Why it matters\n--------------", f"our report ({CMS}/monitor/kenya/)", "- First step"],
    ),
    "image": (
        ["river.width-800.format-jpeg.jpg", 'alt="A river at dawn"', "The river the community"],
        ["[A river at dawn]", "The river the community defends", "Photo: Ana"],
    ),
    "quote": (
        ["They cannot silence us all.", "Grace, Kenya"],
        ["“They cannot silence us all.”", "— Grace, Kenya"],
    ),
    "key_figures": (
        ["In numbers", "1,500+", "defenders trained", "12.5%", "Source: Records"],
        ["In numbers", "- 1,500+ defenders trained (Source: Records)", "- 12.5% more cases"],
    ),
    "impact_list": (
        ["What changed", "<li", "A law repealed", "Two freed"],
        ["What changed\n- A law repealed\n- Two freed"],
    ),
    "call_to_action": (
        [f'href="{SITE}/donate/"', "Support our work"],
        [f"Support our work ({SITE}/donate/)"],
    ),
    "document": (
        [f'href="{CMS}/documents/3/annual-report-2024.pdf"', "Annual report 2024", "PDF, 2.3"],
        [f"Annual report 2024 [PDF, 2.3 MB] ({CMS}/documents/3/annual-report-2024.pdf)"],
    ),
    "embed": (
        ['href="https://www.youtube.com/watch?v=abc123"', "Watch or read it online"],
        ["Watch or read it online (https://www.youtube.com/watch?v=abc123)"],
    ),
    "related_content": (
        ["Related", f'href="{CMS}/monitor/earlier-appeal/"', "Earlier appeal"],
        [f"- Earlier appeal ({CMS}/monitor/earlier-appeal/)"],
    ),
    "newsletter_signup": (
        ["Subscribe to the Monitor", 'href="https://subscribe.example.org/subscribe/"'],
        ["Subscribe to the Monitor\nNews in your inbox.\nSubscribe (https://subscribe."],
    ),
}


def body_block_types_of_the_cms() -> set[str]:
    """The names of ``BodyBlock``'s children in the CMS's source (read, not imported)."""
    tree = ast.parse(CMS_BLOCKS.read_text())
    body = next(
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "BodyBlock"
    )
    return {
        target.id
        for node in body.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def test_the_renderer_knows_every_block_type_of_the_cms_body():
    cms_types = body_block_types_of_the_cms()

    assert cms_types == {b["type"] for b in every_body_block()} == set(EXPECTED)
    assert cms_types <= set(BLOCK_TYPES)


@pytest.mark.parametrize("block_type", sorted(EXPECTED))
def test_every_block_type_renders_its_content_in_html_and_text(block_type):
    in_html, in_text = EXPECTED[block_type]
    body = [b for b in every_body_block() if b["type"] == block_type]

    email = render_campaign(snapshot=with_body(body))

    for fragment in in_html:
        assert fragment in email.html, fragment
    for fragment in in_text:
        assert fragment in email.text, fragment
    assert not [w for w in email.warnings if "block" in w]


def test_a_body_with_one_block_of_each_type_renders_them_all_in_order():
    email = render_campaign(snapshot=with_body(every_body_block()))

    positions = [email.html.index(EXPECTED[b["type"]][0][-1]) for b in every_body_block()]
    assert positions == sorted(positions)
    parse(email.html)


def test_an_unknown_block_type_is_skipped_with_a_warning_and_a_log_line(caplog):
    body = [
        block("rich_text", "<p>Before the carousel.</p>"),
        block("carousel", {"slides": ["<p>Never shown</p>"]}),
        block("quote", {"quote": "After the carousel.", "attribution": "", "role": ""}),
    ]

    with caplog.at_level(logging.WARNING, logger="newsletter_service.rendering"):
        email = render_campaign(snapshot=with_body(body))

    assert "Before the carousel." in email.html
    assert "After the carousel." in email.html
    assert "Never shown" not in email.html and "Never shown" not in email.text
    assert [w for w in email.warnings if "'carousel'" in w and "block 2" in w]
    assert any("'carousel'" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("block_type", sorted(BLOCK_TYPES))
@pytest.mark.parametrize("value", [{}, None, "", [], 42, {"heading": None, "figures": [None]}])
def test_a_block_with_missing_or_malformed_fields_never_stops_the_email(block_type, value):
    body = [block(block_type, value), block("rich_text", "<p>The rest of the article.</p>")]

    email = render_campaign(snapshot=with_body(body))

    assert "The rest of the article." in email.html
    parse(email.html)


def test_a_block_with_some_fields_missing_shows_what_it_has():
    body = [
        block("quote", {"quote": "Only the words."}),
        block("key_figures", {"figures": [{"number": 3, "label": "cases"}]}),
        block("document", {"title": "Handbook", "url": "/documents/9/handbook.pdf"}),
    ]

    email = render_campaign(snapshot=with_body(body))

    assert "Only the words." in email.html
    assert "cases" in email.html
    assert f'href="{CMS}/documents/9/handbook.pdf"' in email.html
    assert "“Only the words.”\n—" not in email.text
    assert "quote-by" not in email.html


def test_a_call_to_action_with_a_javascript_link_is_left_out_with_a_warning():
    body = [block("call_to_action", {"action": "donate", "text": "Give", "url": "javascript:x()"})]

    email = render_campaign(snapshot=with_body(body))

    assert "Give" not in email.html
    assert [w for w in email.warnings if "call to action" in w]


def test_the_streams_of_an_annual_report_and_a_strategy_render():
    report = render_campaign(snapshot=snapshot(pages=[fixture("annual_report_en")]))
    strategy = render_campaign(snapshot=snapshot(pages=[fixture("strategy_en")]))

    assert "700+" in report.html and "activists and advocates consulted" in report.html
    assert "Consulted more than 700 activists" in report.html
    assert "http://localhost/documents/1/annual-report-2017.pdf" in report.html
    assert "Lucía Ferreira (Chair of the Board)" in report.text
    assert "Expand our reach" in strategy.html and "Digital training" in strategy.html
    assert "Strategic litigation with pro bono partners" in strategy.text
    assert "700 participants" in strategy.text
    assert not [w for w in report.warnings if "block" in w]


def test_a_document_without_a_url_is_shown_unlinked_with_a_warning():
    body = [block("document", {"document": 4, "label": "Strategy (PDF)"})]

    email = render_campaign(snapshot=with_body(body))
    tree = parse(email.html)

    assert "Strategy (PDF)" in text(tree)
    assert not [a for a in elements(tree, "a") if "Strategy (PDF)" in (a.text or "")]
    assert [w for w in email.warnings if "'Strategy (PDF)' has no URL" in w]
