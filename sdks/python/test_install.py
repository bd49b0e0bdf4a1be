"""The Python SDK as a package (issue 15): `pip install ./sdks/python` in a fresh venv with no index
at all (pip's own config ignored), then the quickstart from an empty folder, in OSS mode and in
Vendo mode (injected env, and the control API over loopback); the sdist and the editable install
work the same way, and uninstalling leaves nothing behind.

Run: python3 -m unittest discover -s sdks/python -p 'test_*.py'
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

from test_vendo import INJECTED, PROXY, FakeControlApi

HERE = Path(__file__).resolve().parent
QUICKSTART = """import json
import vendo

token = vendo.token("openrouter")
print(json.dumps({"mode": vendo.mode(), "token": token, "base_url": vendo.base_url("openrouter"), "file": vendo.__file__}))
"""


def load_backend():
    spec = importlib.util.spec_from_file_location("vendo_build", HERE / "_build" / "vendo_build.py")
    backend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backend)
    return backend


class InstalledPackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = Path(cls.tmp.name)
        cls.venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(cls.venv)], check=True, capture_output=True)
        cls.python = str(cls.venv / "bin" / "python")
        cls.empty = root / "app"
        cls.empty.mkdir()
        (cls.empty / "quickstart.py").write_text(QUICKSTART, encoding="utf-8")
        # Offline, whatever this machine's pip is configured with: no config file, no index.
        cls.pip_env = {"PATH": os.environ.get("PATH", ""), "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def pip(self, *args):
        result = subprocess.run([self.python, "-m", "pip", *args], env=self.pip_env, cwd=str(self.empty), capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def quickstart(self, **env):
        result = subprocess.run([self.python, "quickstart.py"], env={"PATH": os.environ.get("PATH", ""), **env}, cwd=str(self.empty), capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def assert_quickstart_in_both_modes(self, installed_under):
        oss = self.quickstart(OPENROUTER_API_KEY="sk-or-own-key")
        self.assertTrue(oss.pop("file").startswith(str(installed_under)), "imported the installed package")
        self.assertEqual(oss, {"mode": "oss", "token": "sk-or-own-key", "base_url": "https://openrouter.ai/api/v1"})

        injected = self.quickstart(VENDO_MODE="vendo", VENDO_DEPLOYMENT_ID="dep_1", OPENROUTER_API_KEY="vendo_sk_injected", OPENROUTER_BASE_URL=PROXY)
        injected.pop("file")
        self.assertEqual(injected, {"mode": "vendo", "token": "vendo_sk_injected", "base_url": PROXY})

        api = FakeControlApi()
        self.addCleanup(api.close)
        asked = self.quickstart(VENDO_DEPLOYMENT_ID="dep_1", VENDO_API_URL=api.url, VENDO_DEPLOYMENT_TOKEN="vendo_dt_test")
        asked.pop("file")
        self.assertEqual(asked, {"mode": "vendo", "token": INJECTED[0]["value"], "base_url": PROXY})
        self.assertEqual(api.requests, [{"path": "/api/v1/deployments/dep_1/env?reveal=true", "authorization": "Bearer vendo_dt_test"}])

    def assert_uninstalls_cleanly(self):
        self.pip("uninstall", "-y", "vendo-sdk")
        result = subprocess.run([self.python, "-c", "import vendo"], cwd=str(self.empty), capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0, "vendo is still importable after uninstall")
        site = Path(subprocess.run([self.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True).stdout.strip())
        self.assertEqual([p.name for p in site.iterdir() if p.name.startswith(("vendo", "__editable__.vendo"))], [])

    def site_packages(self):
        return self.venv / "lib"

    def test_pip_install_of_the_folder_then_the_quickstart_in_both_modes(self):
        self.pip("install", str(HERE))
        shown = self.pip("show", "-f", "vendo-sdk")
        self.assertIn("Version: 0.1.0", shown)
        self.assertIn("vendo/_client.py", shown)
        self.assertNotIn("test_vendo", shown)
        self.assertNotIn("_build", shown)
        self.assert_quickstart_in_both_modes(self.site_packages())
        self.assert_uninstalls_cleanly()

    def test_the_sdist_installs_the_same_way(self):
        dist = Path(self.tmp.name) / "sdist"
        dist.mkdir(exist_ok=True)
        name = load_backend().build_sdist(str(dist))
        self.assertEqual(name, "vendo_sdk-0.1.0.tar.gz")
        self.pip("install", str(dist / name))
        self.assert_quickstart_in_both_modes(self.site_packages())
        self.assert_uninstalls_cleanly()

    def test_an_editable_install_imports_the_checkout(self):
        self.pip("install", "-e", str(HERE))
        self.assertEqual(self.quickstart(OPENROUTER_API_KEY="k")["file"], str(HERE / "vendo" / "__init__.py"))
        self.assert_uninstalls_cleanly()


class BackendTest(unittest.TestCase):
    def test_the_wheel_carries_pyprojects_metadata_and_only_the_package(self):
        backend = load_backend()
        with tempfile.TemporaryDirectory() as out:
            name = backend.build_wheel(out)
            self.assertEqual(name, "vendo_sdk-0.1.0-py3-none-any.whl")
            with zipfile.ZipFile(os.path.join(out, name)) as wheel:
                names = wheel.namelist()
                metadata = wheel.read("vendo_sdk-0.1.0.dist-info/METADATA").decode("utf-8")
                record = wheel.read("vendo_sdk-0.1.0.dist-info/RECORD").decode("utf-8")
        modules = sorted(p.name for p in (HERE / "vendo").glob("*.py"))
        self.assertEqual(sorted(n.split("/", 1)[1] for n in names if n.startswith("vendo/")), modules)
        self.assertEqual({n.split("/")[0] for n in names}, {"vendo", "vendo_sdk-0.1.0.dist-info"})
        self.assertIn("Name: vendo-sdk\n", metadata)
        self.assertIn("Requires-Python: >=3.9\n", metadata)
        self.assertIn("pip install ./sdks/python", metadata, "the README is the long description")
        self.assertEqual(len(record.strip().splitlines()), len(names), "RECORD lists every file")

    def test_the_fallback_reader_agrees_with_tomllib(self):
        backend = load_backend()
        text = (HERE / "pyproject.toml").read_text(encoding="utf-8")
        fallback = backend._project_strings(text)
        try:
            import tomllib
        except ImportError:
            self.skipTest("tomllib needs Python 3.11+")
        strict = tomllib.loads(text)["project"]
        self.assertEqual(fallback, {k: v for k, v in strict.items() if isinstance(v, str)})


if __name__ == "__main__":
    unittest.main()
