"""The CMS stand-in answers as the real content API did (answers recorded from it)."""

import json

import requests

from newsletter_service.content.tests.fake_cms import FIXTURES


def _recorded():
    return json.loads((FIXTURES / "recorded_listings.json").read_text())


def test_a_listing_from_the_stand_in_has_the_shape_and_order_the_cms_answered(fake_cms):
    recorded = _recorded()["listing"]
    answer = requests.get(fake_cms.url + recorded["url"], timeout=5).json()
    real = recorded["answer"]

    assert [item["id"] for item in answer["items"]] == [item["id"] for item in real["items"]]
    assert set(answer["meta"]) == set(real["meta"])
    for ours, theirs in zip(answer["items"], real["items"], strict=True):
        assert set(ours) == set(theirs)
        assert set(ours["meta"]) == set(theirs["meta"])
        assert ours["title"] == theirs["title"]


def test_translation_of_finds_the_translation_the_cms_found(fake_cms):
    recorded = _recorded()["translation_of"]
    answer = requests.get(fake_cms.url + recorded["url"], timeout=5).json()

    assert [item["id"] for item in answer["items"]] == [
        item["id"] for item in recorded["answer"]["items"]
    ]


def test_article_filters_are_refused_on_other_page_types_as_the_cms_does(fake_cms):
    answer = requests.get(f"{fake_cms.url}/api/v2/pages/?theme=reprisals", timeout=5)

    assert answer.status_code == 400
    assert "theme" in answer.json()["message"]
