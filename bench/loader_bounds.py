"""Time and peak memory of each loader on hostile inputs near the size caps (issue 10).

Each case builds one file in a temporary folder, then loads it in a fresh child process, which
reports the wall time of the load, the growth of the process's peak resident memory during it
(Linux's VmHWM, reset after the imports; ``resource.getrusage`` elsewhere) and the first 100
characters of the outcome (the loader's error message, or "loaded"). The targets are at most
2 s and at most about 4× the file's size in memory (for an NPZ, whose arrays are compressed,
the size of the network it describes).

    python bench/loader_bounds.py [--case NAME ...] [--timeout SECONDS]

A benchmark, not a test: it prints a table and exits 0. CI does not run it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024


def _workspace_doc() -> dict:
    sys.path.insert(0, str(ROOT))
    from engine.presets import get_preset
    from engine.trainer import Trainer
    from engine.workspace import workspace_to_dict

    return workspace_to_dict(Trainer(get_preset("tf_default")))


def _weights_meta(arch: list[int], acts: list[str]) -> dict:
    return {"format": "backprop-playground-weights", "version": 1, "architecture": arch,
            "activations": acts, "use_bias": True, "features": ["x1", "x2"][: arch[0]]}


def build_ws_zeros(path: Path) -> None:
    """A 64 MiB 'workspace' that is one list of zeros: [0,0,0,…]."""
    n = (64 * MiB - 2) // 2
    path.write_bytes(b"[" + b"0," * (n - 1) + b"0]")


def build_ws_field_zeros(path: Path) -> None:
    """A 64 MiB workspace whose history.train_loss is [0,0,…] (the rest valid)."""
    doc = _workspace_doc()
    doc["history"]["train_loss"] = "@@"
    text = json.dumps(doc).encode()
    n = (64 * MiB - len(text)) // 2
    path.write_bytes(text.replace(b'"@@"', b"[" + b"0," * (n - 1) + b"0]"))


def build_ws_long_row(path: Path) -> None:
    """A ~30 MB workspace whose state.parameters[0].W is one row of 10**7 zeros."""
    doc = _workspace_doc()
    doc["state"]["parameters"][0]["W"] = "@@"
    text = json.dumps(doc).encode()
    path.write_bytes(text.replace(b'"@@"', b"[[" + b"0, " * (10**7 - 1) + b"0]]"))


def build_ws_values_at_cap(path: Path) -> None:
    """A workspace whose history.train_loss holds 0.5 as often as the value limit allows."""
    doc = _workspace_doc()
    doc["history"]["train_loss"] = "@@"
    n = 4 * MiB - 2000
    path.write_bytes(json.dumps(doc).encode().replace(b'"@@"', b"[" + b"0.5," * n + b"0.5]"))


def build_ws_objects_at_cap(path: Path) -> None:
    """A workspace whose history.train_loss is [{}, {}, …] up to the value limit."""
    doc = _workspace_doc()
    doc["history"]["train_loss"] = "@@"
    n = 64 * 1024 - 100  # the limit on objects
    path.write_bytes(json.dumps(doc).encode().replace(b'"@@"', b"[" + b"{}," * n + b"{}]"))


def build_csv_max_rows(path: Path) -> None:
    """A valid CSV of 100,000 rows (the row limit): it loads."""
    import numpy as np

    rng = np.random.default_rng(0)
    rows = [f"{a!r},{b!r},{int(a > b)}" for a, b in rng.uniform(-1, 1, (100_000, 2)).tolist()]
    path.write_text("x1,x2,y\n" + "\n".join(rows) + "\n")


def build_csv_wide_ints(path: Path) -> None:
    """A valid CSV of 20,000 rows × 64 small integers and a label (digits-like, 2.7 MB)."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.integers(0, 17, (20_000, 64))
    rows = [",".join(map(str, r)) + f",{k % 10}" for k, r in enumerate(x.tolist())]
    path.write_text(",".join(f"p{i}" for i in range(64)) + ",digit\n" + "\n".join(rows) + "\n")


def build_csv_max_columns(path: Path) -> None:
    """A valid CSV of 2,000 rows × 1,024 input columns (the most) and a label (8 MB)."""
    line = ",".join(["0.5"] * 1024)
    body = "\n".join(f"{line},{k % 2}" for k in range(2000))
    path.write_text(",".join(f"c{i}" for i in range(1024)) + ",y\n" + body + "\n")


def build_ws_long_string(path: Path) -> None:
    """A 64 MiB workspace whose scenario.model.hidden[0].activation is a 64 MB string."""
    doc = _workspace_doc()
    doc["scenario"]["model"]["hidden"][0]["activation"] = "@@"
    text = json.dumps(doc).encode()
    path.write_bytes(text.replace(b'"@@"', b'"' + b"r" * (64 * MiB - len(text)) + b'"'))


def build_ws_deep(path: Path) -> None:
    """A 64 MiB document of nested lists: [[[[…]]]]."""
    n = 32 * MiB
    path.write_bytes(b"[" * n + b"]" * n)


def build_csv_commas(path: Path) -> None:
    """A 32 MiB CSV that is one line of commas."""
    path.write_bytes(b"," * (32 * MiB))


def build_csv_comma_lines(path: Path) -> None:
    """A 32 MiB CSV of lines ',,,,,,,' (8 bytes each)."""
    path.write_bytes(b",,,,,,,\n" * (4 * MiB))


def build_csv_rows(path: Path) -> None:
    """A 32 MiB CSV of valid-looking rows '1,2,0' (far more rows than the limit)."""
    path.write_bytes(b"x1,x2,y\n" + b"1,2,0\n" * ((32 * MiB - 8) // 6))


def build_npz_int8(path: Path) -> None:
    """A ~250 KB NPZ whose layer_1/W is int8 zeros 16000×16000 (256 MB unpacked)."""
    import numpy as np

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        meta = json.dumps(_weights_meta([2, 4, 1], ["tanh", "sigmoid"]))
        with z.open("metadata.npy", "w") as f:
            np.lib.format.write_array(f, np.array(meta))
        with z.open("layer_1/W.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(
                f, {"descr": "|i1", "fortran_order": False, "shape": (16000, 16000)})
            row = bytes(16000)
            for _ in range(16000):
                f.write(row)
    path.write_bytes(buf.getvalue())


def build_weights_json_zeros(path: Path) -> None:
    """A 64 MiB JSON weights file whose layers[0].W is [[0,0,…]]."""
    doc = _weights_meta([2, 4, 1], ["tanh", "sigmoid"])
    doc["layers"] = "@@"
    text = json.dumps(doc).encode()
    n = (64 * MiB - len(text)) // 2
    path.write_bytes(text.replace(b'"@@"', b'[{"W": [[' + b"0," * (n - 10) + b'0]]}]'))


def build_onnx_big_init(path: Path) -> None:
    """A 64 MiB ONNX model with one float32 initializer of 16 M zeros."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    meta = json.dumps(_weights_meta([2, 4, 1], ["tanh", "sigmoid"]))
    init = numpy_helper.from_array(np.zeros(16 * MiB // 1, dtype=np.float32)[: 16 * MiB - 64],
                                   "layer_1/W")
    graph = helper.make_graph([], "g", [], [], [init])
    model = helper.make_model(graph)
    model.metadata_props.add(key="backprop_playground", value=meta)
    path.write_bytes(model.SerializeToString())
    del onnx


CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "ws_zeros_64m": ("workspace", build_ws_zeros, "json"),
    "ws_field_zeros_64m": ("workspace", build_ws_field_zeros, "json"),
    "ws_long_row_30m": ("workspace", build_ws_long_row, "json"),
    "ws_values_at_cap": ("workspace", build_ws_values_at_cap, "json"),
    "ws_objects_at_cap": ("workspace", build_ws_objects_at_cap, "json"),
    "ws_long_string_64m": ("workspace", build_ws_long_string, "json"),
    "ws_deep_64m": ("workspace", build_ws_deep, "json"),
    "csv_commas_32m": ("csv", build_csv_commas, "csv"),
    "csv_comma_lines_32m": ("csv", build_csv_comma_lines, "csv"),
    "csv_rows_32m": ("csv", build_csv_rows, "csv"),
    "csv_max_rows": ("csv", build_csv_max_rows, "csv"),
    "csv_wide_ints": ("csv", build_csv_wide_ints, "csv"),
    "csv_max_columns": ("csv", build_csv_max_columns, "csv"),
    "npz_int8_16000": ("weights", build_npz_int8, "npz"),
    "weights_json_zeros_64m": ("weights", build_weights_json_zeros, "json"),
    "onnx_big_init_64m": ("weights", build_onnx_big_init, "onnx"),
}


def _status_kib(field: str) -> int | None:
    """A field of /proc/self/status in KiB (Linux), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> int:
    """Start measuring the peak from now; returns the current resident KiB. On Linux the peak
    (VmHWM) is reset through clear_refs, since ru_maxrss survives the fork and exec from a
    parent that was large while it built the file."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        rss = _status_kib("VmRSS")
        if rss is not None:
            return rss
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_kib() -> int:
    hwm = _status_kib("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(kind: str, path: str) -> None:
    """Load one file and print 'seconds peak_growth_bytes outcome' on one line."""
    sys.path.insert(0, str(ROOT))
    import numpy  # noqa: F401  (imported before the baseline, as the app has it)

    from engine.csvdata import read_csv_dataset
    from engine.importer import read_weights
    from engine.workspace import load_workspace

    loader = {"workspace": load_workspace, "weights": read_weights, "csv": read_csv_dataset}[kind]
    if kind == "weights":
        import onnx  # noqa: F401  (the ONNX reader imports it lazily)
    before = _reset_peak()
    start = time.perf_counter()
    try:
        loader(path)
        outcome = "loaded"
    except Exception as e:
        outcome = f"{type(e).__name__}: {e}"
    seconds = time.perf_counter() - start
    grown = (_peak_kib() - before) * 1024
    print(f"{seconds:.3f} {grown} {' '.join(outcome.split())[:100]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", action="append", choices=sorted(CASES))
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(*args.child)
        return
    names = args.case or list(CASES)
    print(f"{'case':24} {'file':>9} {'time':>8} {'peak +':>10} {'× file':>7}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            kind, build, ext = CASES[name]
            path = Path(tmp) / f"{name}.{ext}"
            build(path)
            size = path.stat().st_size
            try:
                out = subprocess.run(
                    [sys.executable, __file__, "--child", kind, str(path)], capture_output=True,
                    text=True, timeout=args.timeout, check=False)
                fields = out.stdout.strip().split(" ", 2)
                if len(fields) < 3:
                    raise ValueError(out.stderr.strip().splitlines()[-1:] or ["no output"])
                seconds, grown, outcome = float(fields[0]), int(fields[1]), fields[2]
                print(f"{name:24} {size / MiB:7.1f}Mi {seconds:7.2f}s {grown / MiB:8.0f}Mi "
                      f"{grown / size:6.1f}×  {outcome}", flush=True)
            except subprocess.TimeoutExpired:
                print(f"{name:24} {size / MiB:7.1f}Mi  > {args.timeout:.0f}s (killed)", flush=True)
            except ValueError as e:
                print(f"{name:24} {size / MiB:7.1f}Mi  child failed: {e}", flush=True)
            os.unlink(path)


if __name__ == "__main__":
    main()
