from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from cms.stories.models import DefenderStoryPage


@hooks.register("before_publish_page")
def high_risk_story_publish_refuse(request, page):
    """The add-page form publishes with the parent's rights: the story's own rules apply here.

    A high-risk story created with "Publish" is kept as a draft, to go through
    the safety review like any other.
    """
    page = page.specific
    if not isinstance(page, DefenderStoryPage):
        return None
    if page.permissions_for_user(request.user).can_publish():
        return None
    if page.live and page.live_revision_id is None:
        # The add form saved the new page as live, expecting to publish it now.
        DefenderStoryPage.objects.filter(pk=page.pk).update(
            live=False, has_unpublished_changes=True
        )
        page.live = False
    messages.error(
        request,
        f"'{page.title}' was saved as a draft, not published: a high-risk story is published "
        "only after the safety review's two approvals. Submit it for review.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
