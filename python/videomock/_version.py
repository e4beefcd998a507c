"""The package's version: the wheel's, `videomock.__version__`, and the bundled `videomock --version`
(make wheel refuses to build when the binary says otherwise)."""
__version__ = "1.1.0"
