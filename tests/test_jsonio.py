"""Tests for the I/O core: the one strict JSON reader (engine.io.jsonread), the validation kit
(engine.io.validate), and that workspaces, presets, scenarios and weights share their rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.io import formats
from engine.io.jsonread import MAX_DEPTH, JsonError, check_json_values, read_json
from engine.io.validate import FieldError, Fields, number_array, quote
from engine.presets import PRESET_DIR, get_preset, load_presets
from engine.scenario import scenario_from_dict
from engine.trainer import Trainer
from engine.workspace import workspace_to_dict

MAX_LINE = 300


def refused(data: bytes, *words: str) -> str:
    with pytest.raises(JsonError) as e:
        read_json(data, "f.json")
    msg = str(e.value)
    assert "\n" not in msg and len(msg) <= MAX_LINE, msg
    for w in words:
        assert w in msg, msg
    return msg


# ---------------------------------------------------------------------------------------------
# The strict reader
# ---------------------------------------------------------------------------------------------


def test_plain_json_reads_as_python_values() -> None:
    doc = read_json(b'\xef\xbb\xbf{"a": [1, 2.5, "x", true, null], "b": {"c": -0.0}}', "f.json")
    assert doc == {"a": [1, 2.5, "x", True, None], "b": {"c": -0.0}}
    assert type(doc["a"][0]) is int


def test_duplicate_keys_are_refused_naming_the_key_and_the_object() -> None:
    refused(b'{"a": 1, "a": 2}', "f.json", "'a'", "twice")
    msg = refused(b'{"state": {"layers": [{"W": 1, "b": 2, "W": 3}]}}', "'W'", "twice")
    assert "state.layers[0]" in msg


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_refused(token: str) -> None:
    refused(f'{{"lr": {token}}}'.encode(), "lr:", token, "not allowed")
    refused(f'{{"w": [0.5, {token}]}}'.encode(), "w: contains", f"w[1] is {token}")


def test_huge_numbers_are_refused_only_when_no_float_can_hold_them() -> None:
    """The one rule for every file: a number is refused exactly when it has no finite float
    value; an integer that has one stays an exact int (its field's range check bounds it)."""
    refused(b'{"x": 1e999}', "x: 1e999 is not allowed")
    refused(b'{"x": -2e400}', "x: -2e400")
    refused(b'{"x": ' + b"9" * 400 + b"}", "x: 9999", "not allowed")
    refused(b'{"x": [' + b"9" * 100_000 + b"]}", "x: contains Inf")
    doc = read_json(b'{"seed": 9223372036854775807, "big": ' + b"1" + b"0" * 40 + b"}", "f")
    assert doc == {"seed": 2**63 - 1, "big": 10**40}
    assert read_json(b"[1.7976931348623157e308, 5e-324]", "f") == [1.7976931348623157e308,
                                                                    5e-324]


def test_nesting_is_bounded() -> None:
    ok = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    read_json(ok, "f.json")
    refused(b"[" * (MAX_DEPTH + 2) + b"]" * (MAX_DEPTH + 2), "nested too deeply")
    refused(b"[" * 200_000 + b"]" * 200_000, "nested too deeply")


def test_bad_text_and_syntax() -> None:
    refused(b"", "f.json: the file is empty")
    refused(b'{"a": "\xe9"}', "UTF-8")
    refused(b'{"a": [1, 2', "truncated")
    refused(b'{"a": 1} x', "not valid JSON", "line 1")


def test_values_built_in_python_are_checked_the_same_way() -> None:
    with pytest.raises(JsonError, match=r"a\.b: nan is not allowed"):
        check_json_values({"a": {"b": float("nan")}})
    with pytest.raises(JsonError, match=r"a: contains Inf \(a\[0\] is inf"):
        check_json_values({"a": [float("inf")]})
    with pytest.raises(JsonError, match="a key is not a string"):
        check_json_values({1: 2})
    with pytest.raises(JsonError, match="not a JSON value"):
        check_json_values({"a": object()})


# ---------------------------------------------------------------------------------------------
# The kit
# ---------------------------------------------------------------------------------------------


def test_fields_name_the_full_path() -> None:
    doc = {"model": {"hidden": [{"units": 4, "activation": "tanh"},
                                {"units": 2, "activation": "relu6"}]}}
    with pytest.raises(ValueError) as e:
        scenario_from_dict(doc, path="scenario")
    assert str(e.value).startswith(
        "scenario.model.hidden[1].activation (hidden layer 2): unknown 'relu6' (known: "
        "sigmoid, tanh, ")
    f = Fields({"n": True, "odd key": 1}, "top")
    with pytest.raises(FieldError, match=r"^top\.n: expected an integer, got a boolean$"):
        f.integer("n")
    with pytest.raises(FieldError, match=r"^top\.m: missing$"):
        f.integer("m")
    with pytest.raises(FieldError, match=r"top\['odd key'\]: unknown field"):
        Fields({"odd key": 1}, "top", known=("n",))


def test_arrays_name_ragged_rows_and_wrong_shapes() -> None:
    with pytest.raises(FieldError, match=r"w: rows of different lengths; w\[1\]: has length 1"):
        number_array([[1, 2], [3]], "w", ndim=2)
    with pytest.raises(FieldError, match=r"w: expected shape \(3,\), got \(2,\)"):
        number_array([1, 2], "w", shape=(3,))
    with pytest.raises(FieldError, match=r"w\[0\]\[1\]: expected a number, got a string"):
        number_array([[1, "2"]], "w", ndim=2)


def test_quoted_input_is_shortened() -> None:
    assert len(quote("x" * 10_000)) <= 62
    assert len(quote(10**300)) <= 60


@pytest.mark.parametrize("where", ["activation", "key", "format"])
def test_huge_input_never_makes_a_huge_message(where: str) -> None:
    from engine.workspace import WorkspaceError, parse_workspace_bytes, trainer_from_dict

    doc = workspace_to_dict(Trainer(get_preset("xor_221")))
    huge = "<b>" + "r" * 1_000_000
    if where == "activation":
        doc["scenario"]["model"]["hidden"][0]["activation"] = huge
    elif where == "key":
        doc[huge] = 1
    else:
        doc["format"] = huge
    with pytest.raises(WorkspaceError) as e:
        trainer_from_dict(parse_workspace_bytes(json.dumps(doc).encode(), "w.json"))
    assert len(str(e.value)) <= MAX_LINE, str(e.value)[:400]


# ---------------------------------------------------------------------------------------------
# Every file kind goes through the same reader
# ---------------------------------------------------------------------------------------------


def test_workspace_with_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    from engine.workspace import WorkspaceError, load_workspace, workspace_to_json

    text = workspace_to_json(Trainer(get_preset("xor_221")))
    text = text.replace('"epoch": 0,', '"epoch": 0, "epoch": 5,', 1)
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"state: the key 'epoch' appears twice"):
        load_workspace(path)


def test_weights_with_a_duplicate_key_are_refused(tmp_path: Path) -> None:
    from engine.export import weights_to_json_text
    from engine.importer import WeightsError, read_weights

    text = weights_to_json_text(Trainer(get_preset("xor_221")))
    assert text.count('"use_bias": true') == 1
    text = text.replace('"use_bias": true', '"use_bias": true, "use_bias": false')
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WeightsError, match=r"dup\.json: .*'use_bias' appears twice"):
        read_weights(path)


def test_presets_are_read_strictly(tmp_path: Path) -> None:
    text = sorted(PRESET_DIR.glob("*.json"))[0].read_text(encoding="utf-8")
    (tmp_path / "a.json").write_text(text.replace("{", '{"key": "x", "key": "y", ', 1),
                                     encoding="utf-8")
    with pytest.raises(ValueError, match=r"preset a\.json: .*'key' appears twice"):
        load_presets(tmp_path)


def test_format_constants_have_one_home() -> None:
    import engine.export as export
    import engine.onnx_export as onnx_export
    import engine.workspace as workspace

    assert workspace.WORKSPACE_FORMAT is formats.WORKSPACE_FORMAT
    assert workspace.SCHEMA_VERSION == formats.WORKSPACE_SCHEMA_VERSION
    assert export.WEIGHTS_FORMAT is formats.WEIGHTS_FORMAT
    assert export.WEIGHTS_VERSION == formats.WEIGHTS_VERSION
    assert export.CONVENTION is formats.WEIGHTS_CONVENTION
    assert onnx_export.METADATA_KEY is formats.ONNX_METADATA_KEY


def test_old_import_paths_keep_working() -> None:
    from engine.csvdata import read_csv_dataset, scenario_for_csv  # noqa: F401
    from engine.importer import (  # noqa: F401
        ImportedWeights,
        WeightsError,
        apply_weights,
        check_compatible,
        parse_weights_bytes,
        read_weights,
        scenario_for_weights,
        with_start_weights,
    )
    from engine.presets import DEFAULT_PRESET, get_preset, load_presets  # noqa: F401
    from engine.scenario import (  # noqa: F401
        MAX_SEED,
        CustomData,
        DataSpec,
        InitSpec,
        LayerSpec,
        ModelSpec,
        Scenario,
        TrainSpec,
        dataset_shape,
        fit_to_data,
        network_spec,
        output_units,
        scenario_from_dict,
        scenario_to_dict,
        validate,
        weights_from_json,
        weights_to_json,
    )
    from engine.workspace import (  # noqa: F401
        WORKSPACE_FORMAT,
        WorkspaceError,
        load_workspace,
        parse_workspace_bytes,
        save_workspace,
        trainer_from_dict,
        workspace_to_dict,
        workspace_to_json,
    )


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_integers_beyond_the_float_range_are_refused_by_path(value: int) -> None:
    """Built in Python (not parsed), such an integer is still a ValueError, never a crash."""
    with pytest.raises(ValueError, match=r"^train\.optimizer\.momentum: must be finite"):
        scenario_from_dict({"train": {"optimizer": {"momentum": value}}})
    with pytest.raises(FieldError, match=r"^w: contains Inf"):
        number_array([[1.0, value]], "w", ndim=2)
