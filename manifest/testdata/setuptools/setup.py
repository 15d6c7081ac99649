#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Setup for the legacy shop.

install_requires=["not-this"] appears in a docstring and must be ignored.
"""
import os
from setuptools import find_packages, setup

here = os.path.abspath(os.path.dirname(__file__))

# install_requires = ["nor-this"]
setup(
    name='legacy-shop',
    version='2.0',
    packages=find_packages(exclude=("tests",)),
    python_requires=">=3.6, "
                    "<4",
    install_requires=[
        'Django>=2.2,<3.0',  # LTS
        "celery[redis]>=4.4",
        'django-'
        'storages',
        r"boto3>=1.12",
    ],
    extras_require={'dev': ['pytest']},
)
