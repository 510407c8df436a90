"""An editor writes an article in a real browser; a moderator publishes it; the public sees it.

Debian's Chromium, driven by Playwright, against the CMS served on 127.0.0.1
by pytest-django's live server.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.core.tests.factories import home_page
from cms.images.tests.factories import ImageFactory
from cms.monitor.models import ArticlePage
from cms.monitor.tests.factories import MonitorIndexPageFactory
from cms.taxonomy.tests.factories import CountryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def account(username, group):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "a-long-test-password"
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(browser, live_server, username):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_an_article_written_by_an_editor_is_published_by_a_moderator(
    browser, live_server, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    home = home_page()
    monitor = MonitorIndexPageFactory(parent=home)
    ImageFactory(title="Geneva rally", description="People holding placards in Geneva")
    CountryFactory(iso_code="KE")
    account("writer", "Editors")
    account("moderator", "Moderators")

    editor = sign_in(browser, live_server, "writer")
    editor.goto(f"{live_server.url}/admin/pages/add/monitor/articlepage/{monitor.pk}/")
    editor.fill("#id_title", "Kenya: river defenders win a hearing")
    editor.fill("#id_summary", "A community took a polluted river to court.")
    editor.get_by_role("button", name=re.compile("Choose an image")).click()
    editor.get_by_role("link", name=re.compile("Geneva rally")).click()
    editor.get_by_label("Kenya").check()
    editor.get_by_role("button", name=re.compile("More actions")).click()
    editor.get_by_role("button", name=re.compile("Submit to")).click()
    editor.get_by_text("submitted for moderation").wait_for()

    article = ArticlePage.objects.get(title="Kenya: river defenders win a hearing")
    assert not article.live
    assert article.current_workflow_state is not None

    moderator = sign_in(browser, live_server, "moderator")
    moderator.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    moderator.get_by_role("button", name=re.compile("More actions")).click()
    moderator.get_by_role("button", name=re.compile("^Approve and Publish$")).click()
    moderator.get_by_text("has been updated").wait_for()

    article.refresh_from_db()
    assert article.live
    assert [country.iso_code for country in article.countries.all()] == ["KE"]
    assert article.hero_image.title == "Geneva rally"
    visitor = browser.new_page()
    response = visitor.goto(f"{live_server.url}{article.url}")
    assert response.status == 200
    assert (
        visitor.get_by_role("heading", level=1).inner_text()
        == "Kenya: river defenders win a hearing"
    )
    assert visitor.locator("img[alt='People holding placards in Geneva']").count() == 1
