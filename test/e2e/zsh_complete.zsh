# Completes a command line as an interactive zsh would and prints each word its completion
# system offers, one per line (test_completion.cpp):
#   zsh -f test/e2e/zsh_complete.zsh DIR 'mtask run --'
# DIR holds the _mtask under test, and is the completing shell's current directory (where the
# task file is). The interactive zsh runs in a pseudo-terminal (zpty) with compinit; its
# compadd is wrapped to append every word it is given that matches what was typed to
# DIR/.offered, and the completion ends the shell. Exit status 3: zsh lacks zpty; 4: no
# completion came within 20 s.
zmodload zsh/zpty zsh/zselect || exit 3
dir=$1 line=$2 offered=$1/.offered
: >$offered || exit 3
zpty completing zsh -f -i || exit 3
zpty -w completing "cd ${(q)dir}; PS1=''; PS2=''; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
# -O, -A and -D ask compadd for matches without adding them: those calls are passed on as
# they are; every other call's matches are also written down.
zpty -w completing 'compadd() {
  if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
  local -a words; builtin compadd -O words "$@"
  (( $#words )) && print -rl -- $words >>'"${(q)offered}"'
  builtin compadd "$@"
}'
zpty -w completing 'comppostfuncs=( _done ); _done() { print -r -- "completion:""done"; exit }'
zpty -w completing 'bindkey "^I" complete-word; print -r -- "completion:""ready"'

typeset out='' chunk
integer deadline=$(( SECONDS + 20 ))
# Reads what the shell writes until `mark` comes.
read_until() {
  out=''
  until [[ $out == *$1* ]]; do
    if (( SECONDS >= deadline )); then
      print -u2 -r -- "zsh_complete: '$1' did not come; the terminal showed:" $out
      exit 4
    fi
    zpty -rt completing chunk && out+=$chunk || zselect -t 5
  done
}
read_until completion:ready
zpty -w -n completing "$line"$'\t'
read_until completion:done
zpty -d completing
cat $offered
