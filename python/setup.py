"""Tags the wheel for a platform when it carries the server binary: make wheel sets
VIDEOMOCK_WHEEL_PLATFORM (e.g. manylinux_2_35_x86_64). Without it the wheel is pure."""
import os

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel

PLATFORM = os.environ.get("VIDEOMOCK_WHEEL_PLATFORM")


class BinaryDistribution(Distribution):
    """A distribution whose files are platform-specific (platlib), as the binary is."""

    def has_ext_modules(self):
        return bool(PLATFORM)


class BinaryWheel(bdist_wheel):
    def get_tag(self):
        # Any Python 3 runs it: the binary is a program, not an extension module.
        return ("py3", "none", PLATFORM) if PLATFORM else super().get_tag()


setup(distclass=BinaryDistribution, cmdclass={"bdist_wheel": BinaryWheel})
