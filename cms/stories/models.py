"""Stories of human rights defenders, and what keeps the people in them safe."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import GroupApprovalTask, Page, PagePermissionTester, TaskState, WorkflowState
from wagtail.search import index

from cms.api.serializers import COUNTRY, TAXON, ImageField, TaxonomyField
from cms.core.blocks import BodyBlock
from cms.core.fields import StreamField
from cms.core.preview import HeadlessPreviewPage
from cms.images.services import image_protect


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High: needs a second approval"


def safety_review_approved(page) -> bool:
    """Whether the page's latest revision is the one its latest workflow approved, step by step."""
    state = WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk").first()
    if state is None or state.status != WorkflowState.STATUS_APPROVED:
        return False
    approvals = state.task_states.filter(status=TaskState.STATUS_APPROVED)
    last = approvals.order_by("-finished_at", "-pk").first()
    distinct_approvers = approvals.values("finished_by").distinct().count()
    return (
        last is not None and last.revision_id == page.latest_revision_id and distinct_approvers >= 2
    )


class StoryPermissionTester(PagePermissionTester):
    """Nobody publishes a high-risk story directly: only the finished safety workflow does."""

    def can_publish(self):
        page = self.page.specific
        if RiskLevel.HIGH in (page.risk_level, draft_risk_level(page)):
            return safety_review_approved(page)
        return super().can_publish()


def draft_risk_level(page) -> str | None:
    """The risk level of the draft waiting to be published, if any.

    Publishing (the edit form, bulk actions) publishes the latest revision: a
    live low-risk story whose draft raises the risk needs the review too.
    """
    if not page.has_unpublished_changes or page.latest_revision_id is None:
        return None
    return page.latest_revision.content.get("risk_level")


class DefenderStoryPage(HeadlessPreviewPage, Page):
    display_name = models.CharField(
        max_length=150, help_text="The name or pseudonym shown to the public"
    )
    real_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="Kept for the record; shown only if 'show real name' is ticked",
    )
    country = models.ForeignKey(
        "taxonomy.Country", null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    programme = models.ForeignKey(
        "taxonomy.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    photo = models.ForeignKey(
        "images.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown only if 'show face' is ticked",
    )
    summary = models.TextField(max_length=600)
    story = StreamField(BodyBlock())

    consent_recorded_on = models.DateField(null=True, blank=True)
    consent_recorded_by = models.CharField(
        max_length=150, blank=True, help_text="Staff member who recorded consent"
    )
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.HIGH)
    show_real_name = models.BooleanField(default=False)
    show_face = models.BooleanField(default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("display_name"),
        FieldPanel("summary"),
        FieldPanel("country"),
        FieldPanel("programme"),
        FieldPanel("photo"),
        FieldPanel("story"),
        MultiFieldPanel(
            [
                FieldPanel("risk_level"),
                FieldPanel("consent_recorded_on"),
                FieldPanel("consent_recorded_by"),
                FieldPanel("real_name"),
                FieldPanel("show_real_name"),
                FieldPanel("show_face"),
            ],
            heading="Safety and consent",
        ),
    ]
    # The real name is never indexed: search must not find a story by it.
    search_fields = [
        *Page.search_fields,
        index.SearchField("display_name"),
        index.SearchField("summary"),
        index.SearchField("story"),
    ]
    # Only what the safety fields allow: never the real name, the hidden photo,
    # the risk level or the consent record.
    api_fields = [
        APIField("public_name"),
        APIField("public_photo", serializer=ImageField()),
        APIField("country", serializer=TaxonomyField(attributes=COUNTRY)),
        APIField("programme", serializer=TaxonomyField(attributes=TAXON)),
        APIField("summary"),
        APIField("story"),
    ]
    parent_page_types = ["core.SectionPage"]
    subpage_types = []

    @property
    def public_name(self) -> str:
        return self.real_name if self.show_real_name and self.real_name else self.display_name

    @property
    def public_photo(self):
        if not self.show_face or self.photo is None or self.photo.is_private:
            return None
        return self.photo

    def permissions_for_user(self, user):
        return StoryPermissionTester(user, self)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.photo_protect()

    def save_revision(self, *args, **kwargs):
        revision = super().save_revision(*args, **kwargs)
        # A draft that hides the face protects the photo at once, before any publish.
        self.photo_protect()
        return revision

    def photo_protect(self) -> None:
        """A face that must not be shown: its photo's files leave public storage."""
        if self.photo_id and not self.show_face:
            image_protect(self.photo)

    def clean(self):
        super().clean()
        errors = {}
        if self.show_real_name and not self.real_name:
            errors["real_name"] = "Give the real name, or untick 'show real name'."
        if (self.show_real_name or self.show_face) and not (
            self.consent_recorded_on and self.consent_recorded_by
        ):
            errors["consent_recorded_on"] = (
                "Record when and by whom consent was given before showing a name or face."
            )
        if self.show_face and self.photo_id and self.photo.collection_is_private():
            errors["photo"] = (
                "This photo is in a protected collection, where the photos of hidden faces "
                "go. To show the face, first move the photo to a public collection in the "
                "image library (with the defender's consent recorded)."
            )
        if errors:
            raise ValidationError(errors)


class SecondApprovalTask(GroupApprovalTask):
    """A group approval that the person who approved an earlier step cannot give."""

    class Meta:
        verbose_name = "Second approval by another person"

    @staticmethod
    def approved_earlier(workflow_state, user) -> bool:
        return TaskState.objects.filter(
            workflow_state=workflow_state, status=TaskState.STATUS_APPROVED, finished_by=user
        ).exists()

    def get_actions(self, obj, user):
        state = obj.current_workflow_state
        if state is not None and self.approved_earlier(state, user):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and self.approved_earlier(task_state.workflow_state, user):
            raise PermissionDenied("A second approval must come from another person.")
        return super().on_action(task_state, user, action_name, **kwargs)
