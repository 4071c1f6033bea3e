"""The CLI's commands: each takes the parsed arguments and returns an exit code."""

from mnistbench.commands.data import data_command
from mnistbench.commands.networks import networks_command
from mnistbench.commands.runs import compare_command, lr_find_command, runs_command, sweep_command
from mnistbench.commands.inspect import info_command, test_command
from mnistbench.commands.predict import predict_command
from mnistbench.commands.train import train_command


def bench_command(args):
    from mnistbench.commands.bench import bench_command  # the benchmarks load only when asked for
    return bench_command(args)


def gui_command(args):
    from mnistbench.launcher import open_workbench
    return open_workbench(["mnistbench", *args.files])


COMMANDS = {
    "train": train_command, "test": test_command, "info": info_command,
    "predict": predict_command, "data": data_command, "bench": bench_command, "gui": gui_command,
    "networks": networks_command,
    "runs": runs_command, "compare": compare_command, "sweep": sweep_command, "lr-find": lr_find_command,
}
