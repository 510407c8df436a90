"""What every part of a rendering shares: links, image width, warnings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from newsletter_service.rendering.links import Links

logger = logging.getLogger("newsletter_service.rendering")


@dataclass
class RenderContext:
    links: Links
    image_width: int
    brand_colour: str
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Note something left out or degraded: shown to the editor and logged."""
        self.warnings.append(message)
        logger.warning("Email rendering: %s", message)
