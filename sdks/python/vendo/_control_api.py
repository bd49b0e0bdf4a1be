"""Vendo mode's fallback: ask the control API for the deployment's env vars (docs/two-modes.md).

GET {api_url}/api/v1/deployments/{id}/env?reveal=true -> {"data": [{"name", "value", "secret", "integration"}]}
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict

from ._errors import VendoError


def deployment_env_url(api_url: str, deployment_id: str) -> str:
    return "%s/api/v1/deployments/%s/env?reveal=true" % (api_url.rstrip("/"), urllib.parse.quote(deployment_id, safe=""))


def fetch_deployment_env(api_url: str, deployment_id: str, bearer: str, timeout: float) -> Dict[str, str]:
    """The deployment's env vars by name. The bearer never appears in an error message."""
    url = deployment_env_url(api_url, deployment_id)
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + bearer, "Accept": "application/json"})

    def failed(why: str) -> VendoError:
        return VendoError("CONTROL_API_FAILED", "Control API GET %s failed: %s" % (url, why))

    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
    except urllib.error.HTTPError as err:
        raise failed("HTTP %d%s" % (err.code, _error_message(err.read()))) from err
    except (urllib.error.URLError, OSError) as err:
        raise failed(str(getattr(err, "reason", err))) from err
    variables = _env_list(_json(text))
    if variables is None:
        raise failed('expected a JSON body {"data": [{"name", "value"}, ...]}')
    return variables


def _json(text: bytes) -> Any:
    try:
        return json.loads(text.decode("utf-8"))
    except ValueError:
        return None


def _error_message(text: bytes) -> str:
    body = _json(text)
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return " (%s)" % message if isinstance(message, str) else ""


def _env_list(body: Any) -> Any:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return None
    if not all(isinstance(v, dict) and isinstance(v.get("name"), str) and isinstance(v.get("value"), str) for v in data):
        return None
    return {v["name"]: v["value"] for v in data}
