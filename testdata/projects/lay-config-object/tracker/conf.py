import os


class Config(dict):
    """Site options: a YAML file, then the environment, then these defaults."""

    defaults = {
        "ALLOWED_HOSTS": ["tracker.example.com"],
        "DB_HOST": "127.0.0.1",
        "TIME_ZONE": "UTC",
    }

    def __getattr__(self, item):
        return self.get(item, os.environ.get(item, self.defaults.get(item)))


CONFIG = Config()
