"""mnistbench: build a neural network from scratch, train it on digits, open it up.

``from mnistbench import Net`` (or ``Network``, the same class) gives the
original tools' network with their methods: ``train``, ``test``, ``imagine``,
``save``, ``load`` (see ``mnistbench.compat``).
"""

from mnistbench.version import __version__

__all__ = ["Net", "Network", "__version__"]


def __getattr__(name):
    """``Net`` and ``Network`` load on first use, so importing any mnistbench module stays light."""
    if name in ("Net", "Network"):
        from mnistbench.compat import Network

        return Network
    raise AttributeError(f"module 'mnistbench' has no attribute {name!r}")
