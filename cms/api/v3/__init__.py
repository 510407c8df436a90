"""The content API v3 (Wagtail 8's v3 preview), public and read-only: see ``cms.api.v3.api``."""
