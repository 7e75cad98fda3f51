#!/usr/bin/python3
"""Run real cookiecutter for the conformance suite.

Usage: cc.py [--x2] COOKIECUTTER-ARGS...

Runs the `cookiecutter` command line of Debian's python3-cookiecutter
(1.7.3) in this process, with two adjustments that keep outputs
reproducible and never change what a template renders to:

  - `{% now %}` (jinja2_time) reads the clock at $SOURCE_DATE_EPOCH;
  - the umask is 022.

With --x2 the behaviours that cookiecutter 2.x changed are switched on
first (see install_x2() and DIFFERENCES.md).  Each replacement below
implements the 2.x rule it names, as cookiecutter 2.x's documentation and
source describe it; everything else is 1.7.3's own code.  Cases that need
it carry an `x2` file, and regen.py checks that plain 1.7.3 really differs
on each of them.
"""

import datetime
import fnmatch
import os
import shutil
import sys
import uuid
from collections import OrderedDict


def freeze_time():
    """Make jinja2_time's clock read $SOURCE_DATE_EPOCH."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return
    import jinja2_time.jinja2_time as jt

    class Frozen(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime.fromtimestamp(int(epoch), tz)

    jt.datetime = Frozen


def x2_render_variable(env, raw, cookiecutter_dict):
    """2.x render_variable(): None and bools pass through unrendered."""
    if raw is None or isinstance(raw, bool):
        return raw
    if isinstance(raw, dict):
        return OrderedDict(
            (x2_render_variable(env, k, cookiecutter_dict),
             x2_render_variable(env, v, cookiecutter_dict))
            for k, v in raw.items())
    if isinstance(raw, list):
        return [x2_render_variable(env, v, cookiecutter_dict) for v in raw]
    if not isinstance(raw, str):
        raw = str(raw)
    return env.from_string(raw).render(cookiecutter=cookiecutter_dict)


def x2_prompt_for_config(context, no_input=False):
    """2.x prompt_for_config(), without a terminal (the suite never asks).

    `__prompts__` is removed; `_x` stays raw; `__x` is rendered; a bool
    is a yes/no variable kept as a bool; dicts come in a second pass.
    """
    from jinja2.exceptions import UndefinedError
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.exceptions import UndefinedVariableInTemplate
    from cookiecutter.prompt import prompt_choice_for_config

    assert no_input, "the conformance suite runs with --no-input"
    out = OrderedDict()
    env = StrictEnvironment(context=context)
    context["cookiecutter"].pop("__prompts__", None)
    items = list(context["cookiecutter"].items())
    for key, raw in items:
        try:
            if key.startswith("_") and not key.startswith("__"):
                out[key] = raw
            elif key.startswith("__"):
                out[key] = x2_render_variable(env, raw, out)
            elif isinstance(raw, list):
                out[key] = prompt_choice_for_config(out, env, key, raw, True)
            elif isinstance(raw, bool):
                out[key] = raw
            elif not isinstance(raw, dict):
                out[key] = x2_render_variable(env, raw, out)
        except UndefinedError as err:
            raise UndefinedVariableInTemplate(
                "Unable to render variable '%s'" % key, err, context)
    for key, raw in items:
        if key.startswith("_") and not key.startswith("__"):
            continue
        if isinstance(raw, dict):
            try:
                out[key] = x2_render_variable(env, raw, out)
            except UndefinedError as err:
                raise UndefinedVariableInTemplate(
                    "Unable to render variable '%s'" % key, err, context)
    return out


YES = ("1", "true", "t", "yes", "y", "on")
NO = ("0", "false", "f", "no", "n", "off")


def x2_apply_overwrites(context, overwrite_context, in_dict=False):
    """2.x apply_overwrites_to_context(): choices checked, yes/no parsed,
    dicts merged key by key."""
    for variable, overwrite in overwrite_context.items():
        if variable not in context:
            if not in_dict:
                continue
            context[variable] = overwrite
        value = context[variable]
        if isinstance(value, list) and not in_dict:
            if overwrite not in value:
                raise ValueError(
                    "%s provided for choice variable %s, but the choices "
                    "are %s." % (overwrite, variable, value))
            value.remove(overwrite)
            value.insert(0, overwrite)
        elif isinstance(value, dict) and isinstance(overwrite, dict):
            x2_apply_overwrites(value, overwrite, True)
        elif isinstance(value, bool) and isinstance(overwrite, str):
            word = overwrite.strip().lower()
            if word not in YES + NO:
                raise ValueError(
                    "%s provided for variable %s could not be converted "
                    "to a boolean." % (overwrite, variable))
            context[variable] = word in YES
        else:
            context[variable] = overwrite


def first_newline(infile):
    """The newline 2.x writes with: the first kind Python's universal
    newline decoding saw while reading the first line."""
    with open(infile, encoding="utf-8") as rd:
        rd.readline()
        nl = rd.newlines
    return nl[0] if isinstance(nl, tuple) else nl


def x2_generate_file(project_dir, infile, context, env,
                     skip_if_file_exists=False):
    """2.x generate_file(): like 1.7.3, but text files keep the newline
    of their first line, or `_new_lines`."""
    from binaryornot.check import is_binary

    outfile = os.path.join(project_dir, env.from_string(infile).render(
        **context))
    if os.path.isdir(outfile):
        return
    if skip_if_file_exists and os.path.exists(outfile):
        return
    if is_binary(infile):
        shutil.copyfile(infile, outfile)
        shutil.copymode(infile, outfile)
        return
    rendered = env.get_template(infile.replace(os.path.sep, "/")).render(
        **context)
    newline = context["cookiecutter"].get("_new_lines") or \
        first_newline(infile)
    with open(outfile, "w", encoding="utf-8", newline=newline) as fh:
        fh.write(rendered)
    shutil.copymode(infile, outfile)


def x2_generate_files(repo_dir, context=None, output_dir=".",
                      overwrite_if_exists=False, skip_if_file_exists=False):
    """2.x generate_files(): templates load from '.' and '../templates',
    copied directories get rendered names, an empty directory name skips
    the directory (genship skips what is below it too, see
    DIFFERENCES.md)."""
    from jinja2 import FileSystemLoader
    from cookiecutter import generate as g
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.find import find_template
    from cookiecutter.hooks import run_hook

    template_dir = find_template(repo_dir)
    unrendered = os.path.split(template_dir)[1]
    env = StrictEnvironment(context=context, keep_trailing_newline=True)
    project_dir, created = g.render_and_create_dir(
        unrendered, context, output_dir, env, overwrite_if_exists)
    project_dir = os.path.abspath(project_dir)
    with g.work_in(repo_dir):
        run_hook("pre_gen_project", project_dir, context)
    with g.work_in(template_dir):
        env.loader = FileSystemLoader([".", "../templates"])
        for root, dirs, files in os.walk("."):
            keep = []
            for d in dirs:
                path = os.path.normpath(os.path.join(root, d))
                if g.is_copy_only_path(path, context):
                    out = env.from_string(os.path.normpath(
                        os.path.join(project_dir, path))).render(**context)
                    if os.path.isdir(out):
                        shutil.rmtree(out)
                    shutil.copytree(path, out)
                    continue
                name = env.from_string(d).render(**context)
                if not name:
                    continue
                keep.append(d)
                out = env.from_string(os.path.join(project_dir, path)
                                      ).render(**context)
                os.makedirs(out, exist_ok=True)
            dirs[:] = keep
            for f in files:
                infile = os.path.normpath(os.path.join(root, f))
                if g.is_copy_only_path(infile, context):
                    out = os.path.join(project_dir, env.from_string(
                        infile).render(**context))
                    if not os.path.isdir(out):
                        shutil.copyfile(infile, out)
                        shutil.copymode(infile, out)
                    continue
                x2_generate_file(project_dir, infile, context, env,
                                 skip_if_file_exists)
    with g.work_in(repo_dir):
        run_hook("post_gen_project", project_dir, context)
    return project_dir


def x2_cookiecutter(template, checkout=None, no_input=False,
                    extra_context=None, replay=False,
                    overwrite_if_exists=False, output_dir=".",
                    config_file=None, default_config=False, password=None,
                    directory=None, skip_if_file_exists=False):
    """2.x cookiecutter(): `_cookiecutter` holds the variables before
    prompting; the answers update cookiecutter.json's dict in its order;
    `_output_dir`, `_repo_dir` and `_checkout` join `_template`."""
    from cookiecutter import generate as g
    from cookiecutter.config import get_user_config
    from cookiecutter.replay import dump, load

    config = get_user_config(config_file=config_file,
                             default_config=default_config)
    repo_dir = template
    name = os.path.basename(os.path.abspath(repo_dir))
    if replay:
        context = load(config["replay_dir"], name)
    else:
        context = g.generate_context(
            context_file=os.path.join(repo_dir, "cookiecutter.json"),
            default_context=config["default_context"],
            extra_context=extra_context)
    context["_cookiecutter"] = OrderedDict(
        (k, v) for k, v in context["cookiecutter"].items()
        if not k.startswith("_"))
    if not replay:
        answers = x2_prompt_for_config(context, no_input)
        context["cookiecutter"].update(answers)
    context["cookiecutter"]["_template"] = template
    context["cookiecutter"]["_output_dir"] = os.path.abspath(output_dir)
    context["cookiecutter"]["_repo_dir"] = repo_dir
    context["cookiecutter"]["_checkout"] = checkout
    dump(config["replay_dir"], name, context)
    return x2_generate_files(repo_dir, context, output_dir,
                             overwrite_if_exists, skip_if_file_exists)


def install_x2():
    import cookiecutter.cli
    import cookiecutter.environment as environment
    import cookiecutter.generate
    import cookiecutter.prompt

    cookiecutter.prompt.render_variable = x2_render_variable
    cookiecutter.generate.apply_overwrites_to_context = x2_apply_overwrites
    cookiecutter.cli.cookiecutter = x2_cookiecutter
    init = environment.StrictEnvironment.__init__

    def init_with_uuid(self, **kwargs):
        """2.x UUIDExtension: a uuid4() global."""
        init(self, **kwargs)
        self.globals["uuid4"] = lambda: str(uuid.uuid4())
    environment.StrictEnvironment.__init__ = init_with_uuid


def main():
    args = sys.argv[1:]
    os.umask(0o022)
    freeze_time()
    if args and args[0] == "--x2":
        args = args[1:]
        install_x2()
    from cookiecutter.cli import main as cli_main
    sys.argv = ["cookiecutter"] + args
    cli_main()


if __name__ == "__main__":
    main()
