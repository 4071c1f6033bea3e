"""mnistbench: build a neural network from scratch, train it on digits, open it up."""

__version__ = "0.1.0"
