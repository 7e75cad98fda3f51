/*
 * The command table: every command's name, operands, summary, entry
 * point, option table and examples, in the order `genship --help` lists
 * them.  It sits above the commands, so cmd.c (which they all call) never
 * calls back up into them: cmd_main() hands it to cmd.c at start-up.
 */
#include "cmd.h"

static const struct cmd cmd_table[] = {
	{ "new", "[TEMPLATE] [K=V]...",
	  "generate a project from a template", cmd_new, 0, cmd_new_opts,
	  { "genship new --no-input -o demo",
	    "genship new --set language=go --set kubernetes=false",
	    "genship new gh:acme/templates@v2 --directory service" } },
	{ "update", "[DIR] [K=V]...",
	  "regenerate after option or template changes, keeping edits",
	  cmd_update, CMD_NEEDS_GIT, cmd_update_opts,
	  { "genship update demo --set database=postgres",
	    "genship update --template ./my-template --dry-run",
	    "genship update --redo compose.yaml --conflict-style diff3" } },
	{ "diff", "[DIR] [K=V]...",
	  "show what update would change, as a unified diff",
	  cmd_diff, CMD_NEEDS_GIT, cmd_diff_opts,
	  { "genship diff demo --set port=9000",
	    "genship diff --format json | jq -r '.files[].path'" } },
	{ "check", "[DIR]",
	  "exit 1 on template drift or an unresolved conflict (CI gate)",
	  cmd_check, CMD_NEEDS_GIT, cmd_check_opts,
	  { "genship check",
	    "genship check demo --strict --format json" } },
	{ "validate", "[TEMPLATE] [K=V]...",
	  "generate option combinations and lint every output",
	  cmd_validate, 0, cmd_validate_opts,
	  { "genship validate --set language=go",
	    "genship validate ./my-template --all -j 4",
	    "genship validate --shard 3/8 --format junit > report.xml" } },
	{ "matrix", "[TEMPLATE]",
	  "print the option combinations for a CI matrix", cmd_matrix, 0,
	  cmd_matrix_opts,
	  { "genship matrix --format lines",
	    "genship matrix --shards 16" } },
	{ "options", "[TEMPLATE]",
	  "list a template's options: type, default, choices, condition",
	  cmd_options, 0, cmd_options_opts,
	  { "genship options",
	    "genship options ./tpl --format json | jq '.options[].name'" } },
	{ "templates", "",
	  "list the built-in templates and the configured abbreviations",
	  cmd_templates, 0, cmd_templates_opts,
	  { "genship templates",
	    "genship templates --format json" } },
	{ "help", "[COMMAND]",
	  "show the help of genship or of one command", cmd_help, 0,
	  cmd_help_opts,
	  { "genship help new" } },
	{ "version", "", "print genship's version", cmd_version, 0,
	  cmd_version_opts,
	  { "genship version" } },
	{ "completion", "bash|zsh|fish",
	  "print the shell completion script for bash, zsh or fish",
	  cmd_completion, 0, cmd_completion_opts,
	  { "source <(genship completion bash)",
	    "genship completion zsh > ~/.zfunc/_genship",
	    "genship completion fish > ~/.config/fish/completions/"
	    "genship.fish" } },
};


void cmd_table_use(void)
{
	cmd_use_table(cmd_table, sizeof(cmd_table) / sizeof(cmd_table[0]));
}

int cmd_main(int argc, char **argv)
{
	cmd_table_use();
	return cmd_run(argc, argv);
}
