'''The fixed part of the PyTorch script ``engine.torch_export`` writes: loading the weights and
the data, the loss, the optimiser and the training loop with the app's rules.

It reads the constants the generated part defines above it (LOSS, REDUCTION, OPTIMIZER,
LEARNING_RATE, MOMENTUM, BETAS, EPSILON, REGULARIZATION, REG_RATE, BATCH_SIZE, SHUFFLE, SEED,
TF_RULES, EPOCH, BATCH_INDEX, METADATA, WEIGHTS_FILE, DATA_FILE, STATE, X_RAW, Y, MEAN, STD)
and its functions ``features`` and ``build_model``. Nothing in it is filled in: it is the same
text in every export, tested once for every combination of settings (tests/test_torch_export.py).
'''

from __future__ import annotations

TRAINING_CODE = '''

def trained_state():
    """The trained weights as a state_dict of float64 tensors ("0.weight" (n_out, n_in), …)."""
    if WEIGHTS_FILE is None:
        return {key: torch.tensor(value, dtype=torch.float64) for key, value in STATE.items()}
    from safetensors.torch import load_file

    return load_file(os.path.join(HERE, WEIGHTS_FILE))


def training_data():
    """(x_raw (N, d), y (N, K)): the app's training samples in its order, and their targets."""
    if DATA_FILE is None:
        return X_RAW, Y
    with np.load(os.path.join(HERE, DATA_FILE), allow_pickle=False) as data:
        return data["x_raw"], data["y"]


def network_inputs(x_raw):
    """What the network reads (N, n_features): the features, standardised with MEAN and STD
    when the app standardised them."""
    a = features(x_raw)
    return a if MEAN is None else (a - MEAN) / STD


def predict(x_raw, model=None):
    """Network outputs (N, K) as a NumPy array, for raw inputs (N, d)."""
    model = build_model() if model is None else model
    with torch.no_grad():
        return model(torch.as_tensor(network_inputs(x_raw))).numpy()


def sample_losses(model, x, y):
    """The loss of each sample (N,) for inputs x (N, n_features) and targets y (N, K)."""
    z = model[:-1](x)  # the output layer's pre-activation (the logits)
    if LOSS == "bce":  # -mean_k [y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))], from z
        return F.binary_cross_entropy_with_logits(z, y, reduction="none").mean(dim=1)
    if LOSS == "cce":  # -sum_k y log softmax(z): cross_entropy takes the logits
        return F.cross_entropy(z, y, reduction="none")
    o = model[-1](z)
    if LOSS == "mse":  # mean_k (o - y)^2
        return ((o - y) ** 2).mean(dim=1)
    return 0.5 * ((o - y) ** 2).sum(dim=1)  # half_se: 1/2 sum_k (o - y)^2


def batch_loss(model, x, y):
    """The minibatch loss whose gradient each step takes: the mean or the sum (REDUCTION)."""
    losses = sample_losses(model, x, y)
    return losses.mean() if REDUCTION == "mean" else losses.sum()


def make_optimizer(model):
    """The app's optimiser, with fresh state (as after File > Import weights in the app)."""
    if OPTIMIZER == "adam":
        return torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=BETAS, eps=EPSILON)
    if OPTIMIZER == "rmsprop":
        return torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=ALPHA, eps=EPSILON)
    if OPTIMIZER == "adagrad":
        return torch.optim.Adagrad(model.parameters(), lr=LEARNING_RATE, eps=EPSILON)
    momentum = MOMENTUM if OPTIMIZER == "momentum" else 0.0  # v <- mu v + g; w <- w - lr v
    return torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=momentum)


def batches(n, epoch):
    """The training-set positions of each minibatch of epoch ``epoch``, in the app's order:
    a fresh permutation per epoch when shuffling (the app's own generator, so both visit the
    samples alike), else the fixed order. TF rules: the last n mod B samples join the next
    epoch's first step."""
    size = min(BATCH_SIZE, n)
    carry = n % size if TF_RULES else 0
    reshuffles = SHUFFLE and not TF_RULES and n - carry > size
    order = np.random.default_rng((SEED, epoch)).permutation(n) if reshuffles else np.arange(n)
    out = []
    for start in range(0, n - carry, size):
        rows = order[start:start + size]
        if carry and start == 0 and epoch > 0:
            rows = np.concatenate([np.arange(n - carry, n), rows])
        out.append(rows)
    return out


class Training:
    """A model, its optimiser and the app's training rules, at epoch ``epoch`` (and batch
    ``batch`` of it; by default where the app stood). ``step(rows)`` trains on the training
    samples at positions ``rows``, ``train_step()`` on the next minibatch in the app's order,
    ``run_epoch()`` on the rest of the epoch."""

    def __init__(self, model=None, epoch=EPOCH, batch=None):
        x_raw, y = training_data()
        self.x = torch.as_tensor(network_inputs(x_raw))
        self.y = torch.as_tensor(np.asarray(y, dtype=np.float64))
        self.model = build_model() if model is None else model
        self.optimizer = make_optimizer(self.model)
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        self.alive = [torch.ones_like(m.weight) for m in self.linears]
        """TF rules: 0.0 for a dead link (an L1 step carried its weight across zero)."""
        self.epoch = epoch
        self.batch = (BATCH_INDEX if epoch == EPOCH else 0) if batch is None else batch

    def step(self, rows):
        """One minibatch: the gradient, regularisation, the optimiser's step. Returns the
        batch loss before the step."""
        rows = torch.as_tensor(np.asarray(rows, dtype=np.int64))
        self.optimizer.zero_grad()
        loss = batch_loss(self.model, self.x[rows], self.y[rows])
        loss.backward()
        with torch.no_grad():
            after = self._regularise()
            self.optimizer.step()
            if TF_RULES:
                self._tf_regularisation_step(after)
        return loss.item()

    def _regularise(self):
        """Add REG_RATE * w (L2) or REG_RATE * sign(w) (L1) to each weight's gradient, never a
        bias's. TF rules instead drop the gradient of dead links and return the step taken
        after the update, LEARNING_RATE * REG_RATE * R'(w) with w as it is now."""
        after = []
        for m, alive in zip(self.linears, self.alive):
            w, g = m.weight, m.weight.grad
            r = w if REGULARIZATION == "l2" else torch.sign(w) if REGULARIZATION == "l1" else None
            if TF_RULES:
                g *= alive
                after.append(None if r is None else r * (LEARNING_RATE * REG_RATE))
            elif r is not None:
                g += REG_RATE * r
        return after

    def _tf_regularisation_step(self, after):
        """TensorFlow Playground's updateWeights: w <- w - lr * lambda * R'(w before) after the
        update; an L1 step that carries a weight across zero sets it to 0 and kills its link
        (no gradient and no update again)."""
        for m, alive, step in zip(self.linears, self.alive, after):
            w = m.weight
            if step is None:
                w *= alive
                continue
            new = w - step
            if REGULARIZATION == "l1":
                alive *= ~(w * new < 0)
            w.copy_(new * alive)

    def train_step(self):
        """Train on the next minibatch in the app's order (as the app's Step: Batch does);
        returns its loss before the step."""
        epoch_batches = batches(len(self.y), self.epoch)
        loss = self.step(epoch_batches[self.batch])
        self.batch += 1
        if self.batch == len(epoch_batches):
            self.epoch, self.batch = self.epoch + 1, 0
        return loss

    def run_epoch(self):
        """Train the rest of the current epoch; returns the training loss after it."""
        epoch = self.epoch
        while self.epoch == epoch:
            self.train_step()
        return self.loss()

    def loss(self):
        """The mean loss per training sample now: what the app's loss history records."""
        with torch.no_grad():
            return sample_losses(self.model, self.x, self.y).mean().item()


def train(epochs, model=None, report=print):
    """Train ``epochs`` epochs as the app does, from build_model() (or ``model``), printing
    the training loss after each (the app's epoch numbers continue). Returns the model."""
    return _run(Training(model), epochs, report).model


def _run(run, epochs, report):
    where = f"epoch {run.epoch}" + (f", batch {run.batch}" if run.batch else "")
    report(f"start ({where})  train loss {run.loss():.15g}")
    for _ in range(epochs):
        loss = run.run_epoch()
        if not math.isfinite(loss):
            report(f"epoch {run.epoch}  train loss {loss}: training diverged; "
                   "try a lower LEARNING_RATE")
            break
        report(f"epoch {run.epoch}  train loss {loss:.15g}")
    return run


def save_safetensors(model, path, epoch=None):
    """Write the model's weights as a safetensors file the app reads (File > Import weights):
    its state_dict and METADATA (with ``epoch`` when given)."""
    from safetensors.torch import save_file

    metadata = dict(METADATA)
    if epoch is not None:
        metadata["epoch"] = str(int(epoch))
    tensors = {key: value.detach().contiguous() for key, value in model.state_dict().items()}
    save_file(tensors, path, metadata=metadata)


def main(argv):
    parser = argparse.ArgumentParser(
        prog=f"python {os.path.basename(__file__)}",
        description="Train the network as Backprop Playground does and print the loss.")
    parser.add_argument("epochs", nargs="?", type=int, default=5,
                        help="epochs to train (default 5)")
    parser.add_argument("--save", metavar="FILE.safetensors",
                        help="then write the weights where the app can import them")
    args = parser.parse_args(argv)
    if args.epochs < 0:
        parser.error(f"EPOCHS must be 0 or more, got {args.epochs}")
    try:
        run = _run(Training(), args.epochs, print)
        if args.save:
            save_safetensors(run.model, args.save, run.epoch)
            print(f"wrote {args.save}")
    except (OSError, ValueError, RuntimeError) as e:
        print(f"error: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''
