# shellcheck shell=bash
# shellcheck disable=SC2034 # run.sh reads ARGS, PREFIX, SETUP, TIMEOUT...
# A hand-edited .genship.yml that lists .git/config with its blob id, so
# that update would delete the repository's config: refused at the entry.
fixture
project p
mkdir -p p/.git
echo '[core]' >p/.git/config
sed -i "16s|README.md:.*|.git/config: $(git hash-object p/.git/config)|" \
	p/.genship.yml
ARGS=(update p --no-hooks --set project_name=other-app)
