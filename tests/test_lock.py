"""The lock files pin what pyproject.toml asks for: `make install` installs from them, so a
dependency changed in pyproject.toml but not locked again (`make lock`) would never be installed."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)", re.MULTILINE)


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.split("[")[0]).lower()


def _pins(text: str) -> dict[str, str]:
    return {_name(name): version for name, version in PIN.findall(text)}


def test_every_dependency_is_locked_at_the_version_pyproject_asks_for() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _pins("\n".join(project["dependencies"]))
    dev = _pins("\n".join(project["optional-dependencies"]["dev"]))
    locked = _pins((ROOT / "requirements.lock").read_text())
    locked_dev = _pins((ROOT / "requirements-dev.lock").read_text())
    assert runtime and dev
    assert {n: v for n, v in runtime.items() if locked.get(n) != v} == {}, "run `make lock`"
    assert {n: v for n, v in (runtime | dev).items() if locked_dev.get(n) != v} == {}, "run `make lock`"
    # the test tools share the service's pins and never enter the runtime lock
    assert {n: v for n, v in locked.items() if locked_dev.get(n) != v} == {}
    assert not set(dev) & set(locked) - set(runtime)
