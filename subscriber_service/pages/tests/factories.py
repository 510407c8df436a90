import factory
from django.utils import timezone

from subscriber_service.subscriptions import links, tokens
from subscriber_service.subscriptions.models import Interest, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A pending signup; ``subscribed=True`` for one confirmed, ``interests=[...]`` keys."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    class Params:
        subscribed = factory.Trait(
            status=Subscriber.Status.SUBSCRIBED, confirmed_at=factory.LazyFunction(timezone.now)
        )

    email = factory.Sequence(lambda n: f"supporter{n}@example.org")
    language = "en"
    status = Subscriber.Status.PENDING

    @factory.post_generation
    def interests(self, create, keys, **kwargs):
        if create:
            self.interests.set(Interest.objects.filter(key__in=keys or ["news"]))


def confirm_token(subscriber: Subscriber) -> str:
    return tokens.make_token("confirm", str(subscriber.public_id))


def manage_token(subscriber: Subscriber) -> str:
    return links.manage_token(subscriber)
