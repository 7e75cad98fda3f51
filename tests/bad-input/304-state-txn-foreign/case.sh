# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A repository that ships a .genship-update directory (sealed, with lists
# that would overwrite files): genship did not create it for this project,
# so update refuses it, names it, and leaves it alone.
fixture
project p
mkdir -p p/.genship-update/files
echo 'evil' >p/.genship-update/files/README.md
printf '%s %s README.md\n' "$(git hash-object p/README.md)" \
	"$(git hash-object p/.genship-update/files/README.md)" \
	>p/.genship-update/write
: >p/.genship-update/delete
: >p/.genship-update/conflicts
: >p/.genship-update/sealed
ARGS=(update p --no-hooks)
