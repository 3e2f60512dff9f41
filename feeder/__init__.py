"""feeder: one trustworthy regional stream of public notices."""

from __future__ import annotations

__version__ = "0.1.0"
USER_AGENT = f"feeder/{__version__} (regional public notices for a Swedish county)"
