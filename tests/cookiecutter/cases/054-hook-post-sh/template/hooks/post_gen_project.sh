#!/bin/sh
echo "made by post hook for {{ cookiecutter.project_slug }}" > post.txt
