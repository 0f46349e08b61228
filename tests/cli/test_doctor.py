"""``studyvm doctor`` and its headless inspection, on fake /proc and /sys files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.doctor import inspect

CPU = """processor\t: {n}
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) CPU E5-2680 v4
flags\t\t: fpu vme {flags}

"""


def _cpuinfo(tmp: Path, flags: str, cpus: int = 4) -> Path:
    p = tmp / "cpuinfo"
    p.write_text("".join(CPU.format(n=i, flags=flags) for i in range(cpus)))
    return p


def test_bare_metal_intel_with_kvm(tmp_path: Path) -> None:
    kvm = tmp_path / "kvm"
    kvm.write_text("")
    vendor = tmp_path / "sys_vendor"
    vendor.write_text("Dell Inc.\n")
    r = inspect(_cpuinfo(tmp_path, "vmx ept sse"), kvm, tmp_path / "nohyp", vendor)
    assert (r.virt_flag_lines, r.vmx, r.svm, r.nested_paging, r.logical_cpus) == (4, True, False, True, 4)
    assert r.kvm_present and r.kvm_usable and not r.is_guest
    text = "\n".join(r.lines())
    assert "Intel VT-x (vmx), with nested paging" in text and "= 4" in text and "no sign of being a virtual" in text


def test_guest_without_virtualization_flags(tmp_path: Path) -> None:
    hyp = tmp_path / "hypervisor"
    hyp.mkdir()
    (hyp / "type").write_text("xen\n")
    vendor = tmp_path / "sys_vendor"
    vendor.write_text("QEMU\n")
    r = inspect(_cpuinfo(tmp_path, "sse hypervisor", 2), tmp_path / "nokvm", hyp, vendor)
    assert r.virt_flag_lines == 0 and not r.kvm_present and r.is_guest
    assert len(r.guest_evidence) == 3
    text = "\n".join(r.lines())
    assert "no vmx/svm flag" in text and "/dev/kvm: absent" in text and "'xen'" in text and "QEMU" in text


def test_usable_kvm_without_visible_flags_is_not_called_impossible(tmp_path: Path) -> None:
    # A sandbox may hide vmx/svm from CPUID yet pass /dev/kvm through (this project's CI machine does).
    kvm = tmp_path / "kvm"
    kvm.write_text("")
    r = inspect(_cpuinfo(tmp_path, "sse hypervisor", 2), kvm, tmp_path / "nohyp", tmp_path / "missing")
    text = "\n".join(r.lines())
    assert "no vmx/svm flag" in text and "/dev/kvm is usable" in text and "KVM would not" not in text
    r = inspect(_cpuinfo(tmp_path, "sse hypervisor", 2), tmp_path / "nokvm", tmp_path / "nohyp", tmp_path / "x")
    assert "hardware-assisted KVM would not" in "\n".join(r.lines())


def test_amd_and_unreadable_files_degrade(tmp_path: Path) -> None:
    r = inspect(_cpuinfo(tmp_path, "svm npt"), tmp_path / "nokvm", tmp_path / "x", tmp_path / "missing")
    assert r.svm and r.nested_paging and "AMD-V (svm)" in "\n".join(r.lines())
    r = inspect(tmp_path / "no-cpuinfo", tmp_path / "nokvm", tmp_path / "x", tmp_path / "missing")
    assert r.virt_flag_lines is None and str(tmp_path / "no-cpuinfo") in r.unknown
    assert "unknown (/proc/cpuinfo not readable)" in "\n".join(r.lines())


def test_doctor_command_runs_on_this_machine() -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["doctor"])
    assert r.exit_code == 0 and r.output.startswith("CPU: ")
    r = runner.invoke(app, ["doctor", "--json"])
    d = json.loads(r.output)
    assert {"virt_flag_lines", "kvm_present", "is_guest", "guest_evidence"} <= set(d)
