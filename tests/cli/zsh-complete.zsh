#!/usr/bin/env zsh -f
# zsh-complete.zsh DIR LINE: start an interactive zsh whose fpath begins
# with DIR (holding _genship), type LINE and ^T, bound to a widget that
# runs complete-word, and print each word the completion offers, one a
# line.  compadd is wrapped so that it prints the words it was given that
# match what is typed, instead of adding them.  Nothing is typed after ^T
# until the widget says it is done, so zsh never sees typeahead.
emulate -L zsh
zmodload zsh/zpty || exit 2
zpty comp zsh -f -i
zpty -w comp "PS1='' RPS1=''; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w comp 'compadd() { local -a m; builtin compadd -O m "$@"; (( $#m )) && print -rl -- "@@"${^m}; }'
zpty -w comp 'drive() { zle complete-word; print -r -- __DONE__; }; zle -N drive; bindkey "^T" drive'
zpty -w comp 'print -r -- __READY__'
while zpty -r comp line; do
	[[ ${${line//$'\r'/}//$'\n'/} == __READY__ ]] && break
done
zpty -w -n comp "$2"$'\x14'
while zpty -r comp line; do
	line=${${line//$'\r'/}//$'\n'/}
	[[ $line == *@@* ]] && print -r -- ${line##*@@}
	[[ $line == *__DONE__ ]] && break
done
zpty -d comp
