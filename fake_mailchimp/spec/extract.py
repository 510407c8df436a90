"""Cut the operations the platform uses out of Mailchimp's full OpenAPI file.

The full file (Mailchimp Marketing API 3.0.76, about 2 MB of YAML) is not part
of the repository, so CI validates requests against this smaller JSON copy:
only the operations in :data:`OPERATIONS`, with every component schema they
reach through ``$ref``, transitively. Run it again after adding an operation::

    python -m fake_mailchimp.spec.extract path/to/marketing-api-3.0.76.yaml

It writes ``marketing-subset.json`` beside this file.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import yaml

OUTPUT = Path(__file__).with_name("marketing-subset.json")

# (path template, method) for every call the platform and its tests make.
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("/ping", "get"),
    ("/lists/{list_id}", "get"),
    ("/lists/{list_id}", "post"),
    ("/lists/{list_id}/interest-categories", "get"),
    ("/lists/{list_id}/interest-categories", "post"),
    ("/lists/{list_id}/interest-categories/{interest_category_id}/interests", "get"),
    ("/lists/{list_id}/interest-categories/{interest_category_id}/interests", "post"),
    ("/lists/{list_id}/members", "get"),
    ("/lists/{list_id}/members/{subscriber_hash}", "get"),
    ("/lists/{list_id}/members/{subscriber_hash}", "put"),
    ("/lists/{list_id}/members/{subscriber_hash}", "patch"),
    ("/lists/{list_id}/members/{subscriber_hash}", "delete"),
    ("/lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent", "post"),
    ("/campaigns", "get"),
    ("/campaigns", "post"),
    ("/campaigns/{campaign_id}", "get"),
    ("/campaigns/{campaign_id}", "patch"),
    ("/campaigns/{campaign_id}", "delete"),
    ("/campaigns/{campaign_id}/content", "get"),
    ("/campaigns/{campaign_id}/content", "put"),
    ("/campaigns/{campaign_id}/actions/test", "post"),
    ("/campaigns/{campaign_id}/actions/schedule", "post"),
    ("/campaigns/{campaign_id}/actions/unschedule", "post"),
    ("/campaigns/{campaign_id}/actions/send", "post"),
    ("/reports/{campaign_id}", "get"),
)

SCHEMA_PREFIX = "#/components/schemas/"

# The upstream file types every merge field value as an object, but Mailchimp
# takes strings and numbers (FNAME, LNAME) as well as address objects: a
# validator following the file literally would refuse every real signup.
ANY_MERGE_FIELD_VALUE = {
    "description": "Corrected by fake_mailchimp: merge field values are strings, numbers "
    "or objects (addresses).",
}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML loader that keeps dates as the strings the JSON original had."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def references(node: Any) -> set[str]:
    """Names of the component schemas ``node`` refers to directly."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            found.add(ref.removeprefix(SCHEMA_PREFIX))
        for value in node.values():
            found |= references(value)
    elif isinstance(node, list):
        for value in node:
            found |= references(value)
    return found


def correct(node: Any) -> Any:
    """Apply the documented corrections (see ``ANY_MERGE_FIELD_VALUE``) in place."""
    if isinstance(node, dict):
        merge_fields = node.get("properties", {}).get("merge_fields")
        if isinstance(merge_fields, dict) and "additionalProperties" in merge_fields:
            merge_fields["additionalProperties"] = dict(ANY_MERGE_FIELD_VALUE)
        for value in node.values():
            correct(value)
    elif isinstance(node, list):
        for value in node:
            correct(value)
    return node


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    """The part of ``spec`` that :data:`OPERATIONS` need, self-contained."""
    paths: dict[str, Any] = {}
    for template, method in OPERATIONS:
        item = spec["paths"][template]
        kept = paths.setdefault(template, {})
        if "parameters" in item:
            kept["parameters"] = copy.deepcopy(item["parameters"])
        kept[method] = copy.deepcopy(item[method])

    schemas = spec["components"]["schemas"]
    wanted: set[str] = set()
    pending = references(paths)
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        pending |= references(schemas[name]) - wanted

    return correct(
        {
            "openapi": spec["openapi"],
            "info": {
                **spec["info"],
                "x-fake-mailchimp": "Subset written by fake_mailchimp/spec/extract.py; "
                "see fake_mailchimp/spec/README.md.",
            },
            "servers": spec["servers"],
            "security": spec["security"],
            "paths": paths,
            "components": {
                "schemas": {name: copy.deepcopy(schemas[name]) for name in sorted(wanted)},
                "securitySchemes": spec["components"]["securitySchemes"],
            },
        }
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="the full Mailchimp OpenAPI file (YAML or JSON)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with args.spec.open(encoding="utf-8") as source:
        spec = yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader without dates
    result = subset(spec)
    args.output.write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.output.name}: {len(OPERATIONS)} operations, "
        f"{len(result['components']['schemas'])} schemas"
    )


if __name__ == "__main__":
    main()
