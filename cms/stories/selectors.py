from django.db.models import QuerySet

from cms.stories.models import DefenderStoryPage


def story_list() -> QuerySet[DefenderStoryPage]:
    return (
        DefenderStoryPage.objects.live()
        .public()
        .select_related("country", "programme")
        .order_by("-first_published_at")
    )
