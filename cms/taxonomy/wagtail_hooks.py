from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.taxonomy.models import Country, Person, Programme, SustainableDevelopmentGoal, Theme


class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "site"
    list_display = ["name", "iso_code", "region", "locale"]
    list_filter = ["region", "locale"]
    search_fields = ["name", "iso_code"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug", "locale"]


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "locale"]


class SdgViewSet(SnippetViewSet):
    model = SustainableDevelopmentGoal
    icon = "pick"
    list_display = ["number", "title", "locale"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    list_display = ["name", "role", "locale"]
    list_filter = ["locale"]
    search_fields = ["name", "role"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Taxonomies"
    menu_icon = "folder-inverse"
    items = (CountryViewSet, ThemeViewSet, ProgrammeViewSet, SdgViewSet, PersonViewSet)


register_snippet(TaxonomyGroup)
