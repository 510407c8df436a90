from django import forms
from wagtail.images.forms import BaseImageForm

from cms.images.services import image_strip_metadata


class SafeImageForm(BaseImageForm):
    """Every image upload in the admin goes through this form (WAGTAILIMAGES_IMAGE_FORM_BASE)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = True
            self.fields["description"].error_messages["required"] = (
                "Alt text is required: describe what the image shows."
            )
            self.fields["description"].label = "Alt text"
            self.fields[
                "description"
            ].help_text = "Describe the image for people who cannot see it. Required."

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data:
            return image_strip_metadata(file)
        return file

    def clean_description(self):
        description = (self.cleaned_data.get("description") or "").strip()
        if not description:
            raise forms.ValidationError("Alt text is required: describe what the image shows.")
        return description
