from newsletter_service.rendering.services import render_campaign
from newsletter_service.rendering.tests.factories import (
    CMS,
    article_json,
    block,
    image_json,
    snapshot,
    with_body,
)
from newsletter_service.rendering.tests.html import elements, parse


def images_of(html):
    return elements(parse(html), "img")


def test_images_use_the_jpeg_rendition_just_above_600_pixels_with_alt_and_size():
    email = render_campaign(snapshot=snapshot(pages=[article_json(body=[])]))

    (hero,) = images_of(email.html)
    assert hero.get("src").startswith(f"{CMS}/media/images/hero-")
    assert hero.get("src").endswith(".width-800.format-jpeg.jpg")
    assert hero.get("width") == "600"
    assert hero.get("height") == "338"
    assert hero.get("alt") == "Defenders at a meeting in Nairobi"


def test_no_webp_rendition_is_ever_used():
    reordered = image_json(name="reordered")
    reordered["renditions"] = dict(reversed(list(reordered["renditions"].items())))
    email = render_campaign(snapshot=with_body([block("image", {**reordered, "caption": ""})]))

    assert "webp" not in email.html
    assert all(img.get("src").endswith(".jpg") for img in images_of(email.html))


def test_an_image_narrower_than_the_column_keeps_its_own_width():
    narrow = image_json(name="narrow")
    narrow["renditions"] = {"jpeg_400": narrow["renditions"]["jpeg_400"]}
    email = render_campaign(snapshot=with_body([block("image", {**narrow, "caption": ""})]))

    body_image = images_of(email.html)[-1]
    assert body_image.get("src").endswith("narrow.width-400.format-jpeg.jpg")
    assert (body_image.get("width"), body_image.get("height")) == ("400", "225")


def test_a_relative_rendition_url_is_made_absolute_with_the_cms_address():
    image = image_json(name="relative")
    image["renditions"] = {
        "jpeg_800": {"url": "/media/images/relative.width-800.jpg", "width": 800, "height": 450}
    }
    email = render_campaign(snapshot=with_body([block("image", {**image, "caption": ""})]))

    assert images_of(email.html)[-1].get("src") == f"{CMS}/media/images/relative.width-800.jpg"


def test_a_decorative_image_has_an_empty_alt_attribute():
    decorative = image_json(name="pattern", alt="")
    email = render_campaign(snapshot=with_body([block("image", {**decorative, "caption": ""})]))

    pattern = next(img for img in images_of(email.html) if "pattern" in img.get("src"))
    assert pattern.get("alt") == ""
    assert 'alt=""' in email.html


def test_every_image_has_an_alt_attribute():
    email = render_campaign(snapshot=snapshot(pages=[article_json(hero_image=image_json(alt=""))]))

    assert all(img.get("alt") is not None for img in images_of(email.html))


def test_the_caption_and_credit_appear_under_the_image():
    image = {**image_json(name="court", credit="Photo: Ana Ruiz"), "caption": "Outside the court"}
    email = render_campaign(snapshot=with_body([block("image", image)]))

    html = email.html
    assert html.index("court.width-800") < html.index("Outside the court")
    assert html.index("Outside the court") < html.index("Photo: Ana Ruiz")


def test_an_image_with_only_webp_renditions_is_left_out_with_a_warning():
    image = image_json(name="only-webp")
    image["renditions"] = {k: v for k, v in image["renditions"].items() if k.startswith("webp")}
    email = render_campaign(snapshot=with_body([block("image", {**image, "caption": "Lost"})]))

    assert "only-webp" not in email.html
    assert [w for w in email.warnings if "only-webp" in w and "left out" in w]


def test_an_image_block_without_renditions_is_left_out_with_a_warning():
    # What the CMS's ImageBlock gives today: the image's data, no renditions.
    image = {
        "id": 4,
        "title": "Press conference",
        "alt": "People",
        "credit": "",
        "caption": "",
        "width": 1600,
        "height": 900,
    }
    email = render_campaign(snapshot=with_body([block("image", image)]))

    assert len(images_of(email.html)) == 1  # the hero only
    assert [w for w in email.warnings if "Press conference" in w]
