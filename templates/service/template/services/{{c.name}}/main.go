{#- The single-service main.go, with this component's name, port and dependencies. #}
{%- set project_name = project_name ~ '-' ~ c.name %}
{%- set language = c.language %}
{%- set port = c.port %}
{%- set database = database if c.database else 'none' %}
{%- set cache = cache if c.cache else 'none' %}
{%- set go_module = go_module ~ '/services/' ~ c.name %}
{%- include "main.go" -%}
