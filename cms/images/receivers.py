from wagtail.models import Collection

from cms.images.services import images_privacy_sync


def on_collection_privacy_changed(sender, instance, **kwargs):
    """A collection became private or public: its images' files follow."""
    try:
        collection = Collection.objects.get(pk=instance.collection_id)
    except Collection.DoesNotExist:
        return  # the collection itself is being deleted (and is empty)
    images_privacy_sync(collection)
