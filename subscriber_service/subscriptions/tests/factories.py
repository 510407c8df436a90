import factory
from django.utils import timezone

from subscriber_service.subscriptions.models import Interest, Subscriber


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"interest-{n}")
    labels = factory.LazyAttribute(lambda o: {"en": o.key.title(), "fr": f"{o.key} (fr)"})


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"supporter{n}@rights.org")
    name = factory.Faker("first_name")
    language = "en"
    status = Subscriber.Status.SUBSCRIBED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            self.interests.set(extracted)
