package {{ cookiecutter.package }};
