import wagtail_factories

from cms.stories.models import DefenderStoryPage, RiskLevel


class DefenderStoryPageFactory(wagtail_factories.PageFactory):
    title = "The lawyer who would not stop"
    display_name = "A defence lawyer"
    real_name = "Real Name"
    summary = "A lawyer who defended defenders."
    story = [{"type": "rich_text", "value": "<p>Story.</p>"}]
    risk_level = RiskLevel.HIGH

    class Meta:
        model = DefenderStoryPage
