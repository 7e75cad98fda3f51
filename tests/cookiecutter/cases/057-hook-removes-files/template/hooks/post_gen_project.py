import os
{% if cookiecutter.use_docker != "y" %}
os.remove("Dockerfile")
{% endif %}
