from django.apps import AppConfig


class PlatformCommonConfig(AppConfig):
    name = "platform_common"
    verbose_name = "Platform plumbing"

    def ready(self) -> None:
        from platform_common import schema  # noqa: F401 - registers the OpenAPI extension
