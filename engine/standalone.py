'''A trained network as a standalone Python script that needs nothing but NumPy.

The generated script embeds the weights as float literals written with Python's shortest
round-tripping repr (so they are the exact same doubles), computes the scenario's input
features from raw inputs and runs the forward pass with the same NumPy formulas as
``Activation.apply`` and ``Trainer.forward`` (each activation's source text is its
``Activation.script``), so its outputs equal ``Trainer.predict`` to the last bit on the same
machine. It offers ``predict(x_raw)`` for import and a command line::

    python model.py INPUTS.csv   # raw inputs, columns x1[,x2]; an optional header row
    python model.py INPUTS.npy   # an (N, d) array saved with numpy.save
    python model.py -            # CSV on standard input
    python model.py              # the training inputs embedded in the script (up to 1000)

and prints CSV: the inputs, then the outputs, every float written exactly. A CSV with a header
that names the columns x1 (and x2) may have other columns too (e.g. ``dataset_to_csv``'s label
and split), which are ignored.

The generator builds the text from validated names (features and activations come from fixed
tables) and numbers only; nothing from a file is pasted in as code.
'''

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.activations import get_activation
from engine.export_common import finite_layers, weights_metadata
from engine.features import raw_index

if TYPE_CHECKING:
    from engine.trainer import Trainer

MAX_EMBEDDED_INPUTS = 1000
"""At most this many training inputs are embedded as the script's default inputs…"""
MAX_EMBEDDED_NUMBERS = 100_000
"""…and at most this many numbers (a 784-column data set embeds 127 rows)."""

_FEATURE_CODE = {
    "x1": "x[:, 0]",
    "x2": "x[:, 1]",
    "x1_sq": "x[:, 0] * x[:, 0]",
    "x2_sq": "x[:, 1] * x[:, 1]",
    "x1_x2": "x[:, 0] * x[:, 1]",
    "sin_x1": "np.sin(x[:, 0])",
    "sin_x2": "np.sin(x[:, 1])",
}
"""The same expressions as engine.features._FORMULAS, as source text."""

_MAIN_CODE = '''

def raw_rows(x_raw):
    """Raw inputs as a float64 array (N, {n_inputs}); one sample may be given as a flat list."""
    x = np.asarray(x_raw, dtype=np.float64)
    if x.ndim == 1:
        x = x.reshape(-1, 1) if len(INPUTS) == 1 else x.reshape(1, -1)
    if x.ndim != 2 or x.shape[1] != len(INPUTS):
        raise ValueError(
            f"expected raw inputs of shape (N, {{len(INPUTS)}}) ({{', '.join(INPUTS)}}), "
            f"got {{x.shape}}"
        )
    return x


def features(x_raw):
    """The network's input features (N, {n_features}) from raw inputs (N, {n_inputs})."""
    x = raw_rows(x_raw)
    out = np.empty((x.shape[0], len(FEATURES)), dtype=np.float64)
{feature_lines}
    return out


def predict(x_raw):
    """Network outputs (N, {n_outputs}) for raw inputs (N, {n_inputs})."""
    a = features(x_raw)
    if MEAN is not None:  # the network reads standardised features
        a = (a - MEAN) / STD
    for (w, b), activation in zip(LAYERS, ACTIVATIONS):
        z = a @ w if b is None else a @ w + b
        a = ACTIVATION_FUNCTIONS[activation](z)
    return a


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_csv_inputs(text):
    """Raw inputs from CSV text: columns x1[,x2] (other columns allowed when a header names
    x1 and x2); blank lines and lines starting with # are skipped."""
    rows = []
    columns = None
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if columns is None:
            if not all(_is_number(c) for c in cells):
                missing = [name for name in INPUTS if name not in cells]
                if missing:
                    raise ValueError(
                        f"line {{number}}: the header has no column {{missing[0]!r}} "
                        f"(expected {{', '.join(INPUTS)}})"
                    )
                columns = [cells.index(name) for name in INPUTS]
                continue
            if len(cells) != len(INPUTS):
                raise ValueError(
                    f"line {{number}}: {{len(cells)}} values, expected {{len(INPUTS)}} "
                    f"({{', '.join(INPUTS)}}) or a header row naming them"
                )
            columns = list(range(len(INPUTS)))
        try:
            rows.append([float(cells[j]) for j in columns])
        except (IndexError, ValueError):
            raise ValueError(
                f"line {{number}}: expected numbers in columns {{', '.join(INPUTS)}}"
            ) from None
    if not rows:
        raise ValueError("no input rows")
    return np.array(rows, dtype=np.float64)


def read_inputs(path):
    """Raw inputs from a .npy file, a CSV file, or CSV on standard input ('-')."""
    if path == "-":
        return read_csv_inputs(sys.stdin.read())
    if path.lower().endswith(".npy"):
        return np.load(path, allow_pickle=False)
    with open(path, encoding="utf-8-sig") as f:
        return read_csv_inputs(f.read())


def main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(argv) > 1:
        print("usage: python model.py [INPUTS.csv | INPUTS.npy | -]", file=sys.stderr)
        return 2
    try:
        x = raw_rows(read_inputs(argv[0]) if argv else EXAMPLE_INPUTS)
        y = predict(x)
    except (OSError, ValueError) as e:
        print(f"error: {{e}}", file=sys.stderr)
        return 2
    try:
        out = csv.writer(sys.stdout, lineterminator="\\n")
        out.writerow(INPUTS + OUTPUTS)
        for xs, ys in zip(x.tolist(), y.tolist()):
            out.writerow([repr(float(v)) for v in xs + ys])
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''


def listed_names(names: tuple[str, ...]) -> str:
    """Names for the docstring: safe characters only (a header's text is never pasted in as
    code; the exact names are in the INPUTS literal), at most eight of them."""
    safe = ["".join(ch for ch in n if ch.isalnum() or ch in "_-. ") or "?" for n in names]
    return ", ".join(safe) if len(safe) <= 8 else f"{', '.join(safe[:3])}, … {safe[-1]} " \
        f"({len(safe)} columns)"


def array_literal(arr: np.ndarray) -> str:
    """An array as a NumPy expression whose floats are the exact same doubles."""
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 1:
        return "np.array([" + ", ".join(repr(float(v)) for v in arr) + "])"
    rows = ",\n        ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in arr)
    return f"np.array([\n        {rows},\n    ])"


def feature_lines(feats: tuple[str, ...]) -> str:
    """Source lines (indented 4) that fill ``out`` (N, n_features) from raw inputs ``x``
    (N, d), column by column, with the engine's own formulas."""
    columns = [raw_index(f) for f in feats]
    if len(feats) > 2 and all(c is not None for c in columns):
        return f"    out[:, :] = x[:, {columns!r}]"
    return "\n".join(f"    out[:, {j}] = {_FEATURE_CODE.get(f) or f'x[:, {raw_index(f)}]'}"
                     for j, f in enumerate(feats))


def standalone_script(trainer: Trainer) -> str:
    """The source of a NumPy-only script that reproduces the trainer's network."""
    from engine import __version__

    meta = weights_metadata(trainer)
    layers = finite_layers(trainer)
    spec = trainer.spec
    ds = trainer.dataset
    inputs = tuple(ds.input_names)
    feats = tuple(meta["features"])
    scaling = trainer.split.scaling
    acts = tuple(meta["activations"])
    k = spec.n_outputs
    outputs = ("output",) if k == 1 else tuple(f"p{j}" for j in range(k))
    arch = "-".join(str(n) for n in spec.sizes)
    output = get_activation(acts[-1])
    if output.one_hot:
        meaning = f"class probabilities p0 … p{k - 1} (softmax)"
    elif ds.task == "classification":
        meaning = f"one score ({acts[-1]}); class 1 where it exceeds {output.threshold}"
    else:
        meaning = f"the predicted target ({acts[-1]})"
    examples = ds.x[trainer.train_idx[:min(MAX_EMBEDDED_INPUTS,
                                           MAX_EMBEDDED_NUMBERS // ds.n_inputs)]]
    shown_inputs = listed_names(inputs)
    d = len(inputs)
    example = f"[[{', '.join(['0.5'] * d)}]]" if d <= 4 else f"[[0.5] * {d}]"

    doc = f'''"""A trained Backprop Playground network as a standalone script (NumPy only).

Network {arch}: activations {", ".join(acts)}; biases {"yes" if spec.use_bias else "no"};
trained {trainer.epoch} epochs with loss {meta["loss"]}.
Raw inputs: {shown_inputs}. Features fed to the network, in order: {listed_names(feats)}{
    ", standardised with MEAN and STD (the training split's)" if scaling else ""}.
Output: {meaning}.
Convention: {meta["convention"]}.

From Python (model.py being this file):
    from model import predict
    predict({example})   # -> array of shape (N, {k})

From the command line (prints CSV: the inputs, then {", ".join(outputs)}, exact floats):
    python model.py INPUTS.csv   raw inputs, columns {shown_inputs}; an optional header row
                                 naming them (other columns are then ignored)
    python model.py INPUTS.npy   an (N, {len(inputs)}) array saved with numpy.save
    python model.py -            CSV on standard input
    python model.py              the {len(examples)} training inputs embedded below

Generated by Backprop Playground {__version__}; needs only NumPy.
"""
'''

    parts = [
        "#!/usr/bin/env python3\n",
        doc,
        "\nimport csv\nimport io\nimport os\nimport sys\n\nimport numpy as np\n\n",
        f"INPUTS = {inputs!r}\n",
        f"FEATURES = {feats!r}\n",
        f"ACTIVATIONS = {acts!r}\n",
        f"MEAN = {array_literal(scaling.mean) if scaling else None}\n",
        f"STD = {array_literal(scaling.scale) if scaling else None}\n",
        f"OUTPUTS = {outputs!r}\n\n",
        "# (W, b) per layer, W of shape (n_in, n_out): z = a_prev @ W + b\n",
        "LAYERS = [\n",
    ]
    for l, (w, b) in enumerate(layers, start=1):
        shape = f"W {w.shape}, b {'None' if b is None else b.shape}"
        b_text = "None" if b is None else array_literal(b)
        parts.append(f"    # layer {l}: {shape}\n    ({array_literal(w)},\n     {b_text}),\n")
    parts.append("]\n\n")
    parts.append(f"EXAMPLE_INPUTS = {array_literal(examples)}\n\n")
    for key in dict.fromkeys(acts):
        parts.append("\n" + get_activation(key).script + "\n")
    parts.append(
        "\nACTIVATION_FUNCTIONS = {"
        + ", ".join(f"{a!r}: {a}" for a in dict.fromkeys(acts))
        + "}\n"
    )
    parts.append(_MAIN_CODE.format(
        feature_lines=feature_lines(feats), n_features=len(feats), n_inputs=len(inputs),
        n_outputs=k,
    ))
    return "".join(parts)
