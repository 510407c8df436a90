"""The fake's in-memory Mailchimp account: one audience, its members, campaigns and reports.

It knows nothing of HTTP: each method takes the parsed path parameters, query
and body of one operation and returns the JSON answer, or raises
:class:`~fake_mailchimp.problems.Problem` with the error Mailchimp would give.
Callers hold :attr:`Store.lock` around every call, which keeps it thread-safe.
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from fake_mailchimp import validation
from fake_mailchimp.problems import Problem, invalid_resource, not_found

DEFAULT_INVALID_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
DEFAULT_MERGE_FIELDS = ("FNAME", "LNAME", "ADDRESS", "PHONE", "BIRTHDAY")
BATCH_LIMIT = 500

_EMAIL = re.compile(r"^[^@\s]+@(?P<domain>[^@\s]+\.[^@\s.]+)$")
_MEMBER_WRITABLE = (
    "email_type",
    "language",
    "vip",
    "ip_signup",
    "timestamp_signup",
    "ip_opt",
    "timestamp_opt",
)


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the MD5 hex digest of the lower-cased address."""
    return hashlib.md5(email.lower().encode("utf-8"), usedforsecurity=False).hexdigest()


def _clone(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists and immutable leaves), without deepcopy's memo.

    ``copy.deepcopy`` was most of the cost of a 500-member batch; members hold only
    what JSON can, so this copy is the same and several times cheaper.
    """
    if type(value) is dict:
        return {key: _clone(item) for key, item in value.items()}
    if type(value) is list:
        return [_clone(item) for item in value]
    return value


# Ids of the fake's own objects: random like Mailchimp's, but they guard nothing, so they
# come from a seeded generator rather than the system's (two calls per new member).
_ids = random.Random()  # noqa: S311


def _short_id() -> str:
    return _random_hex(10)


def _random_hex(digits: int) -> str:
    return f"{_ids.getrandbits(digits * 4):0{digits}x}"


def _iso(moment: datetime) -> str:
    # Mailchimp answers times to the second, always in UTC with an explicit offset.
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_time(value: str) -> datetime:
    """An ISO 8601 time as Mailchimp reads it: without an offset it is UTC."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _schema_keys(name: str) -> tuple[str, ...]:
    return tuple(validation.spec()["components"]["schemas"][name]["properties"])


# What a batch answer shows of each member ("List Members_5" in the spec).
_BATCH_MEMBER_KEYS = _schema_keys("List Members_5")


def _page(items: list[Any], query: dict[str, str]) -> list[Any]:
    offset = int(query.get("offset", 0))
    return items[offset : offset + int(query.get("count", 10))]


class Store:
    """One Mailchimp account with one audience (``list_id``)."""

    def __init__(
        self,
        *,
        list_id: str,
        list_name: str = "Supporters",
        invalid_domains: Iterable[str] = DEFAULT_INVALID_DOMAINS,
        merge_fields: Iterable[str] = DEFAULT_MERGE_FIELDS,
        clock: Callable[[], datetime] | None = None,
        sending_seconds: float = 0.0,
    ) -> None:
        self.lock = threading.RLock()
        self.list_id = list_id
        self.list_name = list_name
        self.invalid_domains = {domain.lower() for domain in invalid_domains}
        self.merge_fields = tuple(merge_fields)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sending_seconds = sending_seconds
        self.reset()

    def reset(self) -> None:
        """Forget every member, interest, campaign and report; keep the audience."""
        with self.lock:
            self.created = _iso(self.clock())
            self.members: dict[str, dict[str, Any]] = {}
            self.forgotten: set[str] = set()
            self.categories: dict[str, dict[str, Any]] = {}
            self.interests: dict[str, dict[str, Any]] = {}
            self.marketing_permissions: dict[str, str] = {}
            self.campaigns: dict[str, dict[str, Any]] = {}
            self.test_sends: list[dict[str, Any]] = []
            self._web_ids = 1000

    def _next_web_id(self) -> int:
        self._web_ids += 1
        return self._web_ids

    def _check_list(self, list_id: str) -> None:
        if list_id != self.list_id:
            raise not_found()

    # Audience ------------------------------------------------------------------------------

    def get_list(self, list_id: str) -> dict[str, Any]:
        self._check_list(list_id)
        counts = {"subscribed": 0, "unsubscribed": 0, "cleaned": 0}
        for member in self.members.values():
            if member["status"] in counts:
                counts[member["status"]] += 1
        sent = [c for c in self.campaigns.values() if c["status"] in ("sending", "sent")]
        return {
            "id": self.list_id,
            "web_id": 1,
            "name": self.list_name,
            "contact": {
                "company": "",
                "address1": "",
                "address2": "",
                "city": "",
                "state": "",
                "zip": "",
                "country": "",
                "phone": "",
            },
            "permission_reminder": "",
            "use_archive_bar": True,
            "campaign_defaults": {"from_name": "", "from_email": "", "subject": "", "language": ""},
            "notify_on_subscribe": "",
            "notify_on_unsubscribe": "",
            "date_created": self.created,
            "list_rating": 0,
            "email_type_option": False,
            "subscribe_url_short": "",
            "subscribe_url_long": "",
            "beamer_address": "",
            "visibility": "prv",
            "double_optin": False,
            "has_welcome": False,
            "marketing_permissions": bool(self.marketing_permissions),
            "modules": [],
            "stats": {
                "member_count": counts["subscribed"],
                "total_contacts": len(self.members),
                "unsubscribe_count": counts["unsubscribed"],
                "cleaned_count": counts["cleaned"],
                "member_count_since_send": 0,
                "unsubscribe_count_since_send": 0,
                "cleaned_count_since_send": 0,
                "campaign_count": len(sent),
                "campaign_last_sent": max((c["send_time"] for c in sent), default=""),
                "merge_field_count": len(self.merge_fields),
                "avg_sub_rate": 0,
                "avg_unsub_rate": 0,
                "target_sub_rate": 0,
                "open_rate": 0,
                "click_rate": 0,
                "last_sub_date": "",
                "last_unsub_date": "",
            },
            "_links": [],
        }

    def add_marketing_permission(self, text: str) -> str:
        permission_id = _short_id()
        self.marketing_permissions[permission_id] = text
        return permission_id

    # Interest categories and interests -----------------------------------------------------

    def list_categories(self, list_id: str, query: dict[str, str]) -> dict[str, Any]:
        self._check_list(list_id)
        categories = [copy.deepcopy(c) for c in self.categories.values()]
        if "type" in query:
            categories = [c for c in categories if c["type"] == query["type"]]
        return {
            "list_id": list_id,
            "categories": _page(categories, query),
            "total_items": len(categories),
            "_links": [],
        }

    def add_category(self, list_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self._check_list(list_id)
        if any(c["title"] == body["title"] for c in self.categories.values()):
            raise invalid_resource(
                [{"field": "title", "message": "An interest category with this title exists."}],
                detail=f'Cannot add "{body["title"]}" because it already exists on the list.',
            )
        category = {
            "list_id": list_id,
            "id": _short_id(),
            "title": body["title"],
            "display_order": body.get("display_order", len(self.categories)),
            "type": body["type"],
            "_links": [],
        }
        self.categories[category["id"]] = category
        return copy.deepcopy(category)

    def _category(self, list_id: str, category_id: str) -> dict[str, Any]:
        self._check_list(list_id)
        if category_id not in self.categories:
            raise not_found()
        return self.categories[category_id]

    def list_interests(
        self, list_id: str, category_id: str, query: dict[str, str]
    ) -> dict[str, Any]:
        self._category(list_id, category_id)
        interests = [
            self._render_interest(i)
            for i in self.interests.values()
            if i["category_id"] == category_id
        ]
        return {
            "interests": _page(interests, query),
            "list_id": list_id,
            "category_id": category_id,
            "total_items": len(interests),
            "_links": [],
        }

    def add_interest(self, list_id: str, category_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self._category(list_id, category_id)
        siblings = [i for i in self.interests.values() if i["category_id"] == category_id]
        if any(i["name"] == body["name"] for i in siblings):
            raise invalid_resource(
                [{"field": "name", "message": "An interest with this name exists."}],
                detail=f'Cannot add "{body["name"]}" because it already exists on the list.',
            )
        interest = {
            "category_id": category_id,
            "list_id": list_id,
            "id": _short_id(),
            "name": body["name"],
            "display_order": body.get("display_order", len(siblings)),
        }
        self.interests[interest["id"]] = interest
        return self._render_interest(interest)

    def _render_interest(self, interest: dict[str, Any]) -> dict[str, Any]:
        count = sum(
            1
            for m in self.members.values()
            if m["status"] == "subscribed" and m["interests"].get(interest["id"])
        )
        return {**interest, "subscriber_count": str(count), "_links": []}

    # Members -------------------------------------------------------------------------------

    def _check_email(self, email: str) -> None:
        matched = _EMAIL.match(email)
        if not matched or matched.group("domain").lower() in self.invalid_domains:
            raise invalid_resource(
                [{"field": "email_address", "message": "This value is not a valid email address."}],
                detail=f"{email} looks fake or invalid, please enter a real email address.",
            )

    def _check_not_forgotten(self, email: str, member_hash: str | None = None) -> None:
        if (member_hash or subscriber_hash(email)) in self.forgotten:
            raise Problem(
                400,
                "Forgotten Email Not Subscribed",
                f"{email} was permanently deleted and cannot be re-imported. "
                "The contact must re-subscribe to get back on the list.",
            )

    def _member_hash(self, list_id: str, path_hash: str) -> str:
        self._check_list(list_id)
        # The path also takes the address itself, as Mailchimp's does.
        return subscriber_hash(path_hash) if "@" in path_hash else path_hash.lower()

    def _known_member(self, list_id: str, path_hash: str) -> dict[str, Any]:
        member = self.members.get(self._member_hash(list_id, path_hash))
        if member is None:
            raise not_found()
        return member

    def _new_member(
        self, email: str, status: str, member_hash: str | None = None
    ) -> dict[str, Any]:
        return {
            "id": member_hash or subscriber_hash(email),
            "email_address": email,
            "unique_email_id": _short_id(),
            "contact_id": _random_hex(32),
            "web_id": self._next_web_id(),
            "email_type": "html",
            "status": status,
            "merge_fields": {},
            "interests": {},
            "ip_signup": "",
            "timestamp_signup": "",
            "ip_opt": "",
            "timestamp_opt": "",
            "member_rating": 2,
            "last_changed": "",
            "language": "",
            "vip": False,
            "location": {"latitude": 0, "longitude": 0},
            "marketing_permissions": {},
            "source": "API - Generic",
        }

    def _apply(self, member: dict[str, Any], body: dict[str, Any]) -> None:
        """Write the member fields of a PUT, PATCH or batch item onto ``member``."""
        unknown = [i for i in body.get("interests", {}) if i not in self.interests]
        if unknown:
            raise invalid_resource(
                [{"field": "interests", "message": f"Invalid interest ID: '{unknown[0]}'."}],
                detail=f"Invalid interest ID: '{unknown[0]}'.",
            )
        permissions = body.get("marketing_permissions", [])
        strangers = [
            p.get("marketing_permission_id")
            for p in permissions
            if p.get("marketing_permission_id") not in self.marketing_permissions
        ]
        if strangers:
            raise invalid_resource(
                [{"field": "marketing_permissions", "message": "Invalid marketing permission."}],
                detail=f"Invalid marketing permission ID: '{strangers[0]}'.",
            )
        for key in _MEMBER_WRITABLE:
            if key in body:
                member[key] = body[key]
        # Like Mailchimp, tags the audience does not define are dropped.
        member["merge_fields"].update(
            {
                tag: value
                for tag, value in body.get("merge_fields", {}).items()
                if tag in self.merge_fields
            }
        )
        member["interests"].update(body.get("interests", {}))
        for permission in permissions:
            member["marketing_permissions"][permission["marketing_permission_id"]] = bool(
                permission.get("enabled", False)
            )
        if "location" in body:
            member["location"].update(
                {k: body["location"][k] for k in ("latitude", "longitude") if k in body["location"]}
            )

    def _set_status(self, member: dict[str, Any], status: str, now: str | None = None) -> None:
        if status == "subscribed" and member["status"] != "subscribed":
            member["timestamp_opt"] = member["timestamp_opt"] or now or _iso(self.clock())
        member["status"] = status

    def _save(self, member: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
        self._store(member, before)
        return self.render_member(member)

    def _store(
        self, member: dict[str, Any], before: dict[str, Any] | None, now: str | None = None
    ) -> None:
        # last_changed moves only when something did change, so sync cursors stay exact.
        if before is None or before != {**member, "last_changed": before["last_changed"]}:
            member["last_changed"] = now or _iso(self.clock())
        self.members[member["id"]] = member

    def _computed_fields(self, member: dict[str, Any], *, in_batch: bool = False) -> dict[str, Any]:
        """The fields of a rendered member that are not stored as they are shown.

        ``in_batch``: as a batch answer lists them (schema "List Members_5"), whose
        location has no region and which has no marketing permissions.
        """
        merge_fields = {tag: "" for tag in self.merge_fields} | _clone(member["merge_fields"])
        full_name = f"{merge_fields.get('FNAME', '')} {merge_fields.get('LNAME', '')}".strip()
        chosen = member["interests"]
        location = {
            **member["location"],
            "gmtoff": 0,
            "dstoff": 0,
            "country_code": "",
            "timezone": "",
        }
        if not in_batch:
            location["region"] = ""
        computed = {
            "full_name": full_name,
            "unsubscribe_reason": "N/A (Unsubscribed by API)"
            if member["status"] == "unsubscribed"
            else "",
            "consents_to_one_to_one_messaging": True,
            "merge_fields": merge_fields,
            "interests": {i: bool(chosen.get(i, False)) for i in self.interests},
            "stats": {"avg_open_rate": 0, "avg_click_rate": 0},
            "email_client": "",
            "location": location,
        }
        if not in_batch:
            computed["marketing_permissions"] = [
                {
                    "marketing_permission_id": permission_id,
                    "text": text,
                    "enabled": member["marketing_permissions"].get(permission_id, False),
                }
                for permission_id, text in self.marketing_permissions.items()
            ]
        computed.update(tags_count=0, tags=[], list_id=self.list_id, _links=[])
        return computed

    def render_member(self, member: dict[str, Any]) -> dict[str, Any]:
        computed = self._computed_fields(member)
        return {
            # Computed fields keep the place the stored ones have, with their computed value.
            **{
                k: v if k in computed else _clone(v)
                for k, v in member.items()
                if k != "marketing_permissions"
            },
            **computed,
        }

    def _batch_entry(self, member: dict[str, Any]) -> dict[str, Any]:
        """The member as a batch answer lists it (schema "List Members_5"), rendered once."""
        computed = self._computed_fields(member, in_batch=True)
        entry = {}
        for key in _BATCH_MEMBER_KEYS:
            if key in computed:
                entry[key] = computed[key]
            elif key in member:
                value = member[key]
                # Stored scalars are shared as they are; only containers are copied.
                entry[key] = _clone(value) if type(value) in (dict, list) else value
        return entry

    def get_member(self, list_id: str, path_hash: str) -> dict[str, Any]:
        return self.render_member(self._known_member(list_id, path_hash))

    def put_member(self, list_id: str, path_hash: str, body: dict[str, Any]) -> dict[str, Any]:
        member_hash = self._member_hash(list_id, path_hash)
        email = body["email_address"]
        if subscriber_hash(email) != member_hash:
            raise invalid_resource(
                [
                    {
                        "field": "email_address",
                        "message": "The subscriber hash in the URL does not match this address.",
                    }
                ],
                detail="The email address in the request body does not match the subscriber "
                "hash in the URL.",
            )
        self._check_email(email)
        self._check_not_forgotten(email)
        existing = self.members.get(member_hash)
        if existing is None or existing["status"] == "archived":
            member = existing or self._new_member(email, body["status_if_new"])
            before = _clone(existing) if existing else None
            self._apply(member, body)
            self._set_status(member, body["status_if_new"])
            return self._save(member, before)
        before = _clone(existing)
        self._apply(existing, body)
        if "status" in body:
            self._set_status(existing, body["status"])
        return self._save(existing, before)

    def patch_member(self, list_id: str, path_hash: str, body: dict[str, Any]) -> dict[str, Any]:
        member = self._known_member(list_id, path_hash)
        before = _clone(member)
        new_email = body.get("email_address", member["email_address"])
        if subscriber_hash(new_email) != member["id"]:
            self._check_email(new_email)
            self._check_not_forgotten(new_email)
            if subscriber_hash(new_email) in self.members:
                raise Problem(400, "Member Exists", f"{new_email} is already a list member.")
        self._apply(member, body)
        if "status" in body:
            self._set_status(member, body["status"])
        if new_email != member["email_address"]:
            del self.members[member["id"]]
            member["email_address"] = new_email
            member["id"] = subscriber_hash(new_email)
        return self._save(member, before)

    def archive_member(self, list_id: str, path_hash: str) -> None:
        member = self._known_member(list_id, path_hash)
        before = _clone(member)
        member["status"] = "archived"
        self._save(member, before)

    def forget_member(self, list_id: str, path_hash: str) -> None:
        member = self._known_member(list_id, path_hash)
        del self.members[member["id"]]
        self.forgotten.add(member["id"])

    def list_members(self, list_id: str, query: dict[str, str]) -> dict[str, Any]:
        self._check_list(list_id)
        members = list(self.members.values())
        status = query.get("status")
        # Archived contacts are left out unless asked for, as in Mailchimp.
        members = [
            m
            for m in members
            if m["status"] == status or (not status and m["status"] != "archived")
        ]
        for parameter, key, after in (
            ("since_last_changed", "last_changed", True),
            ("before_last_changed", "last_changed", False),
            ("since_timestamp_opt", "timestamp_opt", True),
            ("before_timestamp_opt", "timestamp_opt", False),
        ):
            if query.get(parameter):
                bound = parse_time(query[parameter])
                members = [
                    m
                    for m in members
                    if m[key]
                    and (parse_time(m[key]) > bound if after else parse_time(m[key]) < bound)
                ]
        if query.get("unique_email_id"):
            members = [m for m in members if m["unique_email_id"] == query["unique_email_id"]]
        if query.get("vip_only", "").lower() == "true":
            members = [m for m in members if m["vip"]]
        if query.get("interest_ids"):
            wanted = query["interest_ids"].split(",")
            match = query.get("interest_match", "any")
            members = [m for m in members if self._interest_test(m, wanted, match)]
        if query.get("sort_field"):
            members.sort(
                key=lambda m: m[query["sort_field"]], reverse=query.get("sort_dir") == "DESC"
            )
        return {
            "members": [self.render_member(m) for m in _page(members, query)],
            "list_id": list_id,
            "total_items": len(members),
            "_links": [],
        }

    def batch(self, list_id: str, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        self._check_list(list_id)
        items = body["members"]
        if len(items) > BATCH_LIMIT:
            raise invalid_resource(
                [
                    {
                        "field": "members",
                        "message": f"Up to {BATCH_LIMIT} members may be added or updated "
                        f"with each call; got {len(items)}.",
                    }
                ]
            )
        update_existing = bool(body.get("update_existing", False))
        skip_duplicates = query.get("skip_duplicate_check", "").lower() == "true"
        # One batch is one moment: its members change at the same second.
        now = _iso(self.clock())
        created, updated, errors, seen = [], [], [], set()
        for item in items:
            email = item.get("email_address", "")
            try:
                member_hash = subscriber_hash(email)
                if member_hash in seen and not skip_duplicates:
                    raise Problem(
                        400, "Bad Request", f"{email} appears more than once in this batch."
                    )
                seen.add(member_hash)
                self._check_email(email)
                self._check_not_forgotten(email, member_hash)
                existing = self.members.get(member_hash)
                if existing is not None and existing["status"] != "archived":
                    if not update_existing:
                        errors.append(
                            {
                                "email_address": email,
                                "error": f"{email} is already a list member. "
                                "Use PUT to insert or update list members.",
                                "error_code": "ERROR_CONTACT_EXISTS",
                            }
                        )
                        continue
                    before = _clone(existing)
                    self._apply(existing, item)
                    if "status" in item:
                        self._set_status(existing, item["status"], now)
                    member, bucket = existing, updated
                else:
                    if "status" not in item:
                        raise Problem(400, "Bad Request", "A status is required for new members.")
                    member = existing or self._new_member(email, item["status"], member_hash)
                    before = _clone(existing) if existing else None
                    self._apply(member, item)
                    self._set_status(member, item["status"], now)
                    bucket = created
                self._store(member, before, now)
                bucket.append(self._batch_entry(member))
            except Problem as problem:
                errors.append(
                    {"email_address": email, "error": problem.detail, "error_code": "ERROR_GENERIC"}
                )
        return {
            "new_members": created,
            "updated_members": updated,
            "errors": errors,
            "total_created": len(created),
            "total_updated": len(updated),
            "error_count": len(errors),
            "_links": [],
        }

    # Segments ------------------------------------------------------------------------------

    def _interest_test(self, member: dict[str, Any], wanted: list[str], match: str) -> bool:
        chosen = {i for i, on in member["interests"].items() if on}
        hits = [i in chosen for i in wanted]
        if match in ("all", "interestcontainsall"):
            return all(hits)
        if match in ("none", "interestnotcontains"):
            return not any(hits)
        return any(hits)

    def _check_segment(self, segment_opts: dict[str, Any] | None) -> None:
        for condition in (segment_opts or {}).get("conditions", []):
            kind = condition.get("condition_type")
            if kind == "Interests":
                category = str(condition.get("field", "")).removeprefix("interests-")
                if category not in self.categories:
                    raise invalid_resource(
                        [
                            {
                                "field": "recipients.segment_opts.conditions",
                                "message": "Unknown field.",
                            }
                        ],
                        detail=f"Invalid interest category in field {condition.get('field')!r}.",
                    )
            elif kind != "Language":
                raise invalid_resource(
                    [{"field": "recipients.segment_opts.conditions", "message": "Not evaluated."}],
                    detail=f"The fake Mailchimp evaluates Interests and Language conditions "
                    f"only, not {kind!r}.",
                )

    def _matches(self, member: dict[str, Any], segment_opts: dict[str, Any] | None) -> bool:
        conditions = (segment_opts or {}).get("conditions") or []
        if not conditions:
            return True
        results = []
        for condition in conditions:
            if condition["condition_type"] == "Interests":
                results.append(self._interest_test(member, condition["value"], condition["op"]))
            else:
                same = member["language"] == condition["value"]
                results.append(same if condition["op"] == "is" else not same)
        # The segment builder's default, like Mailchimp's, is to match any condition.
        return all(results) if segment_opts.get("match", "any") == "all" else any(results)

    def recipients(self, campaign: dict[str, Any]) -> list[str]:
        """Addresses a send of ``campaign`` reaches now: subscribed members its segment matches."""
        segment = campaign["recipients"].get("segment_opts")
        return [
            m["email_address"]
            for m in self.members.values()
            if m["status"] == "subscribed" and self._matches(m, segment)
        ]

    # Campaigns -----------------------------------------------------------------------------

    def advance(self) -> None:
        """Deliver scheduled campaigns whose time has come and finish sending ones."""
        now = self.clock()
        for campaign in self.campaigns.values():
            if campaign["status"] == "schedule" and parse_time(campaign["send_time"]) <= now:
                self._deliver(campaign, parse_time(campaign["send_time"]))
            if campaign["status"] == "sending" and now >= campaign["sending_until"]:
                campaign["status"] = "sent"

    def _deliver(self, campaign: dict[str, Any], moment: datetime) -> None:
        campaign["sent_to"] = self.recipients(campaign)
        campaign["emails_sent"] = len(campaign["sent_to"])
        campaign["send_time"] = _iso(moment)
        campaign["sending_until"] = moment + timedelta(seconds=self.sending_seconds)
        campaign["status"] = "sending" if self.sending_seconds > 0 else "sent"

    def _campaign(self, campaign_id: str) -> dict[str, Any]:
        self.advance()
        if campaign_id not in self.campaigns:
            raise not_found()
        return self.campaigns[campaign_id]

    def render_campaign(self, campaign: dict[str, Any]) -> dict[str, Any]:
        recipients = campaign["recipients"]
        sent = campaign["status"] in ("sending", "sent")
        count = campaign["emails_sent"] if sent else len(self.recipients(campaign))
        answer = {
            "id": campaign["id"],
            "web_id": campaign["web_id"],
            "type": campaign["type"],
            "create_time": campaign["create_time"],
            "archive_url": f"https://mailchi.mp/fake/{campaign['id']}",
            "long_archive_url": f"https://us1.campaign-archive.com/?id={campaign['id']}",
            "status": campaign["status"],
            "emails_sent": campaign["emails_sent"],
            "send_time": campaign["send_time"],
            "content_type": campaign["content_type"],
            "needs_block_refresh": False,
            "resendable": False,
            "recipients": {
                "list_id": recipients["list_id"],
                "list_is_active": True,
                "list_name": self.list_name,
                "segment_text": "",
                "recipient_count": count,
                **(
                    {"segment_opts": copy.deepcopy(recipients["segment_opts"])}
                    if "segment_opts" in recipients
                    else {}
                ),
            },
            "settings": copy.deepcopy(campaign["settings"]),
            "tracking": copy.deepcopy(campaign["tracking"]),
            "delivery_status": {"enabled": False},
            "_links": [],
        }
        if sent:
            report = self.render_report(campaign)
            answer["report_summary"] = {
                "opens": report["opens"]["opens_total"],
                "unique_opens": report["opens"]["unique_opens"],
                "open_rate": report["opens"]["open_rate"],
                "clicks": report["clicks"]["clicks_total"],
                "subscriber_clicks": report["clicks"]["unique_subscriber_clicks"],
                "click_rate": report["clicks"]["click_rate"],
                "ecommerce": {"total_orders": 0, "total_spent": 0, "total_revenue": 0},
            }
        return answer

    def _write_campaign(self, campaign: dict[str, Any], body: dict[str, Any]) -> None:
        recipients = body.get("recipients")
        if recipients is not None:
            if recipients["list_id"] != self.list_id:
                raise invalid_resource(
                    [{"field": "recipients.list_id", "message": "The list does not exist."}]
                )
            self._check_segment(recipients.get("segment_opts"))
            campaign["recipients"] = copy.deepcopy(recipients)
        writable = set(_schema_keys("Campaign Settings_2"))
        campaign["settings"].update(
            {k: v for k, v in body.get("settings", {}).items() if k in writable}
        )
        campaign["tracking"].update(copy.deepcopy(body.get("tracking", {})))
        if "content_type" in body:
            campaign["content_type"] = body["content_type"]

    def list_campaigns(self, query: dict[str, str]) -> dict[str, Any]:
        self.advance()
        campaigns = list(self.campaigns.values())
        for key in ("status", "type"):
            if query.get(key):
                campaigns = [c for c in campaigns if c[key] == query[key]]
        if query.get("list_id"):
            campaigns = [c for c in campaigns if c["recipients"]["list_id"] == query["list_id"]]
        field = query.get("sort_field", "create_time")
        campaigns.sort(key=lambda c: c[field], reverse=query.get("sort_dir") == "DESC")
        return {
            "campaigns": [self.render_campaign(c) for c in _page(campaigns, query)],
            "total_items": len(campaigns),
            "_links": [],
        }

    def create_campaign(self, body: dict[str, Any]) -> dict[str, Any]:
        campaign = {
            "id": _short_id(),
            "web_id": self._next_web_id(),
            "type": body["type"],
            "create_time": _iso(self.clock()),
            "status": "save",
            "emails_sent": 0,
            "send_time": "",
            "content_type": "template",
            "recipients": {"list_id": ""},
            "settings": {
                "subject_line": "",
                "preview_text": "",
                "title": "",
                "from_name": "",
                "reply_to": "",
                "use_conversation": False,
                "to_name": "",
                "folder_id": "",
                "authenticate": True,
                "auto_footer": False,
                "inline_css": False,
                "auto_tweet": False,
                "auto_fb_post": [],
                "fb_comments": True,
                "timewarp": False,
                "template_id": 0,
                "drag_and_drop": False,
            },
            "tracking": {
                "opens": True,
                "html_clicks": True,
                "text_clicks": False,
                "goal_tracking": False,
                "ecomm360": False,
                "google_analytics": "",
                "clicktale": "",
            },
            "content": {"html": "", "plain_text": ""},
            "sent_to": [],
            "report": {},
        }
        self._write_campaign(campaign, body)
        self.campaigns[campaign["id"]] = campaign
        return self.render_campaign(campaign)

    def get_campaign(self, campaign_id: str) -> dict[str, Any]:
        return self.render_campaign(self._campaign(campaign_id))

    def _refuse_if_sent(self, campaign: dict[str, Any], what: str) -> None:
        if campaign["status"] in ("sending", "sent"):
            raise Problem(400, "Bad Request", f"This campaign has already been sent; {what}.")

    def patch_campaign(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        campaign = self._campaign(campaign_id)
        self._refuse_if_sent(campaign, "it can no longer be edited")
        self._write_campaign(campaign, body)
        return self.render_campaign(campaign)

    def delete_campaign(self, campaign_id: str) -> None:
        self._campaign(campaign_id)
        del self.campaigns[campaign_id]

    def get_content(self, campaign_id: str) -> dict[str, Any]:
        content = self._campaign(campaign_id)["content"]
        return {
            "plain_text": content["plain_text"],
            "html": content["html"],
            "archive_html": content["html"],
            "_links": [],
        }

    def put_content(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        campaign = self._campaign(campaign_id)
        self._refuse_if_sent(campaign, "its content can no longer be changed")
        html = body.get("html", "")
        # Without plain text, Mailchimp derives it from the HTML.
        plain = body.get("plain_text") or re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
        campaign["content"] = {"html": html, "plain_text": plain}
        campaign["content_type"] = "html"
        return self.get_content(campaign_id)

    def _check_ready(self, campaign: dict[str, Any]) -> None:
        settings = campaign["settings"]
        missing = [
            {"field": f"settings.{key}", "message": "This value is required to send."}
            for key in ("subject_line", "from_name", "reply_to")
            if not settings.get(key)
        ]
        if not campaign["recipients"].get("list_id"):
            missing.append({"field": "recipients.list_id", "message": "Choose an audience."})
        if not campaign["content"]["html"]:
            missing.append({"field": "content.html", "message": "The campaign has no content."})
        if missing:
            raise Problem(400, "Bad Request", "Your Campaign is not ready to send.", errors=missing)

    def test_campaign(self, campaign_id: str, body: dict[str, Any]) -> None:
        campaign = self._campaign(campaign_id)
        self._check_ready(campaign)
        for email in body["test_emails"]:
            self._check_email(email)
        self.test_sends.append(
            {
                "campaign_id": campaign_id,
                "test_emails": list(body["test_emails"]),
                "send_type": body["send_type"],
            }
        )

    def schedule(self, campaign_id: str, body: dict[str, Any]) -> None:
        campaign = self._campaign(campaign_id)
        self._refuse_if_sent(campaign, "it cannot be scheduled")
        if campaign["status"] == "schedule":
            raise Problem(
                400, "Bad Request", "This campaign is already scheduled; unschedule it first."
            )
        self._check_ready(campaign)
        moment = parse_time(body["schedule_time"])
        if moment.minute % 15 or moment.second or moment.microsecond:
            raise Problem(
                400,
                "Bad Request",
                "This campaign cannot be scheduled: campaigns may only be scheduled to send on "
                "the quarter-hour (:00, :15, :30, :45).",
            )
        if moment <= self.clock():
            raise Problem(
                400, "Bad Request", "This campaign cannot be scheduled: the time is in the past."
            )
        campaign["status"] = "schedule"
        campaign["send_time"] = _iso(moment)

    def unschedule(self, campaign_id: str) -> None:
        campaign = self._campaign(campaign_id)
        if campaign["status"] != "schedule":
            raise Problem(
                400, "Bad Request", "This campaign cannot be unscheduled: it is not scheduled."
            )
        campaign["status"] = "save"
        campaign["send_time"] = ""

    def send(self, campaign_id: str) -> None:
        campaign = self._campaign(campaign_id)
        self._refuse_if_sent(campaign, "it cannot be sent again")
        self._check_ready(campaign)
        self._deliver(campaign, self.clock())

    # Reports -------------------------------------------------------------------------------

    def render_report(self, campaign: dict[str, Any]) -> dict[str, Any]:
        sent = max(campaign["emails_sent"], 1)
        figures = campaign["report"]
        opens = {"opens_total": 0, "unique_opens": 0, "last_open": ""} | figures.get("opens", {})
        opens["open_rate"] = opens["unique_opens"] / sent
        clicks = {
            "clicks_total": 0,
            "unique_clicks": 0,
            "unique_subscriber_clicks": 0,
            "last_click": "",
        } | figures.get("clicks", {})
        clicks["click_rate"] = clicks["unique_subscriber_clicks"] / sent
        bounces = {"hard_bounces": 0, "soft_bounces": 0, "syntax_errors": 0}
        bounces |= figures.get("bounces", {})
        settings = campaign["settings"]
        return {
            "id": campaign["id"],
            "campaign_title": settings["title"],
            "type": campaign["type"],
            "list_id": campaign["recipients"]["list_id"],
            "list_is_active": True,
            "list_name": self.list_name,
            "subject_line": settings["subject_line"],
            "preview_text": settings["preview_text"],
            "emails_sent": campaign["emails_sent"],
            "abuse_reports": figures.get("abuse_reports", 0),
            "unsubscribed": figures.get("unsubscribed", 0),
            "send_time": campaign["send_time"],
            "bounces": bounces,
            "forwards": {"forwards_count": 0, "forwards_opens": 0},
            "opens": opens,
            "clicks": clicks,
            "list_stats": {"sub_rate": 0, "unsub_rate": 0, "open_rate": 0, "click_rate": 0},
            "timeseries": [],
            "ecommerce": {
                "total_orders": 0,
                "total_spent": 0,
                "total_revenue": 0,
                "currency_code": "USD",
            },
            "delivery_status": {"enabled": False},
            "_links": [],
        }

    def get_report(self, campaign_id: str) -> dict[str, Any]:
        campaign = self._campaign(campaign_id)
        if campaign["status"] not in ("sending", "sent"):
            raise not_found()
        return self.render_report(campaign)

    def set_report(self, campaign_id: str, figures: dict[str, Any]) -> None:
        """Set report figures; ``opens``/``clicks`` may be a number (total and unique)."""
        campaign = self._campaign(campaign_id)
        report = campaign["report"]
        for key, value in figures.items():
            if key == "opens" and isinstance(value, int):
                value = {"opens_total": value, "unique_opens": value}
            elif key == "clicks" and isinstance(value, int):
                value = {
                    "clicks_total": value,
                    "unique_clicks": value,
                    "unique_subscriber_clicks": value,
                }
            elif key == "bounces" and isinstance(value, int):
                value = {"hard_bounces": value}
            if key == "emails_sent":
                campaign["emails_sent"] = int(value)
            elif isinstance(value, dict):
                report.setdefault(key, {}).update(value)
            else:
                report[key] = value
