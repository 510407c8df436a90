from wagtail.fields import StreamField as WagtailStreamField


class StreamField(WagtailStreamField):
    """A StreamField whose block definitions stay out of migrations.

    Block definitions change often and carry no database schema; keeping them
    in every migration makes migrations huge and noisy.
    """

    def deconstruct(self):
        name, _path, _, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, "cms.core.fields.StreamField", [[]], kwargs
