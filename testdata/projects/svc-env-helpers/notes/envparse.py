"""Typed reads of the environment, shared by the settings and the commands."""
import os


def str_to_bool(value):
    return str(value).strip().lower() in ("yes", "y", "true", "t", "1")


def get_bool_from_env(key, default="NO"):
    """True when the variable looks like yes."""
    return str_to_bool(os.getenv(key, default))
