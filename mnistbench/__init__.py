"""mnistbench: build a neural network from scratch, train it on digits, open it up.

``from mnistbench import Net`` (or ``Network``, the same class) gives the
original tools' network with their methods: ``train``, ``test``, ``imagine``,
``save``, ``load`` (see ``mnistbench.compat``).
"""

from mnistbench.version import __version__
from mnistbench.compat import Net, Network

__all__ = ["Net", "Network", "__version__"]
