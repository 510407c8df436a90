from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "cms.images"
    label = "images"
    verbose_name = "Images"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import CollectionViewRestriction

        from cms.images import receivers

        for signal in (post_save, post_delete):
            signal.connect(
                receivers.on_collection_privacy_changed,
                sender=CollectionViewRestriction,
                dispatch_uid=f"cms.images.privacy.{signal is post_save}",
            )
