"""Registry of regulation parameters. Each default cites its source; provinces
override them with `Policy` rows. Every key belongs to a module: it is defined in
`<module>/policy.py` (`POLICY_KEYS`, the source cited beside the default) and
registered from `<module>/registry.py` with `lienhe.registry.register(PolicyKey(...))`
(`PolicyKey` is `Parameter`); a province's named set of values is a `Preset`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parameter:
    key: str
    label: Any
    default: Any
    source: str
    unit: Any = ""


PARAMETERS: dict[str, Parameter] = {}


def register(param: Parameter) -> Parameter:
    PARAMETERS[param.key] = param
    return param


@dataclass(frozen=True)
class Preset:
    """A named set of Policy values a province chooses as a whole (its own regulation)."""

    key: str
    label: Any
    source: str
    values: dict


PRESETS: dict[str, Preset] = {}


def register_preset(preset: Preset) -> Preset:
    PRESETS[preset.key] = preset
    return preset
