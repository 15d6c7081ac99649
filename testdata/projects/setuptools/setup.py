# Kept for `pip install -e .` with older pip; all configuration is in setup.cfg.
from setuptools import setup

setup()
