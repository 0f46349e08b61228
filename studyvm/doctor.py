"""``studyvm doctor``: the learner's own machine, in words -- headless, every path injectable.

What it checks, and where:
- CPU virtualization flags: lines of /proc/cpuinfo matching ``vmx|svm`` (exactly the notes'
  ``egrep -c '(vmx|svm)' /proc/cpuinfo``), plus ``ept``/``npt`` for nested paging;
- /dev/kvm: present, and openable for reading and writing (usable by this user);
- whether this machine is itself a guest: the ``hypervisor`` CPU flag, /sys/hypervisor/type,
  the DMI system vendor.
A missing or unreadable file is reported as unknown, never as an error.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

_GUEST_VENDORS = (
    "qemu",
    "kvm",
    "vmware",
    "virtualbox",
    "innotek",
    "xen",
    "microsoft corporation",
    "amazon ec2",
    "google",
    "parallels",
    "bochs",
    "openstack",
    "digitalocean",
    "hetzner",
)


@dataclass
class DoctorReport:
    """What ``inspect`` found; ``None`` means the source could not be read."""

    cpu_model: str | None = None
    cpu_vendor: str | None = None
    logical_cpus: int | None = None
    virt_flag_lines: int | None = None  # the notes' egrep -c '(vmx|svm)' /proc/cpuinfo
    vmx: bool = False
    svm: bool = False
    nested_paging: bool = False  # ept (Intel) or npt (AMD) flag
    hypervisor_flag: bool = False
    kvm_present: bool = False
    kvm_usable: bool = False
    sys_hypervisor: str | None = None
    dmi_vendor: str | None = None
    unknown: list[str] = field(default_factory=list)

    @property
    def is_guest(self) -> bool:
        """Is this machine itself a virtual machine, as far as the evidence says?"""
        return bool(self.guest_evidence)

    @property
    def guest_evidence(self) -> list[str]:
        """The signs that this machine is a guest."""
        ev = []
        if self.hypervisor_flag:
            ev.append("the CPU reports the 'hypervisor' flag")
        if self.sys_hypervisor:
            ev.append(f"/sys/hypervisor/type says {self.sys_hypervisor!r}")
        if self.dmi_vendor and any(v in self.dmi_vendor.lower() for v in _GUEST_VENDORS):
            ev.append(f"the DMI system vendor is {self.dmi_vendor!r}")
        return ev

    def lines(self) -> list[str]:
        """The report as sentences for a terminal."""
        out = []
        cpu = self.cpu_model or "unknown CPU"
        out.append(f"CPU: {cpu}" + (f" ({self.logical_cpus} logical CPUs)" if self.logical_cpus else ""))
        if self.virt_flag_lines is None:
            out.append("Hardware virtualization: unknown (/proc/cpuinfo not readable)")
        elif self.vmx or self.svm:
            tech = "Intel VT-x (vmx)" if self.vmx else "AMD-V (svm)"
            nested = "with nested paging (EPT/NPT)" if self.nested_paging else "without nested paging flags"
            out.append(
                f"Hardware virtualization: {tech}, {nested}; egrep -c '(vmx|svm)' /proc/cpuinfo = "
                f"{self.virt_flag_lines}"
            )
        else:
            # /dev/kvm can work without the flags when a sandbox or hypervisor hides them from CPUID.
            verdict = (
                "yet /dev/kvm is usable, so whatever runs this machine passes KVM through while hiding the flags"
                if self.kvm_usable
                else "binary translation or paravirtualization would still work, hardware-assisted KVM would not"
            )
            out.append(
                f"Hardware virtualization: no vmx/svm flag visible (egrep -c '(vmx|svm)' /proc/cpuinfo = 0); {verdict}"
            )
        if self.kvm_present:
            out.append(
                "/dev/kvm: present and usable by you"
                if self.kvm_usable
                else "/dev/kvm: present but not usable by you (permissions: try the kvm group)"
            )
        else:
            out.append("/dev/kvm: absent (the KVM module is not loaded, or no hardware support)")
        if self.is_guest:
            out.append("This machine is itself a virtual machine: " + "; ".join(self.guest_evidence))
            if self.virt_flag_lines == 0:
                out.append("  (a guest sees vmx/svm only if its hypervisor offers nested virtualization)")
        else:
            out.append("This machine shows no sign of being a virtual machine")
        if self.unknown:
            out.append("Not readable: " + ", ".join(self.unknown))
        return out

    def to_dict(self) -> dict:
        """JSON-able view, with the derived fields."""
        return {**asdict(self), "is_guest": self.is_guest, "guest_evidence": self.guest_evidence}


def _read(path: Path, unknown: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        unknown.append(str(path))
        return None


def inspect(
    cpuinfo: Path = Path("/proc/cpuinfo"),
    kvm: Path = Path("/dev/kvm"),
    sys_hypervisor: Path = Path("/sys/hypervisor"),
    dmi_vendor: Path = Path("/sys/class/dmi/id/sys_vendor"),
) -> DoctorReport:
    """Inspect the machine through the given paths (tests pass fake ones)."""
    r = DoctorReport()
    text = _read(cpuinfo, r.unknown)
    if text is not None:
        lines = text.splitlines()
        r.virt_flag_lines = sum(1 for ln in lines if re.search(r"(vmx|svm)", ln))
        flags: set[str] = set()
        for ln in lines:
            key, _, value = ln.partition(":")
            key = key.strip()
            if key in ("flags", "Features"):
                flags |= set(value.split())
            elif key == "model name" and r.cpu_model is None:
                r.cpu_model = value.strip()
            elif key == "vendor_id" and r.cpu_vendor is None:
                r.cpu_vendor = value.strip()
        r.logical_cpus = sum(1 for ln in lines if ln.split(":")[0].strip() == "processor") or None
        r.vmx, r.svm = "vmx" in flags, "svm" in flags
        r.nested_paging = bool(flags & {"ept", "npt"})
        r.hypervisor_flag = "hypervisor" in flags
    r.kvm_present = kvm.exists()
    r.kvm_usable = r.kvm_present and os.access(kvm, os.R_OK | os.W_OK)
    hv_type = sys_hypervisor / "type"
    if hv_type.exists():
        r.sys_hypervisor = (_read(hv_type, r.unknown) or "").strip() or None
    vendor = dmi_vendor if dmi_vendor.exists() else None
    if vendor is not None:
        r.dmi_vendor = (_read(vendor, r.unknown) or "").strip() or None
    else:
        r.unknown.append(str(dmi_vendor))
    return r
