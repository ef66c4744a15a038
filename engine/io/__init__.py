"""The I/O core: every file the playground reads or writes goes through here.

* ``formats``: format names and versions of every file kind (one place).
* ``jsonread``: the one strict JSON reader (bytes -> Python values).
* ``validate``: path-carrying checks of parsed JSON (``Fields`` and friends).
* ``scenario_json``: scenarios (presets, a workspace's scenario) to and from JSON values.
* ``workspace`` / ``workspace_read``: whole training runs.
* ``weights*``: weights exports read back (NPZ, JSON, ONNX) and put to use.

This package imports nothing on its own, so ``engine.io.formats`` stays cheap to import.
The old paths (engine.scenario, engine.workspace, engine.importer) re-export the public names.
"""
