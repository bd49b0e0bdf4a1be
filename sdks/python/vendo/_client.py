"""Vendo().token(slug) / .base_url(slug): the resolution chain of DESIGN §5 (docs/two-modes.md)."""

import os
import threading
from typing import Dict, Mapping, Optional, Tuple

from ._control_api import fetch_deployment_env
from ._environment import detect_mode, non_empty, read
from ._errors import VendoError
from ._integrations import INTEGRATIONS

# A boot-time lookup must not hang the app forever.
DEFAULT_TIMEOUT = 10.0


class Vendo:
    """Resolves integration tokens and base URLs in Vendo mode and in OSS mode.

    tokens / base_urls: step 1 of the chain, values passed in code, by slug.
    env: where env vars are read (defaults to os.environ, read live).
    api_url / deployment_id: override VENDO_API_URL / VENDO_DEPLOYMENT_ID (a deployment id means Vendo mode).
    """

    def __init__(
        self,
        tokens: Optional[Mapping[str, str]] = None,
        base_urls: Optional[Mapping[str, str]] = None,
        env: Optional[Mapping[str, str]] = None,
        api_url: Optional[str] = None,
        deployment_id: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._tokens = dict(tokens or {})
        self._base_urls = dict(base_urls or {})
        self._env = os.environ if env is None else env
        self._api_url = api_url
        self._deployment_id = deployment_id
        self._timeout = timeout
        # One control API lookup per instance, shared by token() and base_url(); not kept if it fails.
        self._deployment_env: Optional[Dict[str, str]] = None
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        """Either "vendo" (VENDO_MODE=vendo or a deployment id set) or "oss" (otherwise, or VENDO_MODE=oss)."""
        return detect_mode(self._env, self._deployment_id)

    def token(self, slug: str) -> str:
        facts = _integration(slug)
        found = non_empty(self._tokens.get(slug)) or self._from_environment(facts["token_env"])
        if found:
            return found
        if self.mode == "oss":
            raise VendoError(
                "MISSING_TOKEN",
                "No token for %s in OSS mode: set %s to your %s API key, or pass it in code: Vendo(tokens={\"%s\": \"...\"})."
                % (slug, facts["token_env"], facts["name"], slug),
            )
        raise VendoError("MISSING_TOKEN", self._not_in_vendo_mode(slug, facts["token_env"]))

    def base_url(self, slug: str) -> str:
        facts = _integration(slug)
        found = non_empty(self._base_urls.get(slug)) or self._from_environment(facts["base_url_env"])
        if found:
            return found
        # OSS mode talks to the provider directly; Vendo mode must never send a vendo_sk_ key there.
        if self.mode == "oss":
            return facts["provider_base_url"]
        raise VendoError("MISSING_BASE_URL", self._not_in_vendo_mode(slug, facts["base_url_env"]))

    def _from_environment(self, env_name: str) -> Optional[str]:
        """Steps 2 and 3: the env var; in Vendo mode, when it is absent, the deployment's env from the control API."""
        from_env = read(self._env, env_name)
        if from_env is not None or self.mode == "oss":
            return from_env
        api_url, deployment_id, bearer = self._control_api_target(env_name)
        with self._lock:
            if self._deployment_env is None:
                self._deployment_env = fetch_deployment_env(api_url, deployment_id, bearer, self._timeout)
            return non_empty(self._deployment_env.get(env_name))

    def _control_api_target(self, env_name: str) -> Tuple[str, str, str]:
        api_url = non_empty(self._api_url) or read(self._env, "VENDO_API_URL")
        deployment_id = self._deployment()
        bearer = read(self._env, "VENDO_DEPLOYMENT_TOKEN") or read(self._env, "VENDO_MANAGEMENT_KEY")
        if api_url and deployment_id and bearer:
            return api_url, deployment_id, bearer
        missing = [
            name
            for name, value in (
                ("VENDO_API_URL", api_url),
                ("VENDO_DEPLOYMENT_ID", deployment_id),
                ("VENDO_DEPLOYMENT_TOKEN (or VENDO_MANAGEMENT_KEY)", bearer),
            )
            if not value
        ]
        raise VendoError(
            "CONTROL_API_UNCONFIGURED",
            "%s is not set in Vendo mode, and the control API cannot be asked for it: %s %s not set."
            % (env_name, ", ".join(missing), "is" if len(missing) == 1 else "are"),
        )

    def _deployment(self) -> Optional[str]:
        return non_empty(self._deployment_id) or read(self._env, "VENDO_DEPLOYMENT_ID")

    def _not_in_vendo_mode(self, slug: str, env_name: str) -> str:
        return (
            "No %s for %s in Vendo mode: the env var is not set and the control API lists none "
            "for deployment %s. Is %s connected to that deployment?" % (env_name, slug, self._deployment(), slug)
        )


def _integration(slug: str) -> Dict[str, str]:
    facts = INTEGRATIONS.get(slug) if isinstance(slug, str) else None
    if facts is None:
        raise VendoError(
            "UNKNOWN_INTEGRATION",
            'Unknown integration "%s". Known integrations: %s.' % (slug, ", ".join(INTEGRATIONS)),
        )
    return facts
