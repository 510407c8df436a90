import re

import pytest

from newsletter_service.rendering.services import (
    RenderedEmail,
    RenderingError,
    render_campaign,
    render_preview_html,
)
from newsletter_service.rendering.tests.conftest import POSTAL_ADDRESS
from newsletter_service.rendering.tests.factories import (
    CMS,
    SITE,
    article_json,
    block,
    every_body_block,
    fixture,
    snapshot,
    with_body,
)
from newsletter_service.rendering.tests.html import elements, parse, text, urls

MERGE_TAG = re.compile(r"\*\|[A-Z0-9_:]+\|\*")


# Kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "article_news_en",
        "annual_report_en",
        "defender_story_en",
        "strategy_en",
        "resource_en",
    ],
)
def test_a_single_page_email_shows_the_whole_page_and_a_link_to_it(name):
    page = fixture(name)

    email = render_campaign(snapshot=snapshot(kind="single", pages=[page]))
    tree = parse(email.html)

    assert isinstance(email, RenderedEmail)
    assert [h1.text for h1 in elements(tree, "h1")] == [page["title"]]
    assert page["meta"]["html_url"] in urls(tree)
    assert f"Read on our website: {page['meta']['html_url']}" in email.text
    summary = page.get("summary") or page.get("mission") or page.get("intro")
    assert summary in text(tree) and summary in email.text


def test_a_digest_shows_a_card_per_article_with_image_title_date_summary_and_link():
    articles = [
        article_json(title=f"Article {n}", date=f"2026-11-{n:02}", summary=f"Summary {n}.")
        for n in range(1, 4)
    ]
    body_only = "Only in the body of the article"
    articles[0]["body"] = [block("rich_text", f"<p>{body_only}</p>")]

    email = render_campaign(snapshot=snapshot(kind="digest", pages=articles, intro="Dear all"))
    tree = parse(email.html)

    cards = [td for td in elements(tree, "td") if "card" in (td.get("class") or "")]
    assert len(cards) == 3
    for article, card in zip(articles, cards, strict=True):
        card_text = " ".join(" ".join(t.split()) for t in card.itertext())
        link = article["meta"]["html_url"]
        assert article["title"] in card_text and article["summary"] in card_text
        assert "Kenya" in card_text and "Reprisals" in card_text
        assert [img.get("alt") for img in card.iter("img")] == [article["hero_image"]["alt"]]
        assert {a.get("href") for a in card.iter("a")} == {link}
        assert [a for a in card.iter("a") if "Read more" in "".join(a.itertext())]
        assert f"Read more: {link}" in email.text
    assert "November 1, 2026" in text(tree) or "Nov. 1, 2026" in text(tree)
    assert "Dear all" in email.html and "Dear all" in email.text
    assert body_only not in email.html
    assert elements(tree, "h1")[0].text == "News from the Monitor"


def test_an_invitation_shows_the_event_details_and_its_call_to_action_first():
    event = fixture("article_event_en")
    register = {"action": "signup", "text": "Register now", "url": f"{SITE}/events/register/"}
    event["body"] = [*event["body"], block("call_to_action", register)]

    email = render_campaign(snapshot=snapshot(kind="invitation", pages=[event]))
    tree = parse(email.html)

    assert "Date" in text(tree) and "Sept. 1, 2026" in text(tree)
    assert "Where" in text(tree) and "Egypt" in text(tree)
    buttons = [a for a in elements(tree, "a") if "button-link" in (a.get("class") or "")]
    assert buttons[0].text == "Register now"
    assert buttons[0].get("href") == f"{SITE}/events/register/"
    assert email.html.count("Register now") == 1
    assert email.html.index("Register now") < email.html.index("Protection starts")
    assert f"Register now: {SITE}/events/register/" in email.text


def test_an_appeal_shows_the_appeal_text_and_a_button_to_act():
    appeal = fixture("article_appeal_en")

    email = render_campaign(snapshot=snapshot(kind="appeal", pages=[appeal]))
    tree = parse(email.html)

    buttons = [a for a in elements(tree, "a") if "button-link" in (a.get("class") or "")]
    assert [(a.text, a.get("href")) for a in buttons][-1] == (
        "Take action",
        appeal["meta"]["html_url"],
    )
    assert appeal["summary"] in text(tree)
    assert "Urgent appeal" in elements(tree, "h1")[0].text


def test_an_appeal_uses_its_own_call_to_action_as_its_button():
    donate = {"action": "donate", "text": "Donate today", "url": f"{SITE}/donate/"}
    page = article_json(kind="appeal", body=[block("call_to_action", donate)])

    email = render_campaign(snapshot=snapshot(kind="appeal", pages=[page]))

    assert email.html.count("Donate today") == 1
    assert "Take action" not in email.html


def test_a_single_page_email_of_several_pages_shows_the_first_and_warns():
    first, second = article_json(title="First page"), article_json(title="Second page")

    email = render_campaign(snapshot=snapshot(pages=[first, second]))

    assert "First page" in email.html and "Second page" not in email.html
    assert [w for w in email.warnings if "1 were left out" in w]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "poster"}, "kind must be one of"),
        ({"pages": []}, "at least one page"),
        ({"cms_base_url": ""}, "cms_base_url"),
        ({"cms_base_url": "javascript:alert(1)"}, "cms_base_url"),
    ],
)
def test_a_snapshot_that_cannot_make_an_email_raises_a_rendering_error(change, message):
    with pytest.raises(RenderingError, match=message):
        render_campaign(snapshot=snapshot() | change)


# Languages ----------------------------------------------------------------------


def test_a_french_snapshot_gives_french_ui_strings_dates_and_lang():
    page = fixture("article_news_fr")

    email = render_campaign(snapshot=snapshot(kind="digest", pages=[page], language="fr"))
    tree = parse(email.html)

    assert tree.get("lang") == "fr" and tree.get("dir") == "ltr"
    for french in ("Lire la suite", "Se désabonner", "Modifier vos préférences", "Actualité"):
        assert french in text(tree), french
        assert french in email.text, french
    assert "Vous recevez cet e-mail parce que vous vous êtes abonné·e" in email.text
    assert "novembre 2026" in text(tree)
    assert "Read more" not in email.html and "Unsubscribe" not in email.html


def test_a_spanish_snapshot_gives_spanish_ui_strings():
    email = render_campaign(snapshot=snapshot(language="es"))

    assert parse(email.html).get("lang") == "es"
    assert "Darse de baja" in email.html and "Leer en nuestro sitio web" in email.text


def test_an_arabic_snapshot_is_written_right_to_left():
    email = render_campaign(snapshot=snapshot(language="ar"))

    tree = parse(email.html)
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")


def test_a_language_that_is_no_language_code_falls_back_to_english_with_a_warning():
    email = render_campaign(snapshot=snapshot(language='fr" onload="x'))

    assert parse(email.html).get("lang") == "en"
    assert [w for w in email.warnings if "language" in w]


def test_key_figures_are_written_in_the_email_s_language():
    body = [b for b in every_body_block() if b["type"] == "key_figures"]

    english = render_campaign(snapshot=with_body(body))
    french = render_campaign(snapshot=with_body(body, language="fr"))

    assert "1,500+" in text(parse(english.html)) and "12.5%" in english.html
    assert "1 500+" in text(parse(french.html)) and "12,5%" in french.html
    assert "- 1 500+ defenders trained" in french.text


# Footer and merge tags ------------------------------------------------------------


def test_the_mailchimp_merge_tags_are_present_verbatim_in_html_and_text():
    email = render_campaign(snapshot=snapshot())
    tree = parse(email.html)

    hrefs = urls(tree)
    assert "*|UNSUB|*" in hrefs and "*|UPDATE_PROFILE|*" in hrefs and "*|ARCHIVE|*" in hrefs
    assert 'href="*|UNSUB|*"' in email.html
    assert "Unsubscribe: *|UNSUB|*" in email.text
    assert "Update your preferences: *|UPDATE_PROFILE|*" in email.text
    assert "&#42;" not in email.html and "%7C" not in email.html


def test_the_merge_tags_are_the_configured_ones(rendering_settings, settings):
    settings.NEWSLETTER_RENDERING = {
        **rendering_settings,
        "PREFERENCES_TAG": "*|PREFERENCE_CENTRE|*",
        "LIST_DESCRIPTION_TAG": "*|LIST:DESCRIPTION|*",
        "ARCHIVE_TAG": "",
    }

    email = render_campaign(snapshot=snapshot())

    assert 'href="*|PREFERENCE_CENTRE|*"' in email.html
    assert "*|UPDATE_PROFILE|*" not in email.html + email.text
    assert "*|LIST:DESCRIPTION|*" in email.html and "*|LIST:DESCRIPTION|*" in email.text
    assert "*|ARCHIVE|*" not in email.html and "View this email" not in email.text


def test_the_footer_has_the_organisation_s_name_and_postal_address():
    email = render_campaign(snapshot=snapshot())
    footer = next(td for td in elements(parse(email.html), "td") if td.get("class") == "footer")
    footer_text = "\n".join(footer.itertext())

    for line in POSTAL_ADDRESS.splitlines():
        assert line in footer_text
        assert line in email.text
    assert "Defenders Platform" in footer_text
    assert "subscribed to news from Defenders Platform" in email.text
    assert not [w for w in email.warnings if "POSTAL_ADDRESS" in w]


def test_an_email_without_a_postal_address_warns_that_the_law_requires_one(
    rendering_settings, settings
):
    settings.NEWSLETTER_RENDERING = {**rendering_settings, "ORGANISATION_POSTAL_ADDRESS": ""}

    email = render_campaign(snapshot=snapshot())

    assert [w for w in email.warnings if "ORGANISATION_POSTAL_ADDRESS" in w]


def test_the_preview_replaces_merge_tags_with_harmless_examples():
    html = render_preview_html(snapshot(intro="Dear *|FNAME|*, *|UNKNOWN_TAG|*"))
    tree = parse(html)

    assert not MERGE_TAG.search(html)
    assert "#unsubscribe" in urls(tree) and "#preferences" in urls(tree)
    assert "Dear Alex," in text(tree)


# Links, CSS, text -------------------------------------------------------------------


def test_all_links_and_images_are_absolute():
    page = article_json(body=every_body_block())
    page["meta"]["html_url"] = "/monitor/relative-article/"

    email = render_campaign(snapshot=snapshot(pages=[page]))
    found = urls(parse(email.html))

    assert f"{CMS}/monitor/relative-article/" in found
    assert len(found) > 10
    for url in found:
        assert re.match(r"https?://[^/]+", url) or MERGE_TAG.fullmatch(url), url
    for url in re.findall(r"\((\S+)\)", email.text):
        assert url.startswith(("http://", "https://", "*|")), url


def test_utm_parameters_are_added_to_links_to_the_cms_sites_only(rendering_settings, settings):
    settings.NEWSLETTER_RENDERING = {
        **rendering_settings,
        "UTM_PARAMETERS": {"utm_source": "newsletter", "utm_medium": "email"},
    }
    page = article_json(
        body=[block("rich_text", '<p><a href="/a/">ours</a> <a href="https://un.org/x">UN</a></p>')]
    )

    email = render_campaign(snapshot=snapshot(pages=[page]))
    found = urls(parse(email.html))

    assert f"{CMS}/a/?utm_source=newsletter&utm_medium=email" in found
    assert f"{page['meta']['html_url']}?utm_source=newsletter&utm_medium=email" in found
    assert "https://un.org/x" in found
    assert "*|UNSUB|*" in found
    assert not [u for u in found if "/media/" in u and "utm_" in u]


def test_no_utm_parameters_are_added_by_default():
    email = render_campaign(snapshot=with_body(every_body_block()))

    assert "utm_" not in email.html


def test_the_css_is_inlined_and_only_the_media_queries_stay_in_a_style_block():
    email = render_campaign(snapshot=with_body(every_body_block()))
    tree = parse(email.html)

    cells = [td for td in elements(tree, "td") if "pad" in (td.get("class") or "")]
    assert cells and all("padding" in (td.get("style") or "") for td in cells)
    assert all(a.get("style") for a in elements(tree, "a"))
    assert "font-family" in elements(tree, "h1")[0].get("style")
    assert not elements(tree, "link")
    (style,) = elements(tree, "style")
    assert "@media" in style.text
    assert "font-family" not in style.text


def test_the_preview_text_is_in_a_hidden_preheader_first_in_the_body():
    email = render_campaign(snapshot=snapshot(preview_text="  What defenders\n told us  "))
    body = parse(email.html).find("body")

    preheader = elements(body)[1]
    assert preheader.text.startswith("What defenders told us")
    assert "display:none" in preheader.get("style")
    assert email.preview_text == "What defenders told us"


def test_an_empty_preview_text_falls_back_to_the_summary():
    email = render_campaign(snapshot=snapshot(preview_text=""))

    assert email.preview_text == "Defenders told us that the space for their work has narrowed."


def test_the_subject_is_the_title_and_an_empty_one_falls_back_to_the_page_title():
    email = render_campaign(snapshot=snapshot(subject=""))

    assert email.subject == "Kenya: defenders ask the UN to act"
    assert parse(email.html).find("head/title").text == email.subject
    assert [w for w in email.warnings if "subject" in w]


def test_the_plain_text_part_is_readable_with_headings_lists_and_links():
    email = render_campaign(snapshot=with_body(every_body_block()))

    assert "<" not in email.text.replace("<script", "")
    assert "&amp;" not in email.text
    assert "Kenya: defenders ask the UN to act\n==================================" in email.text
    assert "Why it matters\n--------------" in email.text
    assert "- First step\n- Second step" in email.text
    assert f"our report ({CMS}/monitor/kenya/)" in email.text
    assert f"Support our work ({SITE}/donate/)" in email.text
    assert "\n\n\n" not in email.text
