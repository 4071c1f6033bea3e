"""`mnistbench networks`: the networks that ship with the package, and what each is worth."""

import json

from mnistbench.bundled import bundled_folder, list_bundled


def add_networks_parser(commands):
    """Add the `networks` subcommand to ``commands`` (argparse's subparsers object)."""
    p = commands.add_parser("networks", help="list the bundled networks (usable by name, e.g. best-mnist)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    return p


def networks_command(args):
    networks = list_bundled()
    if args.json:
        print(json.dumps([{
            "name": n.name, "file": str(n.path), "layers": list(n.layer_sizes), "trained_on": n.dataset,
            "held_out_accuracy": n.held_out_accuracy, "held_out_set": n.held_out_set, "bytes": n.size_bytes,
        } for n in networks], indent=2))
        return 0
    if not networks:
        print(f"no bundled networks in {bundled_folder()}")
        return 0
    print(f"{'name':<20} {'layers':<16} {'trained on':<16} {'held-out accuracy':<48} {'size':>7}")
    for n in networks:
        accuracy = (f"{n.held_out_accuracy:.2%} on {n.held_out_set or 'an unnamed set'}"
                    if n.held_out_accuracy is not None else "not recorded")
        layers = "-".join(map(str, n.layer_sizes))
        print(f"{n.name:<20} {layers:<16} {n.dataset or '?':<16} {accuracy:<48} {_size(n.size_bytes):>7}")
    best = max(networks, key=lambda n: n.held_out_accuracy or 0.0)
    print(f"files in {bundled_folder()}; give a name where a network file is asked for, "
          f"e.g. `mnistbench info {best.name}`")
    return 0


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1e6:.1f} MB" if size_bytes >= 1e6 else f"{size_bytes / 1e3:.0f} kB"
