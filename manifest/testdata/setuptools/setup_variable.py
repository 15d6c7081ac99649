from setuptools import setup

REQUIREMENTS = [
    "django>=4.2",
    "gunicorn",
]

setup(
    name="var",
    install_requires=REQUIREMENTS,
    python_requires='>=3.9',
)
