"""Errors a user can cause: each carries one line that names the culprit and what is wrong.

The CLI prints them as ``mnistbench: <message>`` and the workbench logs them;
neither ever shows a traceback for these.
"""


class MnistbenchError(Exception):
    """A problem with the user's input, files or settings (never a bug)."""


class ConfigError(MnistbenchError):
    """A hyper-parameter or architecture value is out of range."""


class NetworkFileError(MnistbenchError):
    """A network file is not exactly one payload plus at most one trailer."""


class DatasetError(MnistbenchError):
    """A dataset file or folder is missing, malformed or inconsistent."""


class DownloadError(MnistbenchError):
    """Downloading a dataset failed (offline, checksum, every mirror down)."""


class ImageError(MnistbenchError):
    """An image file could not be read as a digit."""
