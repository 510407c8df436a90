import factory
from wagtail.models import Locale

from cms.taxonomy.models import Country, Person, Programme, SustainableDevelopmentGoal, Theme


class LocalisedFactory(factory.django.DjangoModelFactory):
    locale = factory.LazyFunction(Locale.get_default)


class CountryFactory(LocalisedFactory):
    iso_code = factory.Iterator(["KE", "CN", "EG", "VE", "MN", "CO"])
    name = factory.LazyAttribute(
        lambda o: {
            "KE": "Kenya",
            "CN": "China",
            "EG": "Egypt",
            "VE": "Venezuela",
            "MN": "Mongolia",
            "CO": "Colombia",
        }[o.iso_code]
    )
    region = "africa"

    class Meta:
        model = Country
        django_get_or_create = ("iso_code", "locale")


class ThemeFactory(LocalisedFactory):
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")

    class Meta:
        model = Theme


class ProgrammeFactory(LocalisedFactory):
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")

    class Meta:
        model = Programme


class SdgFactory(LocalisedFactory):
    number = factory.Iterator([5, 10, 16])
    title = factory.LazyAttribute(lambda o: f"Goal {o.number}")

    class Meta:
        model = SustainableDevelopmentGoal
        django_get_or_create = ("number", "locale")


class PersonFactory(LocalisedFactory):
    name = factory.Sequence(lambda n: f"Person {n}")
    role = "Executive Director"

    class Meta:
        model = Person
