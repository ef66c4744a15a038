"""Named, complete scenarios shipped as JSON files in resources/presets/.

Each file holds one scenario in the workspace's scenario format (see engine.scenario). Files
are read in name order, so a numeric prefix sets the order the window lists them in.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from engine.io.jsonread import read_json
from engine.scenario import Scenario, scenario_from_dict

PRESET_DIR = Path(__file__).resolve().parent.parent / "resources" / "presets"
DEFAULT_PRESET = "tf_default"


@cache
def load_presets(directory: Path = PRESET_DIR) -> dict[str, Scenario]:
    """Every preset by key, in display order. A broken preset file is a programming error."""
    presets: dict[str, Scenario] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            scenario = scenario_from_dict(read_json(path.read_bytes(), path.name, "preset"))
        except ValueError as e:
            raise ValueError(f"preset {path.name}: {e}") from None
        presets[scenario.key] = scenario
    return presets


def get_preset(key: str) -> Scenario:
    """A preset by key, with a message listing the known ones."""
    presets = load_presets()
    try:
        return presets[key]
    except KeyError:
        raise ValueError(f"unknown preset {key!r} (known: {', '.join(presets)})") from None
