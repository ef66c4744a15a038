"""Backprop Playground: parse the command line, then start the window or a headless command.

    python main.py                         open the window
    python main.py RUN.json                open the window on a saved workspace
    python main.py --screenshot out.png    train a little, save a picture of the window, exit
    python main.py presets                 list the presets
    python main.py train PRESET|WORKSPACE --epochs N [--weights FILE] --out WORKSPACE.json
    python main.py train PRESET --data FILE.csv --label COLUMN [--inputs A,B] --epochs N --out …
    python main.py export WORKSPACE --format npz|json|onnx|py|csv|torch|safetensors --out PATH
    python main.py share PRESET|WORKSPACE   print its scenario as a text to paste (bp1:…)
    python main.py --scenario-text TEXT     open the window on a shared scenario text
    python main.py record PRESET|WORKSPACE --epochs N --out clip.gif|clip.png|clip.mp4 …
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import NoReturn

from gui import record_cli  # Qt-free until the command runs


class OneLineParser(argparse.ArgumentParser):
    """Bad options get one line on stderr, as every other bad input does, not argparse's
    usage block; the line says where the full usage is. Exit code 2, as argparse's."""

    def error(self, message: str) -> NoReturn:
        # argparse reports a subcommand's unknown option from the top parser: name both helps
        more = f", or {self.prog} COMMAND --help" if self._subparsers is not None else ""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help{more})\n")


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="python main.py",
        description="Build a small neural network, train it, and step through backpropagation "
        "with the real numbers. With no command, the window opens.",
        epilog="Exit codes: 0 done, 2 bad input (missing or corrupt file, unknown preset, "
        "invalid option), 3 training diverged (the workspace is still written, at the last "
        "good epoch), 130 interrupted with Ctrl-C (train stops after the current epoch, or at "
        "once on a second press, and still writes the workspace at the last whole epoch).",
    )
    p.add_argument("--preset", metavar="NAME", help="preset to open (window and --screenshot)")
    p.add_argument("--open", metavar="WORKSPACE", dest="workspace",
                   help="workspace to open in the window (also: python main.py RUN.json)")
    p.add_argument("--scenario-text", metavar="TEXT",
                   help="open the window on a scenario shared as text (bp1:…; see share)")
    p.add_argument("--screenshot", metavar="FILE", help="train, save a PNG of the window, exit")
    p.add_argument(
        "--epochs", type=int, default=300, metavar="N",
        help="epochs to train before --screenshot (default 300)",
    )
    p.add_argument("--theme", choices=["system", "light", "dark", "high-contrast"],
                   help="colour theme of the window (default: the last one chosen, at first "
                   "the system's)")
    p.add_argument("--zoom", metavar="PERCENT",
                   help="open the window at this zoom, 50-300 (View > Zoom; also --screenshot)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("presets", help="list the presets with a one-line description each")

    t = sub.add_parser(
        "train", help="train headless and write the trained workspace",
        description="Train a preset or continue a workspace without a window.",
    )
    t.add_argument("source", metavar="PRESET_OR_WORKSPACE", nargs="?",
                   help="a preset, a workspace file or a scenario text (bp1:…)")
    t.add_argument("--scenario-text", metavar="TEXT",
                   help="train the scenario of a text from share (instead of a preset)")
    t.add_argument("--epochs", type=int, required=True, metavar="N",
                   help="epochs to train; on a workspace, epochs to add to the ones it has")
    t.add_argument("--out", required=True, metavar="WORKSPACE.json")
    t.add_argument("--seed", type=int, metavar="S",
                   help="draw the start weights and shuffle order with this seed (presets only)")
    t.add_argument("--lr", type=float, metavar="X", help="learning rate")
    t.add_argument("--optimizer", choices=["sgd", "momentum", "adam", "rmsprop", "adagrad"],
                   help="optimiser (PyTorch's defaults; a new one starts with fresh state)")
    t.add_argument("--batch-size", type=int, metavar="B", help="minibatch size")
    t.add_argument("--dropout", metavar="P[,P…]",
                   help="dropout rate of every hidden layer (0.2), or one per hidden layer "
                   "(0.2,0.1); 0 ≤ p < 1, training steps only (presets and --data runs)")
    t.add_argument("--every", type=int, metavar="K",
                   help="print a progress line every K epochs (default: 10 lines in all, and "
                   "at least one every 10 seconds)")
    t.add_argument("--weights", metavar="FILE",
                   help="start (epoch 0) from the weights of an npz, json, onnx or safetensors "
                   "export; "
                   "the architecture must match")
    t.add_argument("--data", metavar="FILE.csv",
                   help="train the preset's (or workspace's) network and settings on this "
                   "CSV file's data from epoch 0; the input width and output follow the data")
    t.add_argument("--label", metavar="COLUMN",
                   help="with --data: the label or target column, a header name or a number "
                   "(1 = first, -1 = last; default: a column named label, target or class, "
                   "else the last)")
    t.add_argument("--inputs", metavar="A,B,C",
                   help="with --data: the input columns, names or numbers (default: every "
                   "column of numbers but the label)")
    t.add_argument("--task", choices=("classification", "regression"),
                   help="with --data: the problem (default: regression when the label's cells "
                   "are numbers that are not all whole, else the preset's)")
    t.add_argument("--skip-bad-lines", action="store_true",
                   help="with --data: leave out bad rows (their line numbers are printed) "
                   "instead of refusing the file")
    t.add_argument("--dataset", metavar="KEY",
                   help="train the preset's (or workspace's) network on this built-in data "
                   "set from epoch 0, e.g. moons, checkerboard, shifted")
    t.add_argument("--stop-at-loss", type=float, metavar="X",
                   help="stop once the training loss is at or below X (0: off)")
    t.add_argument("--patience", type=int, metavar="N",
                   help="stop once the test loss has not improved for N epochs (early "
                   "stopping; 0: off); --epochs stays the cap")

    e = sub.add_parser("export", help="write a workspace's weights (npz, json, onnx, py, csv, "
                       "torch, safetensors)",
                       description="Write the weights of a workspace (or of a preset's start).")
    e.add_argument("source", metavar="WORKSPACE_OR_PRESET")
    e.add_argument("--format", required=True, metavar="FMT",
                   help="npz, json, onnx (needs the onnx package), py (a standalone NumPy "
                   "script), csv (labelled W and b blocks), torch (a Python file that builds "
                   "the network as torch.nn.Sequential and trains it as the app does) or "
                   "safetensors (that Sequential's state_dict, with the app's metadata)")
    e.add_argument("--weights-beside", action="store_true",
                   help="with --format torch: write the weights to NAME.safetensors beside "
                   "the script, which loads them from there, instead of embedding them")
    e.add_argument("--out", required=True, metavar="PATH")

    h = sub.add_parser("share", help="print a preset's or workspace's scenario as a short text",
                       description="Print the scenario (not the weights) of a preset or "
                       "workspace as one line of text: paste it with Edit › Paste scenario, "
                       "or give it to --scenario-text.")
    h.add_argument("source", metavar="PRESET_OR_WORKSPACE")
    record_cli.add_parser(sub)
    return p


EXIT_INTERRUPTED = 130
COMMANDS = ("presets", "train", "export", "share", "record")


def _file_as_option(argv: list[str]) -> list[str]:
    """``python main.py RUN.json`` opens that workspace, as desktop programs open the file
    they are given: a first argument that is neither a command nor an option becomes
    ``--open RUN.json``; a scenario text (``bp1:…``) becomes ``--scenario-text``."""
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        option = "--scenario-text" if argv[0].startswith("bp") and ":" in argv[0] else "--open"
        return [option, argv[0], *argv[1:]]
    return argv


def run_command(args: argparse.Namespace) -> int:
    try:
        from engine import cli

        if args.command == "presets":
            return cli.list_presets()
        if args.command == "train":
            source = cli.pick_source(args.source, args.scenario_text)
            return cli.train(source, args.epochs, args.out, seed=args.seed, lr=args.lr,
                             batch_size=args.batch_size, every=args.every,
                             weights=args.weights, data=cli.csv_options(args),
                             dataset=args.dataset, stop_loss=args.stop_at_loss,
                             patience=args.patience, dropout=args.dropout,
                             optimizer=args.optimizer)
        if args.command == "export":
            return cli.export(args.source, args.format, args.out,
                              weights_beside=args.weights_beside)
        if args.command == "share":
            return cli.share(args.source)
    except KeyboardInterrupt:  # listed first: it may come before `cli` is even imported
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except cli.CliError as err:
        sys.stderr.write(f"error: {err}\n")
        return cli.EXIT_BAD_INPUT
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_file_as_option(sys.argv[1:] if argv is None else argv))
    if args.command == "record":
        return record_cli.run(args)
    if args.command:
        try:
            return run_command(args)
        except KeyboardInterrupt:  # a late press, after the command had finished its work
            return EXIT_INTERRUPTED
    from gui.app import run_window

    return run_window(preset=args.preset, screenshot=args.screenshot, epochs=args.epochs,
                      workspace=args.workspace, scenario_text=args.scenario_text,
                      theme=args.theme, zoom=args.zoom)


if __name__ == "__main__":
    code = main()
    # The work is done (the workspace saved): a late Ctrl-C during the interpreter's shutdown
    # must not turn this exit code into a kill by signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)
