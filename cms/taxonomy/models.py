"""What content is about: countries, themes, programmes, SDGs; and the people who sign it."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Region(models.TextChoices):
    AFRICA = "africa", "Africa"
    AMERICAS = "americas", "Americas"
    ASIA_PACIFIC = "asia-pacific", "Asia and the Pacific"
    EUROPE_CENTRAL_ASIA = "europe-central-asia", "Europe and Central Asia"
    MIDDLE_EAST_NORTH_AFRICA = "mena", "Middle East and North Africa"
    GLOBAL = "global", "Global"


class Country(TranslatableMixin, index.Indexed, models.Model):
    iso_code = models.CharField(
        "ISO 3166-1 code",
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Two capital letters, e.g. KE.")],
    )
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=32, choices=Region.choices)

    panels = [FieldPanel("name"), FieldPanel("iso_code"), FieldPanel("region")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("region"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.UniqueConstraint(fields=["iso_code", "locale"], name="unique_country_per_locale")
        ]

    def __str__(self) -> str:
        return self.name


class Theme(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_theme_slug_per_locale")
        ]

    def __str__(self) -> str:
        return self.name


class Programme(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    summary = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("summary")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "locale"], name="unique_programme_slug_per_locale"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SustainableDevelopmentGoal(TranslatableMixin, models.Model):
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(max_length=150)

    panels = [FieldPanel("number"), FieldPanel("title")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = "Sustainable Development Goal"
        constraints = [
            models.UniqueConstraint(fields=["number", "locale"], name="unique_sdg_per_locale")
        ]

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.title}"


class Person(TranslatableMixin, index.Indexed, models.Model):
    """Someone who writes or signs content: staff, board members, partners."""

    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True, help_text="e.g. Executive Director")
    photo = models.ForeignKey(
        "images.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    biography = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo"), FieldPanel("biography")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name}, {self.role}" if self.role else self.name

    def clean(self):
        super().clean()
        from cms.images.services import image_public_use_error

        if error := image_public_use_error(self.photo):
            raise ValidationError({"photo": error})
