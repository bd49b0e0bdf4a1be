"""The Python SDK's resolution chain (DESIGN §5), with the control API step over real loopback HTTP.

Run: python3 -m unittest discover -s sdks/python -p 'test_*.py'
"""

import ast
import json
import os
import subprocess
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import vendo
from vendo import INTEGRATIONS, Vendo, VendoError

HERE = Path(__file__).resolve().parent
VENDO_MODE = {"VENDO_MODE": "vendo", "VENDO_DEPLOYMENT_ID": "dep_1"}
PROXY = "https://openrouter-proxy.vendo.run/v1"
INJECTED = [
    {"name": "OPENROUTER_API_KEY", "value": "vendo_sk_from_control_api", "secret": True, "integration": "openrouter"},
    {"name": "OPENROUTER_BASE_URL", "value": PROXY, "secret": False, "integration": "openrouter"},
]


class ErrorAssertions(unittest.TestCase):
    def assertVendoError(self, code, call, *patterns):
        with self.assertRaises(VendoError) as caught:
            call()
        self.assertEqual(caught.exception.code, code, caught.exception.message)
        for pattern in patterns:
            self.assertRegex(caught.exception.message, pattern)
        return caught.exception


class ModeTest(ErrorAssertions):
    def test_oss_with_nothing_set(self):
        self.assertEqual(Vendo(env={}).mode, "oss")

    def test_vendo_with_vendo_mode(self):
        self.assertEqual(Vendo(env={"VENDO_MODE": "vendo"}).mode, "vendo")

    def test_vendo_with_a_deployment_id_in_env_or_code(self):
        self.assertEqual(Vendo(env={"VENDO_DEPLOYMENT_ID": "dep_1"}).mode, "vendo")
        self.assertEqual(Vendo(env={}, deployment_id="dep_1").mode, "vendo")

    def test_empty_values_are_unset(self):
        self.assertEqual(Vendo(env={"VENDO_MODE": "", "VENDO_DEPLOYMENT_ID": ""}, deployment_id="").mode, "oss")

    def test_vendo_mode_oss_wins_over_a_deployment_id(self):
        self.assertEqual(Vendo(env={"VENDO_MODE": "oss", "VENDO_DEPLOYMENT_ID": "dep_1"}).mode, "oss")

    def test_other_vendo_mode_is_invalid(self):
        self.assertVendoError("INVALID_MODE", lambda: Vendo(env={"VENDO_MODE": "prod"}).mode, '"prod"')


class TokenTest(ErrorAssertions):
    def test_value_in_code_wins_in_either_mode(self):
        tokens = {"openrouter": "from-code"}
        self.assertEqual(Vendo(tokens=tokens, env={"OPENROUTER_API_KEY": "env"}).token("openrouter"), "from-code")
        self.assertEqual(Vendo(tokens=tokens, env=dict(VENDO_MODE, OPENROUTER_API_KEY="env")).token("openrouter"), "from-code")

    def test_empty_value_in_code_is_ignored(self):
        vendo_ = Vendo(tokens={"openrouter": ""}, env={"OPENROUTER_API_KEY": "sk-or-mine"})
        self.assertEqual(vendo_.token("openrouter"), "sk-or-mine")

    def test_vendo_mode_reads_the_injected_env_var(self):
        self.assertEqual(Vendo(env=dict(VENDO_MODE, OPENROUTER_API_KEY="vendo_sk_x")).token("openrouter"), "vendo_sk_x")

    def test_oss_mode_reads_the_users_env_var(self):
        self.assertEqual(Vendo(env={"OPENROUTER_API_KEY": "sk-or-mine"}).token("openrouter"), "sk-or-mine")

    def test_oss_mode_with_nothing_set_names_the_var_and_the_mode(self):
        for env in ({}, {"OPENROUTER_API_KEY": ""}):
            self.assertVendoError("MISSING_TOKEN", lambda: Vendo(env=env).token("openrouter"), "OPENROUTER_API_KEY", "OSS mode")

    def test_vendo_mode_without_a_control_api_names_what_is_missing(self):
        self.assertVendoError(
            "CONTROL_API_UNCONFIGURED",
            lambda: Vendo(env={"VENDO_MODE": "vendo"}).token("openrouter"),
            "OPENROUTER_API_KEY is not set in Vendo mode",
            r"VENDO_API_URL, VENDO_DEPLOYMENT_ID, VENDO_DEPLOYMENT_TOKEN \(or VENDO_MANAGEMENT_KEY\) are not set",
        )
        self.assertVendoError(
            "CONTROL_API_UNCONFIGURED",
            lambda: Vendo(env=dict(VENDO_MODE, VENDO_MANAGEMENT_KEY="vendo_mk_x")).token("openrouter"),
            r": VENDO_API_URL is not set\.$",
        )

    def test_unknown_slug_lists_the_known_ones(self):
        self.assertVendoError("UNKNOWN_INTEGRATION", lambda: Vendo(env={}).token("nope"), '"nope"', "openrouter")


class BaseUrlTest(ErrorAssertions):
    def test_value_in_code_wins(self):
        vendo_ = Vendo(base_urls={"openrouter": "http://localhost:9/v1"}, env=dict(VENDO_MODE, OPENROUTER_BASE_URL=PROXY))
        self.assertEqual(vendo_.base_url("openrouter"), "http://localhost:9/v1")

    def test_vendo_mode_reads_the_injected_env_var(self):
        self.assertEqual(Vendo(env=dict(VENDO_MODE, OPENROUTER_BASE_URL=PROXY)).base_url("openrouter"), PROXY)

    def test_oss_mode_env_var_else_the_providers_own_url(self):
        self.assertEqual(Vendo(env={"OPENROUTER_BASE_URL": "http://127.0.0.1:4000/v1"}).base_url("openrouter"), "http://127.0.0.1:4000/v1")
        self.assertEqual(Vendo(env={"OPENROUTER_BASE_URL": ""}).base_url("openrouter"), "https://openrouter.ai/api/v1")

    def test_vendo_mode_never_falls_back_to_the_providers_url(self):
        self.assertVendoError("CONTROL_API_UNCONFIGURED", lambda: Vendo(env={"VENDO_MODE": "vendo"}).base_url("openrouter"), "OPENROUTER_BASE_URL")

    def test_unknown_slug(self):
        self.assertVendoError("UNKNOWN_INTEGRATION", lambda: Vendo(env={}).base_url("not-an-integration"), "openrouter")

    def test_every_integration_of_the_catalog(self):
        # The table is generated from the catalog: each slug resolves its own env vars in both modes.
        from vendo._integrations import INTEGRATIONS

        self.assertEqual(sorted(INTEGRATIONS), ["anthropic", "openai", "openrouter", "tavily"])
        for slug, facts in INTEGRATIONS.items():
            self.assertEqual(Vendo(env={facts["token_env"]: "own-" + slug}).token(slug), "own-" + slug)
            self.assertEqual(Vendo(env=dict(VENDO_MODE, **{facts["token_env"]: "vendo_sk_" + slug})).token(slug), "vendo_sk_" + slug)
            self.assertEqual(Vendo(env={}).base_url(slug), facts["provider_base_url"])


class FakeControlApi:
    """A control API on 127.0.0.1, port 0: records requests, answers (status, body) in order, the last repeating."""

    def __init__(self):
        self.requests = []
        self.answers = [(200, json.dumps({"data": INJECTED}))]
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                api.requests.append({"path": self.path, "authorization": self.headers.get("Authorization")})
                status, body = api.answers.pop(0) if len(api.answers) > 1 else api.answers[0]
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ControlApiTest(ErrorAssertions):
    def setUp(self):
        self.api = FakeControlApi()
        self.addCleanup(self.api.close)
        self.env = dict(VENDO_MODE, VENDO_API_URL=self.api.url, VENDO_DEPLOYMENT_TOKEN="vendo_dt_secret")

    def test_gets_the_deployments_revealed_env_with_the_deployment_token(self):
        self.assertEqual(Vendo(env=self.env).token("openrouter"), "vendo_sk_from_control_api")
        self.assertEqual(self.api.requests, [{"path": "/api/v1/deployments/dep_1/env?reveal=true", "authorization": "Bearer vendo_dt_secret"}])

    def test_base_url_shares_the_one_lookup(self):
        vendo_ = Vendo(env=self.env)
        self.assertEqual(vendo_.base_url("openrouter"), PROXY)
        self.assertEqual(vendo_.token("openrouter"), "vendo_sk_from_control_api")
        self.assertEqual(len(self.api.requests), 1)

    def test_management_key_is_the_fallback_bearer(self):
        env = dict(self.env, VENDO_DEPLOYMENT_TOKEN="", VENDO_MANAGEMENT_KEY="vendo_mk_tenant")
        Vendo(env=env).token("openrouter")
        self.assertEqual(self.api.requests[0]["authorization"], "Bearer vendo_mk_tenant")
        Vendo(env=dict(env, VENDO_DEPLOYMENT_TOKEN="vendo_dt_secret")).token("openrouter")
        self.assertEqual(self.api.requests[1]["authorization"], "Bearer vendo_dt_secret")

    def test_api_url_and_deployment_id_from_code(self):
        Vendo(env={"VENDO_DEPLOYMENT_TOKEN": "t"}, api_url=self.api.url + "/", deployment_id="dep 2/x").token("openrouter")
        self.assertEqual(self.api.requests[0]["path"], "/api/v1/deployments/dep%202%2Fx/env?reveal=true")

    def test_no_request_when_the_env_var_is_set(self):
        self.assertEqual(Vendo(env=dict(self.env, OPENROUTER_API_KEY="vendo_sk_env")).token("openrouter"), "vendo_sk_env")
        self.assertEqual(self.api.requests, [])

    def test_var_not_listed_names_the_var_the_mode_and_the_deployment(self):
        self.api.answers = [(200, json.dumps({"data": INJECTED[1:]}))]
        self.assertVendoError("MISSING_TOKEN", lambda: Vendo(env=self.env).token("openrouter"), "OPENROUTER_API_KEY", "Vendo mode", "dep_1")
        self.api.answers = [(200, json.dumps({"data": INJECTED[:1]}))]
        self.assertVendoError("MISSING_BASE_URL", lambda: Vendo(env=self.env).base_url("openrouter"), "OPENROUTER_BASE_URL", "Vendo mode")

    def test_http_error_gives_status_and_message_never_the_bearer(self):
        self.api.answers = [(401, json.dumps({"error": {"code": 401, "message": "unknown deployment token"}}))]
        err = self.assertVendoError("CONTROL_API_FAILED", lambda: Vendo(env=self.env).token("openrouter"), r"HTTP 401 \(unknown deployment token\)")
        self.assertNotIn("vendo_dt_secret", err.message)

    def test_body_of_the_wrong_shape(self):
        for body in (json.dumps({"data": [{"name": "OPENROUTER_API_KEY"}]}), "<html>"):
            self.api.answers = [(200, body)]
            self.assertVendoError("CONTROL_API_FAILED", lambda: Vendo(env=self.env).token("openrouter"), "expected a JSON body")

    def test_a_failed_lookup_is_retried(self):
        self.api.answers = [(503, "{}"), (200, json.dumps({"data": INJECTED}))]
        vendo_ = Vendo(env=self.env)
        self.assertVendoError("CONTROL_API_FAILED", lambda: vendo_.token("openrouter"), "HTTP 503")
        self.assertEqual(vendo_.token("openrouter"), "vendo_sk_from_control_api")

    def test_nothing_listening(self):
        url = self.api.url
        self.api.close()
        env = dict(self.env, VENDO_API_URL=url)
        self.assertVendoError("CONTROL_API_FAILED", lambda: Vendo(env=env).token("openrouter"), "Control API GET http://127.0.0.1:")


class ModuleTest(unittest.TestCase):
    def run_python(self, code, **env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("VENDO_", "OPENROUTER_"))}
        clean.update(env, PYTHONPATH=str(HERE))
        return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True).stdout

    def test_seed_python_quickstart_works_literally(self):
        quickstart = 'import vendo\n\ntoken = vendo.token("openrouter")\n\nprint(token)\n'
        self.assertEqual(self.run_python(quickstart, OPENROUTER_API_KEY="vendo_sk_seed"), "vendo_sk_seed\n")

    def test_module_functions_read_os_environ(self):
        out = self.run_python('import vendo; print(vendo.mode(), vendo.base_url("openrouter"))', VENDO_DEPLOYMENT_ID="d", OPENROUTER_BASE_URL=PROXY)
        self.assertEqual(out, "vendo %s\n" % PROXY)

    def test_module_functions_raise_vendo_error(self):
        with self.assertRaises(subprocess.CalledProcessError) as caught:
            self.run_python('import vendo; vendo.token("openrouter")')
        self.assertIn("VendoError: No token for openrouter in OSS mode", caught.exception.stderr)

    def test_generated_integrations_come_from_the_catalog(self):
        self.assertEqual(
            INTEGRATIONS["openrouter"],
            {"name": "OpenRouter", "token_env": "OPENROUTER_API_KEY", "base_url_env": "OPENROUTER_BASE_URL", "provider_base_url": "https://openrouter.ai/api/v1"},
        )
        self.assertIs(vendo.Vendo, Vendo)

    def test_sources_parse_as_python_3_9(self):
        for path in sorted((HERE / "vendo").glob("*.py")) + [Path(__file__)]:
            with self.subTest(path=path.name):
                ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 9))


if __name__ == "__main__":
    unittest.main()
