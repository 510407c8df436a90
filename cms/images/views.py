"""The files of protected images, for the editors allowed to see them."""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from wagtail.images import get_image_model

from cms.images.models import Rendition
from cms.images.storage import PRIVATE_PREFIX, image_storage


def private_image_file(request, name: str):
    """A protected original or rendition, to users who may choose or change that image.

    Mounted in the admin (``wagtail_hooks``), so anonymous users are sent to
    the login page first; never cached by browsers or proxies.
    """
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_image_model())
    stored_name = PRIVATE_PREFIX + name
    image = get_image_model().objects.filter(file=stored_name).first()
    if image is None:
        rendition = Rendition.objects.select_related("image").filter(file=stored_name).first()
        if rendition is None:
            raise Http404("No such image file.")
        image = rendition.image
    if not permission_policy.user_has_any_permission_for_instance(
        request.user, ["choose", "change"], image
    ):
        raise PermissionDenied
    try:
        file = image_storage().open(stored_name, "rb")
    except FileNotFoundError as error:
        raise Http404("No such image file.") from error
    content_type = mimetypes.guess_type(stored_name)[0] or "application/octet-stream"
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
