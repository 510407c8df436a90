"""Creating pages through the Wagtail admin's add-page form, as an editor's browser would.

The data has the shape Wagtail's admin posts (``wagtail.test.utils.form_data``);
these helpers add what those leave out: list blocks, multiple-choice values
and reading the errors of a refused form.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.core.blocks import RICH_TEXT_FEATURES

__all__ = [
    "add_page",
    "editor",
    "form_errors",
    "inline_formset",
    "listblock",
    "nested_form_data",
    "rich",
    "stream_errors",
    "streamfield",
]


def editor(username: str = "editor", *groups: str):
    """A user of the admin with only what their groups give (Editors and Moderators by default)."""
    user = get_user_model().objects.create_user(username, f"{username}@rights.test", "unused")
    user.groups.add(*Group.objects.filter(name__in=groups or ("Editors", "Moderators")))
    return user


def rich(html: str) -> str:
    """Rich text as the admin's editor posts it."""
    return rich_text(html, features=RICH_TEXT_FEATURES)


def listblock(items: list[Any]) -> dict[str, Any]:
    """A ListBlock's form data, for use inside ``nested_form_data``."""
    data: dict[str, Any] = {
        str(index): {"value": value, "deleted": "", "order": str(index), "id": ""}
        for index, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def add_page(client, parent: Page, model: type[Page], data: dict[str, Any], *, publish=False):
    """POST the add-page form of ``model`` under ``parent``; publish, or save a draft."""
    meta = model._meta
    if publish:
        data = {**data, "action-publish": "action-publish"}
    return client.post(
        f"/admin/pages/add/{meta.app_label}/{meta.model_name}/{parent.pk}/",
        data,
        HTTP_HOST="localhost",
    )


def form_errors(response) -> dict[str, list[str]]:
    """The field errors of a refused add-page form (its page is re-shown, status 200)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    errors = {name: [str(message) for message in field] for name, field in form.errors.items()}
    for name, formset in getattr(form, "formsets", {}).items():
        messages = [str(error) for error in formset.non_form_errors()]
        messages += [str(error) for errors in formset.errors for error in errors.values()]
        if messages:
            errors[name] = messages
    assert errors, "the form was refused without any error"
    return errors


def stream_errors(response, field: str) -> dict[int, dict[str, str]]:
    """The errors of each refused block of a StreamField, by block index and child name."""
    (error,) = response.context["form"].errors.as_data()[field]
    return {
        index: {
            name: " ".join(message.messages) for name, message in block_error.block_errors.items()
        }
        for index, block_error in error.block_errors.items()
    }
