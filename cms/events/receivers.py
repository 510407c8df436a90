"""Signal receivers: turn Wagtail's page signals into publish events.

Which signals fire inside a transaction (Wagtail 8):

- ``page_published`` and ``page_unpublished``: sent by the publish and
  unpublish actions right after the page is saved, in no transaction of
  Wagtail's own; the admin runs them in one (``AdminTransactionMiddleware``).
  ``page_published`` is also sent for a revision scheduled for later: the
  page is then not live and nothing is recorded.
- ``post_page_move``: sent after the move's own ``atomic()`` block has
  committed; the admin's transaction (middleware) holds both.
- Deletion: Wagtail has no signal; Django's ``pre_delete`` fires for every
  page removed (descendants included) inside the deletion's transaction,
  while the page can still be read. Wagtail's own ``pre_delete`` receiver
  then unpublishes it, sending ``page_unpublished``, which is not recorded.

Receivers only record the event (a database write in the caller's
transaction); the work is queued on commit.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.events import selectors, services
from cms.events.models import PublishEventKind


def on_page_published(sender, instance, **kwargs):
    if instance.live:
        services.publish_event_record(kind=PublishEventKind.PUBLISHED, page=instance)


def on_page_unpublished(sender, instance, **kwargs):
    if selectors.page_deletion_recorded(page_id=instance.pk):
        # Wagtail unpublishes each page it deletes, after on_page_deleting
        # recorded the deletion in this transaction: one event is enough.
        return
    services.publish_event_record(kind=PublishEventKind.UNPUBLISHED, page=instance)


def on_page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if not instance.live:
        return
    if url_path_before == url_path_after:
        # Reordered among its siblings: listings change order, the page does not.
        services.content_generation_bump()
        return
    services.publish_event_record(
        kind=PublishEventKind.MOVED, page=instance, url_path_before=url_path_before
    )


def on_page_deleting(sender, instance, **kwargs):
    # Django sends pre_delete for the specific page first, then for its base
    # Page row, which Wagtail's own receiver unpublishes: record the first.
    if isinstance(instance, Page) and type(instance) is not Page and instance.live:
        services.publish_event_record(kind=PublishEventKind.DELETED, page=instance)


def on_shared_content_changed(sender, instance, **kwargs):
    """Images, documents and taxonomies show inside pages: their changes are live at once.

    So are view restrictions: a page (or a collection's images and documents)
    made private must leave every cached answer at once, not at the next publish.
    """
    services.content_generation_bump()


def restriction_models():
    from wagtail.models import CollectionViewRestriction, PageViewRestriction

    return [PageViewRestriction, CollectionViewRestriction]


def shared_content_models():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from cms.taxonomy.models import Country, Person, Programme, SustainableDevelopmentGoal, Theme

    return [
        *restriction_models(),
        get_image_model(),
        get_document_model(),
        Country,
        Theme,
        Programme,
        SustainableDevelopmentGoal,
        Person,
    ]


def connect() -> None:
    page_published.connect(on_page_published, dispatch_uid="cms.events.published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="cms.events.unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="cms.events.moved")
    pre_delete.connect(on_page_deleting, dispatch_uid="cms.events.deleting")
    for model in shared_content_models():
        for signal in (post_save, post_delete):
            signal.connect(
                on_shared_content_changed,
                sender=model,
                dispatch_uid=f"cms.events.shared.{signal is post_save}.{model._meta.label}",
            )
    # Which groups may see a restricted page or collection: a change of the list is a change
    # of who may see it.
    for model in restriction_models():
        m2m_changed.connect(
            on_shared_content_changed,
            sender=model.groups.through,
            dispatch_uid=f"cms.events.restriction-groups.{model._meta.label}",
        )
