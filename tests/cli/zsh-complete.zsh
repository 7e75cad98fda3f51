#!/usr/bin/env zsh -f
# zsh-complete.zsh DIR LINE: start an interactive zsh whose fpath begins
# with DIR (holding _genship), type LINE and a tab, and print each word the
# completion offers, one a line.  compadd is wrapped so that it prints the
# words it was given that match what is typed, instead of adding them.
emulate -L zsh
zmodload zsh/zpty || exit 2
zpty comp zsh -f -i
zpty -w comp "PS1='' RPS1=''; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w comp 'compadd() { local -a m; builtin compadd -O m "$@"; (( $#m )) && print -rl -- "@@"${^m}; }'
zpty -w comp 'print -r -- __READY__'
while zpty -r comp line; do
	[[ ${${line//$'\r'/}//$'\n'/} == __READY__ ]] && break
done
# the tab, then ^U to clear the line and a marker to wait for
zpty -w -n comp "$2"$'\t\x15'
zpty -w comp 'print -r -- __DONE__'
while zpty -r comp line; do
	line=${${line//$'\r'/}//$'\n'/}
	[[ $line == __DONE__ ]] && break
	[[ $line == *@@* ]] && print -r -- ${line##*@@}
done
zpty -d comp
