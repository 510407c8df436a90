from django.urls import path
from wagtail import hooks

from cms.images.views import private_image_file


@hooks.register("register_admin_urls")
def private_image_urls():
    # Admin URLs require a signed-in user with admin access before the view runs.
    return [path("private-images/<path:name>", private_image_file, name="private_image_file")]
