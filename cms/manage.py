#!/usr/bin/env python
"""Django's command-line utility for the CMS."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # Run from the repository root's point of view, never from inside the
    # service folder (where ``celery`` would mean the service's own module).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
