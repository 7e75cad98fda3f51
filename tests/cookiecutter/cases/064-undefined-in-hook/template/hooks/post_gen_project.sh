#!/bin/sh
echo {{ cookiecutter.no_such_variable }}
