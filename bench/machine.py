"""The machine a run was measured on."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import django


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def describe(postgres_version: str) -> list[list[str]]:
    return [
        ["", ""],
        ["CPU", _cpu_model()],
        ["cores", str(os.cpu_count())],
        ["RAM", _memory()],
        ["PostgreSQL", postgres_version],
        ["Python / Django", f"{platform.python_version()} / {django.get_version()}"],
        ["OS", f"{platform.system()} {platform.release()}"],
    ]
