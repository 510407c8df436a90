from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from cms.core.blocks import KeyFigureBlock


class GoalBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "success"


class ValueBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=100)
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "heart"


class ConsultationBlock(blocks.StructBlock):
    """How a strategy was made: who was consulted, where, how."""

    participants = blocks.IntegerBlock(min_value=0, required=False)
    countries = blocks.IntegerBlock(min_value=0, required=False)
    description = blocks.TextBlock()

    class Meta:
        icon = "group"


class LinkedDocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False)

    class Meta:
        icon = "doc-full"


class StrategyBlock(blocks.StreamBlock):
    goal = GoalBlock()
    tactic = blocks.CharBlock(max_length=255, icon="cog")
    value = ValueBlock()
    figure = KeyFigureBlock()
    consultation = ConsultationBlock()
    document = LinkedDocumentBlock()
