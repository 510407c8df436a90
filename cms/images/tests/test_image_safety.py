"""Uploaded images lose their metadata and must describe themselves."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cms.images.models import CustomImage

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825


def jpeg_with_gps_and_camera_serial() -> bytes:
    image = Image.new("RGB", (320, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0x013B] = "Field reporter"  # Artist
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (46.0, 13.0, 30.0), 3: "E", 4: (6.0, 8.0, 20.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=b"<x:xmpmeta>creator=Field reporter</x:xmpmeta>")
    return buffer.getvalue()


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def upload(client, data: bytes, **fields):
    return client.post(
        "/admin/images/add/",
        {
            "title": "Protest",
            "collection": 1,
            **fields,
            "file": SimpleUploadedFile("protest.jpg", data, "image/jpeg"),
        },
        HTTP_HOST="localhost",
    )


def test_the_source_photo_really_carries_gps_and_a_serial_number():
    with Image.open(io.BytesIO(jpeg_with_gps_and_camera_serial())) as photo:
        assert photo.getexif().get_ifd(GPS_TAG)
        assert "xmp" in photo.info


def test_an_uploaded_jpeg_is_stored_without_gps_camera_or_author_metadata(editor_client):
    response = upload(
        editor_client, jpeg_with_gps_and_camera_serial(), description="A crowd", credit="Us"
    )

    assert response.status_code == 302, response.content[:500]
    image = CustomImage.objects.get()
    with image.file.open("rb") as stored, Image.open(stored) as photo:
        assert dict(photo.getexif()) == {}
        assert "xmp" not in photo.info
        assert photo.size == (320, 200)
    with image.file.open("rb") as stored:
        assert b"SERIAL-123456" not in stored.read()
    assert image.credit == "Us"


def test_an_upload_without_alt_text_is_refused(editor_client):
    response = upload(editor_client, jpeg_with_gps_and_camera_serial(), description="")

    assert response.status_code == 200
    assert "Alt text is required" in response.content.decode()
    assert not CustomImage.objects.exists()


def test_stripping_keeps_the_picture_upright():
    from django.core.files.base import ContentFile

    from cms.images.services import image_strip_metadata

    image = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)

    cleaned = image_strip_metadata(ContentFile(buffer.getvalue(), name="photo.jpg"))

    with Image.open(cleaned) as result:
        assert result.size == (100, 300)
        assert dict(result.getexif()) == {}
