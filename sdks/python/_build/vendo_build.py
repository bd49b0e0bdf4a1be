"""The Python SDK's build backend (PEP 517, and PEP 660 for ``pip install -e``), standard library only.

Why not setuptools: ``pip install ./sdks/python`` must work with no network. With build isolation
pip would have to download setuptools; without it, a fresh venv has no ``wheel`` package (Python
3.11) or no setuptools at all (3.12+). A package of pure-Python modules needs only a zip file with
the right names in it, so the backend is this file, and the build needs nothing but pip.

It reads ``[project]`` from pyproject.toml (name, version, description, readme, requires-python)
and packs the ``vendo`` package.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "vendo"
# Fixed times keep a build byte-for-byte reproducible.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TAR_TIME = 315532800


def project():
    """The [project] table of pyproject.toml, with the fields this backend uses."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib  # Python 3.11+

        table = tomllib.loads(text)["project"]
    except ImportError:
        table = _project_strings(text)
    for field in ("name", "version", "description", "readme", "requires-python"):
        if not isinstance(table.get(field), str):
            raise ValueError(f"pyproject.toml: [project] {field} must be a string")
    return table


def _project_strings(text):
    """Python < 3.11 has no TOML parser: the `key = "string"` lines of [project] are all we use."""
    table, inside = {}, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == "[project]"
        elif inside:
            match = re.fullmatch(r'([A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?', stripped)
            if match:
                table[match.group(1)] = match.group(2).replace('\\"', '"').replace("\\\\", "\\")
    return table


def _dist_name(meta):
    return re.sub(r"[-_.]+", "_", meta["name"]).lower()


def _metadata(meta):
    readme = (ROOT / meta["readme"]).read_text(encoding="utf-8")
    headers = [
        "Metadata-Version: 2.1",
        f"Name: {meta['name']}",
        f"Version: {meta['version']}",
        f"Summary: {meta['description']}",
        f"Requires-Python: {meta['requires-python']}",
        "Description-Content-Type: text/markdown",
    ]
    return "\n".join(headers) + "\n\n" + readme


def _sources():
    """The package's modules, relative to ROOT, sorted (no caches)."""
    return sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / PACKAGE).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def _wheel(wheel_directory, files):
    """Writes a py3-none-any wheel of `files` ({archive path: bytes}) plus its dist-info; returns its name."""
    meta = project()
    name = _dist_name(meta)
    dist_info = f"{name}-{meta['version']}.dist-info"
    files = dict(files)
    files[f"{dist_info}/METADATA"] = _metadata(meta).encode("utf-8")
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: vendo_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{dist_info}/top_level.txt"] = f"{PACKAGE}\n".encode("utf-8")
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode("utf-8")

    filename = f"{name}-{meta['version']}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return filename


# PEP 517 hooks


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {path: (ROOT / path).read_bytes() for path in _sources()})


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth file puts this folder on sys.path, so edits apply at once."""
    return _wheel(wheel_directory, {f"__editable__.{_dist_name(project())}.pth": f"{ROOT}\n".encode("utf-8")})


def build_sdist(sdist_directory, config_settings=None):
    meta = project()
    base = f"{_dist_name(meta)}-{meta['version']}"
    members = ["pyproject.toml", meta["readme"], "_build/vendo_build.py", *_sources()]
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        for path, data in [*((m, (ROOT / m).read_bytes()) for m in members), ("PKG-INFO", _metadata(meta).encode("utf-8"))]:
            info = tarfile.TarInfo(f"{base}/{path}")
            info.size, info.mtime, info.mode = len(data), TAR_TIME, 0o644
            sdist.addfile(info, io.BytesIO(data))
    return filename
