"""Demo content and the demo editor account; every function is safe to run twice."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

from cms.home.models import HomePage
from platform_common import conf

DEMO_EDITOR_USERNAME = "editor"
HOME_INTRO = (
    "We support human rights defenders: training, advocacy at the United Nations and in "
    "regional systems, and the Human Rights Monitor news service."
)


@transaction.atomic
def home_page_ensure() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.child_of(root).first()
    if home is None:
        # Wagtail's migrations create a plain "Welcome" page (and a site on it);
        # the demo home page takes its place and its slug.
        Page.objects.child_of(root).exact_type(Page).delete()
        home = HomePage(title="Human rights platform", slug="home", intro=HOME_INTRO)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=8000,
            root_page=home,
            is_default_site=True,
            site_name="Human rights platform",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


def demo_editor_password() -> str:
    """The demo editor's password: from DEMO_EDITOR_PASSWORD, or made once and kept in var/."""
    if password := conf.env.str("DEMO_EDITOR_PASSWORD", default=""):
        return password
    path = conf.service_var_dir("cms") / "demo-editor-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


@transaction.atomic
def demo_editor_ensure(*, password: str):
    """Create (or reset) the demo editor, who may edit, moderate and publish."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_EDITOR_USERNAME,
        defaults={"email": "editor@example.org", "first_name": "Demo", "last_name": "Editor"},
    )
    user.set_password(password)
    user.is_active = True
    user.save()
    user.groups.add(*Group.objects.filter(name__in=["Editors", "Moderators"]))
    return user, created
