"""Vendo: an integration's token and base URL, in Vendo mode and in OSS mode. Standard library only.

    import vendo
    token = vendo.token("openrouter")

The module-level functions use one shared ``Vendo()`` reading ``os.environ``; build your own
``Vendo(tokens=..., env=...)`` to pass values in code. The resolution chain is in docs/two-modes.md.
"""

import threading
from typing import Optional

from ._client import Vendo
from ._errors import VendoError
from ._integrations import INTEGRATIONS

__all__ = ["Vendo", "VendoError", "INTEGRATIONS", "token", "base_url", "mode"]

_default: Optional[Vendo] = None
_default_lock = threading.Lock()


def _shared() -> Vendo:
    global _default
    with _default_lock:
        if _default is None:
            _default = Vendo()
        return _default


def token(slug: str) -> str:
    """The integration's token: the Vendo-issued key in Vendo mode, your own key in OSS mode."""
    return _shared().token(slug)


def base_url(slug: str) -> str:
    """The integration's base URL: Vendo's proxy in Vendo mode, the provider's own URL in OSS mode."""
    return _shared().base_url(slug)


def mode() -> str:
    """Either "vendo" or "oss"."""
    return _shared().mode
