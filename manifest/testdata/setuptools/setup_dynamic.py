from setuptools import setup

with open("requirements.txt") as f:
    extra = [l.strip() for l in f]

setup(
    name="dyn",
    install_requires=["requests>=2", "django"] + extra,
)
