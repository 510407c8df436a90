import factory

from newsletter_service.campaigns.models import Campaign


class CampaignFactory(factory.django.DjangoModelFactory):
    kind = Campaign.Kind.SINGLE
    subject = factory.Sequence(lambda n: f"Campaign {n}")
    preview_text = "What this is about"
    from_name = "Human Rights Platform"
    reply_to = "newsletter@example.org"
    language = "en"
    interests = factory.LazyFunction(lambda: ["news"])
    page_ids = factory.LazyFunction(lambda: [55])
    created_by = "user:editor"

    class Meta:
        model = Campaign
