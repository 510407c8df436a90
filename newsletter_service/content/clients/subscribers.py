"""The typed client of the subscriber service's internal audience endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from platform_common.http import (
    ServiceHttpClient,
    ServiceResponseError,
    ServiceUnavailableError,
)


class SubscriberServiceError(Exception):
    """The subscriber service could not give the audience mapping."""


class SubscriberServiceUnavailable(SubscriberServiceError):
    """Timeout, refused connection or 5xx: worth trying again later."""


@dataclass(frozen=True)
class AudienceInterest:
    key: str
    labels: dict[str, str]
    mailchimp_category_id: str
    mailchimp_interest_id: str


@dataclass(frozen=True)
class Audience:
    """The Mailchimp audience, its languages and how interests map to its groups."""

    audience_id: str
    languages: tuple[str, ...]
    interests: tuple[AudienceInterest, ...]

    def interest(self, key: str) -> AudienceInterest | None:
        return next((interest for interest in self.interests if interest.key == key), None)


class SubscriberServiceClient(ServiceHttpClient):
    def __init__(
        self, *, base_url: str | None = None, token: str | None = None, timeout: float | None = None
    ) -> None:
        config = settings.SUBSCRIBER_SERVICE
        super().__init__(
            base_url=base_url or config["url"],
            token=config["token"] if token is None else token,
            timeout=config["timeout"] if timeout is None else timeout,
            user_agent="rights-platform-newsletter/subscriber-client",
        )

    def audience(self) -> Audience:
        """``GET /api/internal/audience/``: audience id, languages and interest mapping."""
        try:
            data = self.get_json("/api/internal/audience/")
        except ServiceUnavailableError as error:
            raise SubscriberServiceUnavailable(
                f"The subscriber service cannot be reached: {error}"
            ) from error
        except ServiceResponseError as error:
            raise SubscriberServiceError(
                f"The subscriber service refused the audience request ({error.status_code})"
            ) from error
        return Audience(
            audience_id=data["audience_id"],
            languages=tuple(data.get("languages", [])),
            interests=tuple(
                AudienceInterest(
                    key=item["key"],
                    labels=dict(item.get("labels") or {}),
                    mailchimp_category_id=item.get("mailchimp_category_id") or "",
                    mailchimp_interest_id=item.get("mailchimp_interest_id") or "",
                )
                for item in data.get("interests", [])
            ),
        )
