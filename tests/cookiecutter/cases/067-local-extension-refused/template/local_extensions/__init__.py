from .shout import ShoutExtension  # noqa: F401
