"""The photo of a defender whose face must not be shown is never reachable by the public."""

import os
import secrets
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.views.static import serve
from wagtail.models import Collection, CollectionViewRestriction

from cms.core.tests.admin_forms import editor
from cms.core.tests.factories import SectionPageFactory, home_page
from cms.images.models import CustomImage
from cms.images.services import image_protect, protected_collection
from cms.images.tests.factories import ImageFactory
from cms.images.tests.test_image_safety import jpeg_with_gps_and_camera_serial
from cms.stories.models import RiskLevel
from cms.stories.tests.factories import DefenderStoryPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "public")
    settings.CMS_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return Path(settings.MEDIA_ROOT), Path(settings.CMS_PRIVATE_MEDIA_ROOT)


def fresh_image(**fields) -> CustomImage:
    """An image whose pixels no earlier run made.

    Wagtail caches renditions in the default cache (Redis, which outlives the
    test database) by image id and file hash: the same id and pixels as in an
    earlier run would be answered with that run's rendition.
    """
    colour = tuple(secrets.randbelow(256) for _ in range(3))
    image = ImageFactory(file__color=colour, **fields)
    image.get_file_hash()  # factories leave it empty; the cache key needs it
    return CustomImage.objects.get(pk=image.pk)  # its file read again from storage


def files_under(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


def public_media_serve(name: str):
    """What the web server does for /media/<name> (deploy/nginx.conf: an alias of MEDIA_ROOT)."""
    from django.conf import settings

    return serve(RequestFactory().get(f"/media/{name}"), name, document_root=settings.MEDIA_ROOT)


@pytest.fixture
def hidden_story():
    photo = fresh_image(title="Portrait of the lawyer", description="A woman in a courtroom")
    story = DefenderStoryPageFactory(
        parent=SectionPageFactory(parent=home_page(), slug="stories"),
        risk_level=RiskLevel.LOW,
        photo=photo,
        show_face=False,
    )
    return story


def test_a_hidden_face_is_moved_out_of_public_storage(hidden_story, storage_roots):
    public_root, private_root = storage_roots
    photo = CustomImage.objects.get(pk=hidden_story.photo_id)
    public_name = photo.file.name.removeprefix("private/")

    assert photo.collection == protected_collection()
    assert photo.file.name.startswith("private/")
    assert files_under(public_root) == set()
    assert files_under(private_root) == {public_name}
    with pytest.raises(Http404):
        public_media_serve(public_name)
    assert not photo.file.url.startswith("/media/")


def test_the_original_and_renditions_answer_editors_only(client, hidden_story, storage_roots):
    public_root, _ = storage_roots
    photo = CustomImage.objects.get(pk=hidden_story.photo_id)
    rendition = photo.get_rendition("width-400")
    with photo.file.open("rb") as stored:
        original_bytes = stored.read()

    assert rendition.file.name.startswith("private/")
    assert files_under(public_root) == set()
    for url in (photo.file.url, rendition.url):
        anonymous = client.get(url, HTTP_HOST="localhost")
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/admin/login/")
    # Signed in to the admin, but without rights on images.
    outsider = get_user_model().objects.create_user("outsider", "outsider@rights.test", "x")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    refused = client.get(photo.file.url, HTTP_HOST="localhost")
    # Wagtail's admin answers PermissionDenied with its "no permission" redirect.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")

    client.force_login(editor())
    response = client.get(photo.file.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    # Reading a streamed answer to its end closes it (and its file).
    assert b"".join(response.streaming_content) == original_bytes
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    rendition_response = client.get(rendition.url, HTTP_HOST="localhost")
    assert rendition_response.status_code == 200
    assert b"".join(rendition_response.streaming_content).startswith(b"\xff\xd8")  # a JPEG


def test_the_api_and_its_search_never_show_a_hidden_face(client, hidden_story):
    photo = hidden_story.photo
    photo.get_rendition("width-400")  # renditions exist, as after an editor saw it
    public = ImageFactory(title="Portrait of a public figure")

    listing = client.get("/api/v2/images/?limit=100", HTTP_HOST="localhost").json()
    found = client.get("/api/v2/images/?search=Portrait", HTTP_HOST="localhost").json()
    detail = client.get(f"/api/v2/images/{photo.pk}/", HTTP_HOST="localhost")
    story = client.get(f"/api/v2/pages/{hidden_story.pk}/?fields=*", HTTP_HOST="localhost")

    assert [item["id"] for item in listing["items"]] == [public.pk]
    assert [item["id"] for item in found["items"]] == [public.pk]
    assert detail.status_code == 404
    assert story.status_code == 200 and story.json()["public_photo"] is None
    text = story.content.decode()
    assert "courtroom" not in text and "Portrait of the lawyer" not in text
    assert "private-images" not in text


def test_a_face_shown_from_a_protected_photo_is_still_not_public(hidden_story):
    hidden_story.show_face = True

    assert hidden_story.public_photo is None


def test_images_follow_their_collection_when_it_becomes_private_and_public_again(
    storage_roots, django_capture_on_commit_callbacks
):
    public_root, private_root = storage_roots
    partners = Collection.get_first_root_node().add_child(name="Partners")
    image = fresh_image(collection=partners)
    image.get_rendition("width-400")
    assert not image.is_private and files_under(private_root) == set()

    restriction = CollectionViewRestriction.objects.create(
        collection=partners, restriction_type=CollectionViewRestriction.LOGIN
    )

    image.refresh_from_db()
    assert image.is_private and not image.renditions.exists()
    assert files_under(public_root) == set()
    assert files_under(private_root) == {image.file.name.removeprefix("private/")}

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()

    image.refresh_from_db()
    assert not image.is_private
    assert files_under(public_root) == {image.file.name}
    assert files_under(private_root) == set()


def test_an_upload_into_the_protected_collection_never_touches_public_storage(
    client, storage_roots
):
    public_root, private_root = storage_roots
    client.force_login(editor())

    response = client.post(
        "/admin/images/add/",
        {
            "title": "Defender at the hearing",
            "description": "A person seen from behind",
            "collection": protected_collection().pk,
            "file": SimpleUploadedFile("defender.jpg", jpeg_with_gps_and_camera_serial()),
        },
        HTTP_HOST="localhost",
    )

    assert response.status_code == 302
    image = CustomImage.objects.get(title="Defender at the hearing")
    assert image.is_private
    assert files_under(public_root) == set()
    assert len(files_under(private_root)) == 1
    with image.file.open("rb") as stored:
        assert b"SERIAL-123456" not in stored.read()


def test_protecting_an_image_again_changes_nothing(hidden_story):
    photo = CustomImage.objects.get(pk=hidden_story.photo_id)
    name = photo.file.name

    assert image_protect(photo) is False
    photo.refresh_from_db()
    assert photo.file.name == name
