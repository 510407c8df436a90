"""StreamField bodies of a whole listing, loaded in a query per model instead of per item.

Wagtail turns a body's stored JSON into values lazily, one stream at a time:
each body with image or document blocks queries the images, documents and
pages it names, then every image its renditions. For a listing of bodies that
means a few queries per item. Here the ids that every chooser of every body
names are gathered first (``BodyLoader``), each model is read once for the
whole page of results (images with their renditions, documents, pages: see
``cms.api.queries``), and the blocks are made from those objects, as Wagtail's
own ``bulk_to_python`` would make them.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from wagtail import blocks
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.models import Page


def model_key(block: blocks.ChooserBlock):
    """The model whose rows a chooser names (every page chooser of ``Page`` shares one)."""
    model = block.model_class
    return Page if issubclass(model, Page) and model is Page else model


def _has_chooser(block: blocks.Block, seen: dict[int, bool]) -> bool:
    if id(block) in seen:
        return seen[id(block)]
    if isinstance(block, blocks.ChooserBlock):
        found = True
    elif isinstance(block, blocks.StructBlock):
        found = any(_has_chooser(child, seen) for child in block.child_blocks.values())
    elif isinstance(block, blocks.ListBlock):
        found = _has_chooser(block.child_block, seen)
    else:
        # Nested streams stay lazy (Wagtail's own loading); other blocks query nothing.
        found = False
    seen[id(block)] = found
    return found


def _list_items(block: blocks.ListBlock, raw) -> list[tuple[Any, str | None]]:
    return [
        (item["value"], item["id"]) if block._item_is_in_block_format(item) else (item, None)
        for item in raw or []
    ]


def _pk(value):
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


class BodyLoader:
    """Turns the stored blocks of many StreamField values into values, a query per model."""

    def __init__(self, streams: list[StreamValue]):
        self.streams = [stream for stream in streams if isinstance(stream, StreamValue)]
        self._choosers: dict[int, bool] = {}
        self.ids: dict[Any, set] = defaultdict(set)
        for stream in self.streams:
            for _index, raw in self._pending(stream):
                block = stream.stream_block.child_blocks[raw["type"]]
                if _has_chooser(block, self._choosers):
                    self._collect(block, raw["value"])

    @staticmethod
    def _pending(stream: StreamValue):
        for index, raw in enumerate(stream._raw_data):
            if (
                stream._bound_blocks[index] is None
                and raw is not None
                and raw.get("type") in stream.stream_block.child_blocks
            ):
                yield index, raw

    def _collect(self, block: blocks.Block, raw) -> None:
        if isinstance(block, blocks.ChooserBlock):
            if raw not in (None, ""):
                self.ids[model_key(block)].add(_pk(raw))
        elif isinstance(block, blocks.StructBlock):
            if isinstance(raw, dict):
                for name, child in block.child_blocks.items():
                    if name in raw and _has_chooser(child, self._choosers):
                        self._collect(child, raw[name])
        elif isinstance(block, blocks.ListBlock):
            for value, _id in _list_items(block, raw):
                self._collect(block.child_block, value)

    def bind(self, objects: dict[Any, dict]) -> None:
        """Make every pending block of every stream from ``objects`` (model -> {pk: object}).

        Blocks without choosers are made by Wagtail, one ``bulk_to_python``
        call per block type for all the streams.
        """
        self._seen: set[tuple[Any, Any]] = set()
        plain: dict[str, list[tuple[StreamValue, int, dict]]] = defaultdict(list)
        for stream in self.streams:
            for index, raw in self._pending(stream):
                block = stream.stream_block.child_blocks[raw["type"]]
                if _has_chooser(block, self._choosers):
                    value = self._value(block, raw["value"], objects)
                    stream._bound_blocks[index] = StreamValue.StreamChild(
                        block, value, id=raw.get("id")
                    )
                else:
                    plain[raw["type"]].append((stream, index, raw))
        for entries in plain.values():
            block = entries[0][0].stream_block.child_blocks[entries[0][2]["type"]]
            values = block.bulk_to_python([raw["value"] for _stream, _index, raw in entries])
            for (stream, index, raw), value in zip(entries, values, strict=True):
                stream._bound_blocks[index] = StreamValue.StreamChild(
                    block, value, id=raw.get("id")
                )

    def _value(self, block: blocks.Block, raw, objects: dict[Any, dict]):
        if isinstance(block, blocks.ChooserBlock):
            if raw in (None, ""):
                return None
            key = model_key(block)
            found = objects.get(key, {}).get(_pk(raw))
            if found is None:
                return None
            if key is Page and block.model_class is Page:
                # The specific page from the base row, no query: blocks ask for .specific.
                found = found.specific_deferred
            # As Wagtail does: a distinct object for each use of the same row.
            if (key, found.pk) in self._seen:
                return copy.copy(found)
            self._seen.add((key, found.pk))
            return found
        if isinstance(block, blocks.StructBlock):
            if not isinstance(raw, dict):
                return block.bulk_to_python([raw])[0]
            return block._to_struct_value(
                {
                    name: (
                        self._value(child, raw[name], objects)
                        if name in raw
                        else child.get_default()
                    )
                    for name, child in block.child_blocks.items()
                }
            )
        if isinstance(block, blocks.ListBlock):
            return ListValue(
                block,
                bound_blocks=[
                    ListValue.ListChild(
                        block.child_block, self._value(block.child_block, value, objects), id=id_
                    )
                    for value, id_ in _list_items(block, raw)
                ],
            )
        return block.bulk_to_python([raw])[0]
