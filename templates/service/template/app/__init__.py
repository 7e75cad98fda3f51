"""{{ project_name }} service package."""

DESCRIPTION = {{ description | tojson }}
__version__ = "{{ app_version }}"
