"""Loaders check sizes before they allocate, and every failure is their own one-line error
(issue 10). bench/loader_bounds.py measures the time and memory of the large cases."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from engine.csvdata import MAX_LINE_CHARS, MAX_LINES, CsvError, parse_csv_dataset
from engine.importer import WeightsError, parse_weights_bytes
from engine.io import jsonread, weights_npz
from engine.io.jsonread import MAX_KEYS, MAX_VALUES, JsonError, read_json
from engine.io.validate import number_array
from engine.presets import get_preset
from engine.trainer import Trainer
from engine.workspace import (
    WorkspaceError,
    parse_workspace_bytes,
    trainer_from_dict,
    workspace_to_dict,
)


def _meta(arch=(2, 4, 1)) -> dict:
    return {"format": "backprop-playground-weights", "version": 1, "architecture": list(arch),
            "activations": ["tanh", "sigmoid"], "use_bias": True, "features": ["x1", "x2"]}


def test_too_many_values_are_refused_from_the_bytes_before_parsing(monkeypatch) -> None:
    def never(*args, **kwargs):
        raise AssertionError("json.loads must not run")

    monkeypatch.setattr(jsonread.json, "loads", never)
    data = b"[" + b"0," * MAX_VALUES + b"0]"
    with pytest.raises(JsonError, match=r"^w\.json: too many values for a workspace"):
        read_json(data, "w.json", "workspace")
    with pytest.raises(JsonError, match="too many objects or fields"):
        read_json(b"[" + b"{}," * MAX_KEYS + b"{}]", "w.json", "workspace")


def test_a_wrong_shape_is_refused_before_any_number_is_looked_at() -> None:
    # A row of a million non-numbers: the shape is wrong, so no entry is inspected.
    with pytest.raises(ValueError, match=r"^w: expected shape \(2, 4\), got \(1, 1000000\)$"):
        number_array([["x"] * 1_000_000], "w", shape=(2, 4))


def test_exact_number_text_is_still_quoted_after_the_fast_parse() -> None:
    with pytest.raises(JsonError, match=r"a\[1\] is 1e999"):
        read_json(b'{"a": [0.5, 1e999]}', "f", "workspace")
    with pytest.raises(JsonError, match="is not allowed"):
        read_json(b'{"a": ' + b"9" * 5000 + b"}", "f", "workspace")


def test_npz_shapes_are_checked_from_the_headers_before_reading(monkeypatch) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        with z.open("metadata.npy", "w") as f:
            np.lib.format.write_array(f, np.array(json.dumps(_meta())))
        with z.open("layer_1/W.npy", "w") as f:
            np.lib.format.write_array(f, np.zeros((300, 300), dtype=np.int8))
    read_arrays = []
    original = np.lib.npyio.NpzFile.__getitem__

    def tracking(self, key):
        read_arrays.append(key)
        return original(self, key)

    monkeypatch.setattr(np.lib.npyio.NpzFile, "__getitem__", tracking)
    with pytest.raises(WeightsError, match=r"layer 1 W: expected shape \(2, 4\), got \(300, 300\)"):
        parse_weights_bytes(buf.getvalue(), "w.npz")
    assert read_arrays == ["metadata"]


def test_onnx_initializers_are_bounded_before_conversion() -> None:
    pytest.importorskip("onnx")
    from onnx import helper, numpy_helper

    init = numpy_helper.from_array(np.zeros(5000, dtype=np.float32), "layer_1/W")
    model = helper.make_model(helper.make_graph([], "g", [], [], [init]))
    model.metadata_props.add(key="backprop_playground", value=json.dumps(_meta()))
    with pytest.raises(WeightsError, match=r"initializer 'layer_1/W': shape \(5000,\) is not"):
        parse_weights_bytes(model.SerializeToString(), "w.onnx")


def test_csv_lines_and_columns_are_bounded_before_splitting() -> None:
    with pytest.raises(CsvError, match=f"line 1: {MAX_LINE_CHARS + 1} characters"):
        parse_csv_dataset("," * (MAX_LINE_CHARS + 1))
    with pytest.raises(CsvError, match="too many lines"):
        parse_csv_dataset("1,2,0\n" * (MAX_LINES + 1))
    with pytest.raises(CsvError, match="line 1: 100000 columns"):
        parse_csv_dataset(",".join(["1"] * 100_000) + "\n")


def test_a_quoted_csv_cell_may_hold_the_separator() -> None:
    data = parse_csv_dataset('x1,x2,y\n1,2,"a,b"\n2,1,c\n')
    assert [v for v, _ in data.label_mapping] == ["a,b", "c"]


def test_error_messages_are_one_short_line() -> None:
    long_name = "d" * 400 + ".csv"
    rows = "\n".join(f"{i},x{i},1" for i in range(50))
    with pytest.raises(CsvError) as e:
        parse_csv_dataset(rows, source=long_name)
    assert len(str(e.value)) <= 300 and "\n" not in str(e.value)
    doc = workspace_to_dict(Trainer(get_preset("tf_default")))
    doc["scenario"]["model"]["hidden"][0]["activation"] = "<b>x</b>\n" * 10_000
    with pytest.raises(WorkspaceError) as e:
        trainer_from_dict(parse_workspace_bytes(json.dumps(doc).encode()))
    assert len(str(e.value)) <= 300 and "\n" not in str(e.value)


def test_an_unexpected_exception_becomes_the_loaders_error(monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise MemoryError

    doc = workspace_to_dict(Trainer(get_preset("tf_default")))
    monkeypatch.setattr("engine.io.workspace.read_workspace", boom)
    with pytest.raises(WorkspaceError, match="cannot load this workspace \\(MemoryError\\)"):
        trainer_from_dict(doc)
    monkeypatch.setattr(weights_npz, "_read_npz_checked", lambda data: 1 / 0)
    with pytest.raises(WeightsError, match="ZeroDivisionError"):
        parse_weights_bytes(b"PK\x03\x04rest", "w.npz")
    monkeypatch.setattr("engine.csvdata._parse", boom)
    with pytest.raises(CsvError, match="MemoryError"):
        parse_csv_dataset("1,2,0\n")
