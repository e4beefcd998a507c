"""Tags the wheel for a platform when it carries the server binary: make wheel sets
VIDEOMOCK_WHEEL_PLATFORM (e.g. manylinux_2_35_x86_64). Without it the wheel is pure."""
import os

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel

PLATFORM = os.environ.get("VIDEOMOCK_WHEEL_PLATFORM")


class BinaryWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        if PLATFORM:
            self.root_is_pure = False

    def get_tag(self):
        # Any Python 3 runs it: the binary is a program, not an extension module.
        return ("py3", "none", PLATFORM) if PLATFORM else super().get_tag()


setup(cmdclass={"bdist_wheel": BinaryWheel})
