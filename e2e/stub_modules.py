"""Lets the group launcher run the e2e stub as each agent's module (installed in the agent-stub
image's dist-packages, loaded through stub_modules.pth).

The launcher starts every agent as `python -m <module>` with AGENT_NAME set, exactly as in the
production images. The stub image has none of the monorepo's modules, so this finder answers for
the module of the agent named AGENT_NAME in GROUP_AGENTS_JSON (and its parent packages, as empty
namespace packages): the module's code is e2e/stub_agent.py, which then serves that one agent.
Any other import is left to Python's own finders.
"""

import importlib.abc
import importlib.machinery
import json
import os
import sys

# Where e2e/images.sh installs the stub (overridable to try the finder outside the image).
STUB = os.environ.get("AI_SYSTEM_E2E_STUB", "/opt/ai-system-e2e/stub_agent.py")


def _agent_module():
    try:
        agents = json.loads(os.environ.get("GROUP_AGENTS_JSON", ""))
    except ValueError:
        return None
    name = os.environ.get("AGENT_NAME")
    for agent in agents if isinstance(agents, list) else []:
        if isinstance(agent, dict) and agent.get("name") == name and isinstance(agent.get("module"), str):
            return agent["module"]
    return None


class _PackageLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        pass


class _StubLoader(importlib.abc.InspectLoader):
    """runpy asks `get_code` for a -m module; the stub's own `__main__` block then runs."""

    def is_package(self, fullname):
        return False

    def get_source(self, fullname):
        with open(STUB) as handle:
            return handle.read()

    def get_code(self, fullname):
        return compile(self.get_source(fullname), STUB, "exec")


class StubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        leaf = _agent_module()
        if leaf is None:
            return None
        if name == leaf:
            return importlib.machinery.ModuleSpec(name, _StubLoader(), origin=STUB)
        if leaf.startswith(name + "."):
            spec = importlib.machinery.ModuleSpec(name, _PackageLoader(), is_package=True)
            spec.submodule_search_locations = []
            return spec
        return None


if not any(isinstance(f, StubFinder) for f in sys.meta_path):
    sys.meta_path.append(StubFinder())
