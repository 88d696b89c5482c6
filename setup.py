"""Copy the top-level assets/ folder into the wheel as accessshare/assets.

The project keeps assets/ at the top level (sample photos, models, consent form, sounds) so that
they are easy to find and review; installed copies need them inside the package.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "assets"
        target = Path(self.build_lib) / "accessshare" / "assets"
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithAssets})
