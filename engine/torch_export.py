"""PyTorch hand-over: the trained network as one Python file that builds it as
``torch.nn.Sequential`` and trains it exactly as the app does.

The file defines ``build_model()`` — Linear and activation modules alternating (layer l is
module 2(l − 1), its activation module 2l − 1, so the state_dict keys are ``0.weight``
(n_out, n_in), ``0.bias``, ``2.weight`` …), float64, with the trained weights loaded — which
takes the network's inputs a⁰: the features (``features(x_raw)``, the engine's formulas) and,
when the scenario standardises, (features − MEAN) / STD (``network_inputs(x_raw)``). A softmax
output is an ``nn.Softmax(dim=-1)`` module, so the model outputs probabilities as the engine
does; the categorical cross-entropy is taken from the logits (``model[:-1]``).

``train(epochs)`` (and ``python FILE [EPOCHS] [--save W.safetensors]``) trains with the app's
loss and reduction, optimiser (torch.optim.SGD, SGD with momentum, Adam, hyperparameters as
set), L1/L2 on the weights' gradient only, batch size and sample order (the engine's own
per-epoch permutation, so both visit the samples alike), and TensorFlow Playground's rules
when they are on (fixed order with the carried-over samples, the separate regularisation step
and the L1 clamp). The optimiser starts with fresh state, as after File › Import weights. The
training loop is ``engine.torch_script``; this module writes the part that differs per
network.

The weights are embedded as exact float64 literals (repr), or with ``weights_beside`` — and
whenever their text would pass ``MAX_EMBEDDED_WEIGHT_CHARS`` — read from ``NAME.safetensors``
beside the file (``engine.safetensors_export``). The training data (raw inputs and targets
of the training split, in its order) is embedded when its text fits in
``MAX_EMBEDDED_DATA_CHARS``, else written to ``NAME_data.npz`` beside it. Activations, losses or
optimisers without a PyTorch form here are refused with one line (``ExportError``).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engine.activations import LEAKY_SLOPE, get_activation
from engine.export_common import ExportError, finite_layers, weights_metadata
from engine.safetensors_export import (
    module_index,
    safetensors_metadata,
    weights_to_safetensors_bytes,
)
from engine.standalone import array_literal, feature_lines, listed_names
from engine.torch_script import TRAINING_CODE

if TYPE_CHECKING:
    from engine.trainer import Trainer

TORCH_MODULES: dict[str, str] = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": f"nn.LeakyReLU({LEAKY_SLOPE!r})",
    "linear": "nn.Identity()",
    "softmax": "nn.Softmax(dim=-1)",
    "elu": "nn.ELU(alpha=1.0)",
    "softplus": "nn.Softplus(beta=1.0, threshold=float('inf'))",  # smooth, as the engine's
    "silu": "nn.SiLU()",
    "gelu": "nn.GELU(approximate='none')",
    "gelu_tanh": "nn.GELU(approximate='tanh')",
    "sine": "Sine()",
}
"""Engine activation → the source of the PyTorch module that computes it."""
TORCH_LOSSES = ("mse", "half_se", "bce", "cce")
TORCH_OPTIMIZERS = {"sgd": "torch.optim.SGD", "momentum": "torch.optim.SGD with momentum",
                    "rmsprop": "torch.optim.RMSprop", "adagrad": "torch.optim.Adagrad",
                    "adam": "torch.optim.Adam"}
TORCH_REGULARIZATIONS = ("none", "l1", "l2")
MAX_EMBEDDED_DATA_CHARS = 1_000_000
"""Training data whose literals would be longer goes to NAME_data.npz beside the script."""
MAX_EMBEDDED_WEIGHT_CHARS = 4_000_000
"""Weights whose literals would be longer go to NAME.safetensors beside the script."""

Files = list[tuple[Path, bytes]]


def torch_problem(trainer: Trainer) -> str | None:
    """Why this network or its training has no PyTorch form here, in one line, or None."""
    for l, layer in enumerate(trainer.spec.layers, start=1):
        if layer.activation not in TORCH_MODULES:
            return (f"cannot export for PyTorch: layer {l} uses the {layer.activation} "
                    f"activation, which this export has no PyTorch module for (it has: "
                    f"{', '.join(TORCH_MODULES)})")
    t = trainer.scenario.train
    if t.loss not in TORCH_LOSSES:
        return (f"cannot export for PyTorch: the {t.loss} loss has no PyTorch form here (it "
                f"has: {', '.join(TORCH_LOSSES)})")
    opt = t.optimizer
    if opt.kind not in TORCH_OPTIMIZERS:
        return f"cannot export for PyTorch: the {opt.kind} optimiser has no PyTorch form here"
    if opt.regularization not in TORCH_REGULARIZATIONS:
        return (f"cannot export for PyTorch: {opt.regularization} regularisation has no "
                "PyTorch form here")
    return None


def torch_export_files(trainer: Trainer, path: str | Path,
                       weights_beside: bool = False) -> Files:
    """Every file of a PyTorch export to ``path``, the script last: [(path, bytes), …].
    Nothing is written here; raises ExportError for what cannot be exported."""
    problem = torch_problem(trainer)
    if problem is not None:
        raise ExportError(problem)
    finite_layers(trainer)  # NaN or Inf: refused before anything is built
    path = Path(path)
    files: Files = []
    state = _state_literal(trainer)
    weights_file = None
    if weights_beside or len(state) > MAX_EMBEDDED_WEIGHT_CHARS:
        weights_file = path.with_suffix(".safetensors")
        files.append((weights_file, weights_to_safetensors_bytes(trainer)))
    ds = trainer.dataset
    x_raw = ds.x[trainer.train_idx]
    y = np.ascontiguousarray(trainer.split.y_train.T)
    data_text = f"X_RAW = {array_literal(x_raw)}\nY = {array_literal(y)}\n"
    data_file = None
    if len(data_text) > MAX_EMBEDDED_DATA_CHARS:
        data_file = path.with_name(f"{path.stem}_data.npz")
        buf = io.BytesIO()
        np.savez(buf, x_raw=np.asarray(x_raw, np.float64), y=y)
        files.append((data_file, buf.getvalue()))
        data_text = "X_RAW = Y = None  # in DATA_FILE\n"
    script = torch_script(trainer, state, data_text,
                          None if weights_file is None else weights_file.name,
                          None if data_file is None else data_file.name, path.stem)
    files.append((path, script.encode("utf-8")))
    return files


def _state_literal(trainer: Trainer) -> str:
    """``STATE = {"0.weight": [[…], …], …}``: the state_dict as exact float literals."""
    lines = ["STATE = {"]
    for l, (w, b) in enumerate(finite_layers(trainer), start=1):
        i = module_index(l)
        rows = ",\n        ".join("[" + ", ".join(repr(float(v)) for v in row) + "]"
                                  for row in w.T)
        lines.append(f"    # layer {l}: Linear({w.shape[0]}, {w.shape[1]}), weight "
                     f"(n_out, n_in) = the app's W{l} transposed")
        lines.append(f"    {f'{i}.weight'!r}: [\n        {rows},\n    ],")
        if b is not None:
            lines.append(f"    {f'{i}.bias'!r}: [{', '.join(repr(float(v)) for v in b)}],")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _safe(name: str) -> str:
    """A file name for the docstring: safe characters only (it is never pasted in as code;
    the exact names are in the WEIGHTS_FILE and DATA_FILE literals)."""
    return "".join(ch for ch in name if ch.isalnum() or ch in "_-. ") or "model"


def _doc(trainer: Trainer, weights_file: str | None, data_file: str | None, name: str) -> str:
    """The generated file's docstring: what it holds and how it trains, wrapped to 88."""
    weights_file = None if weights_file is None else _safe(weights_file)
    data_file = None if data_file is None else _safe(data_file)
    name = _safe(name).removesuffix(".py") or "model_torch"
    meta = weights_metadata(trainer)
    spec, t = trainer.spec, trainer.scenario.train
    opt = t.optimizer
    acts = meta["activations"]
    modules = ", ".join(f"Linear({a}, {b}), {TORCH_MODULES[act].removeprefix('nn.')}"
                        for (a, b), act in zip(spec.shapes(), acts, strict=True))
    if opt.kind == "adam":
        how = (f"torch.optim.Adam(lr={opt.learning_rate!r}, betas=({opt.beta1!r}, "
               f"{opt.beta2!r}), eps={opt.epsilon!r})")
    elif opt.kind == "momentum":
        how = f"torch.optim.SGD(lr={opt.learning_rate!r}, momentum={opt.momentum!r})"
    else:
        how = f"torch.optim.SGD(lr={opt.learning_rate!r})"
    reg = {"none": "none",
           "l2": f"L2, {opt.reg_rate!r}·w added to each weight's gradient (never a bias's)",
           "l1": f"L1, {opt.reg_rate!r}·sign(w) added to each weight's gradient (never a "
                 "bias's)"}[opt.regularization]
    order = ("a fixed order" if t.tf_rules or not t.shuffle else
             f"shuffled each epoch with the app's own generator (seed {t.seed}), so both "
             "visit the samples alike")
    k = spec.n_outputs
    output = (f"class probabilities (N, {k}) (the last module is Softmax)"
              if get_activation(acts[-1]).one_hot else f"(N, {k}), {acts[-1]}")
    scaled = (", standardised with MEAN and STD (the training split's)"
              if trainer.split.scaling else "")
    weights = (f"in {weights_file} beside this file (safetensors)" if weights_file
               else "embedded below as exact float64 literals")
    data = f"in {data_file} beside this file" if data_file else "embedded below"
    paragraphs = [
        f"Network {'-'.join(map(str, spec.sizes))}: {modules}; biases "
        f"{'yes' if spec.use_bias else 'no'}. Trained {trainer.epoch} epochs in the app. "
        f"Output: {output}.",
        f"build_model() takes the network's inputs (N, {spec.sizes[0]}); network_inputs(x_raw) "
        f"computes them from the raw inputs ({listed_names(tuple(trainer.dataset.input_names))}"
        f"): the features {listed_names(tuple(meta['features']))}{scaled}.",
        f"Weights: {weights}. Training data: the app's {trainer.n_train} training samples in "
        f"its order, {data}.",
        "Training, as the app does it (its tests compare one step and whole epochs with the "
        "app to 1e-12):",
    ]
    bullets = [
        f"loss {t.loss}, the {t.reduction} over each minibatch; the printed loss is the mean "
        "per training sample, as the app's loss history",
        f"{how}, starting with fresh state (as after File › Import weights)",
        f"regularisation: {reg}",
        f"minibatches of {t.batch_size}, in {order}",
    ]
    if t.tf_rules:
        bullets.append(
            "TensorFlow Playground's rules (TF_RULES): the sample order is fixed and the last "
            "n mod B samples join the next epoch's first step; regularisation is a separate "
            "step after the optimiser's, w ← w − lr·λ·R′(w before), and an L1 step that "
            "carries a weight across zero sets it to 0 and kills its link")
    text = "\n\n".join(textwrap.fill(p, 88) for p in paragraphs) + "\n"
    text += "".join(textwrap.fill(b, 88, initial_indent="- ", subsequent_indent="  ") + "\n"
                    for b in bullets)
    return f'''"""A trained Backprop Playground network for PyTorch (torch.nn.Sequential, float64).

{text}
From Python ({name}.py being this file):
    from {name} import build_model, network_inputs, predict, train, save_safetensors
    model = build_model()
    model(torch.as_tensor(network_inputs(x_raw)))   # outputs; or predict(x_raw)
    model = train(10)                               # 10 more epochs, printing the loss
    save_safetensors(model, "trained.safetensors")  # File › Import weights reads it

From the command line:
    python {name}.py [EPOCHS] [--save FILE.safetensors]   (EPOCHS defaults to 5)

Needs PyTorch and NumPy{" and safetensors" if weights_file else ""}. Made by Backprop Playground.
"""
'''


def torch_script(trainer: Trainer, state: str, data_text: str, weights_file: str | None,
                 data_file: str | None, name: str = "model_torch") -> str:
    """The script's text: the parts that differ per network, then ``TRAINING_CODE``."""
    spec, t = trainer.spec, trainer.scenario.train
    opt = t.optimizer
    meta = weights_metadata(trainer)
    scaling = trainer.split.scaling
    feats = tuple(meta["features"])
    header = [
        "#!/usr/bin/env python3\n",
        _doc(trainer, weights_file, data_file, name),
        "\nimport argparse\nimport math\nimport os\nimport sys\n\nimport numpy as np\n"
        "import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n\n"
        "HERE = os.path.dirname(os.path.abspath(__file__))\n\n\n"
        "class Sine(nn.Module):\n"
        "    \"\"\"sin(z), elementwise (the app's sine activation).\"\"\"\n\n"
        "    def forward(self, z):\n        return torch.sin(z)\n\n\n",
        f"INPUTS = {tuple(trainer.dataset.input_names)!r}\n",
        f"FEATURES = {feats!r}\n",
        f"ARCHITECTURE = {tuple(spec.sizes)!r}\n",
        f"ACTIVATIONS = {tuple(meta['activations'])!r}\n",
        f"USE_BIAS = {spec.use_bias!r}\n",
        f"MEAN = {array_literal(scaling.mean) if scaling else None}\n",
        f"STD = {array_literal(scaling.scale) if scaling else None}\n\n",
        "# Training, as the app had it set\n",
        f"LOSS = {t.loss!r}\nREDUCTION = {t.reduction!r}\n",
        f"OPTIMIZER = {opt.kind!r}\nLEARNING_RATE = {opt.learning_rate!r}\n",
        f"MOMENTUM = {opt.momentum!r}\nBETAS = ({opt.beta1!r}, {opt.beta2!r})\n",
        f"EPSILON = {opt.epsilon!r}\nALPHA = {opt.alpha!r}\n",
        f"REGULARIZATION = {opt.regularization!r}\nREG_RATE = {opt.reg_rate!r}\n",
        f"BATCH_SIZE = {t.batch_size!r}\nSHUFFLE = {t.shuffle!r}\nSEED = {t.seed!r}\n",
        f"TF_RULES = {t.tf_rules!r}\n",
        f"EPOCH = {trainer.epoch!r}  # the app's epoch count: epochs here continue from it\n",
        f"BATCH_INDEX = {trainer.batch_index!r}  # the app's next minibatch within it\n\n",
        "# The safetensors __metadata__ save_safetensors writes (what the app reads back)\n",
        "METADATA = {\n" + "".join(f"    {k!r}: {v!r},\n"
                                   for k, v in safetensors_metadata(trainer).items()) + "}\n\n",
        f"WEIGHTS_FILE = {weights_file!r}\nDATA_FILE = {data_file!r}\n\n",
        state if weights_file is None else "STATE = None  # in WEIGHTS_FILE\n",
        "\n# The training split: raw inputs (N, d) and targets (N, K), in the app's order\n",
        data_text,
    ]
    body = [
        "\n\ndef features(x_raw):\n",
        '    """The network\'s input features (N, len(FEATURES)) from raw inputs (N, d)."""\n',
        "    x = np.asarray(x_raw, dtype=np.float64)\n",
        "    if x.ndim != 2 or x.shape[1] != len(INPUTS):\n",
        '        raise ValueError(f"expected raw inputs of shape (N, {len(INPUTS)}), got '
        '{x.shape}")\n',
        "    out = np.empty((x.shape[0], len(FEATURES)), dtype=np.float64)\n",
        feature_lines(feats) + "\n",
        "    return out\n\n\n",
        "def build_model():\n",
        '    """The trained network, float64; it takes network_inputs(x_raw)."""\n',
        "    model = nn.Sequential(\n",
    ]
    for l, ((n_in, n_out), layer) in enumerate(zip(spec.shapes(), spec.layers, strict=True),
                                               start=1):
        i = module_index(l)
        body.append(f"        nn.Linear({n_in}, {n_out}, bias={spec.use_bias!r}, "
                    f"dtype=torch.float64),  # {i}: layer {l}\n")
        body.append(f"        {TORCH_MODULES[layer.activation]},  # {i + 1}\n")
    body += ["    )\n", "    model.load_state_dict(trained_state())\n", "    return model\n"]
    return "".join(header + body) + TRAINING_CODE
