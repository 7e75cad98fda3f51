"""A filter written in Python: cookiecutter can load it, genship cannot."""
from jinja2.ext import Extension


class ShoutExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["shout"] = lambda text: text.upper() + "!"
