"""The mixins' typed declaration (minisim.machine_decl) matches the real Machine, and costs nothing
at run time: the machine's class layout is what it was before the mixins were typed."""

from __future__ import annotations

import inspect
import subprocess
import sys

from minisim.machine import Machine
from minisim.machine_decl import MachineDecl
from minisim.mmu import MMU
from minisim.ops import SystemOps
from minisim.vmm.native import Native


def test_every_declared_attribute_is_a_slot_of_the_machine():
    declared = set(inspect.get_annotations(MachineDecl))
    assert declared, "MachineDecl declares no attributes"
    missing = declared - set(Machine.__slots__)
    assert not missing, f"declared for the mixins but not machine state: {sorted(missing)}"


def test_every_declared_method_is_the_machines_with_the_same_parameters():
    methods = [n for n, v in vars(MachineDecl).items() if inspect.isfunction(v)]
    assert methods
    for name in methods:
        real = getattr(Machine, name)
        assert (
            inspect.signature(real).parameters.keys() == inspect.signature(getattr(MachineDecl, name)).parameters.keys()
        ), name
        assert getattr(real, "__isabstractmethod__", False) is False, name


def test_the_declaration_is_not_a_runtime_base():
    # the mixins derive from object at run time: no extra class in the MRO, no instance dict
    assert Machine.__mro__ == (Machine, SystemOps, MMU, object)
    m = Machine(Native(None))
    assert not hasattr(m, "__dict__")


def test_running_minisim_does_not_import_the_declaration():
    code = (
        "import sys, minisim; minisim.run(None, 'native', program='    PV_SHUTDOWN\\n'); "
        "print('minisim.machine_decl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
