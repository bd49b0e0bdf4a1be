"""The SDK's view of the environment: an empty value counts as unset."""

from typing import Mapping, Optional

from ._errors import VendoError


def non_empty(value: Optional[str]) -> Optional[str]:
    return None if value == "" else value


def read(env: Mapping[str, str], name: str) -> Optional[str]:
    return non_empty(env.get(name))


def detect_mode(env: Mapping[str, str], deployment_id: Optional[str] = None) -> str:
    """Vendo mode when VENDO_MODE=vendo or a deployment id is known; VENDO_MODE=oss forces OSS mode.

    Any other VENDO_MODE is a typo worth failing on.
    """
    declared = read(env, "VENDO_MODE")
    if declared in ("vendo", "oss"):
        return declared
    if declared is not None:
        raise VendoError("INVALID_MODE", 'VENDO_MODE must be "vendo" or "oss", not "%s".' % declared)
    return "vendo" if (non_empty(deployment_id) or read(env, "VENDO_DEPLOYMENT_ID")) else "oss"
