#!/usr/bin/env bash
# The repository speaks for itself: no tracked file points at a document or a
# path outside it (the team's notes outside the checkout, a machine's absolute
# paths), the protos name only fields that exist, and every relative link in
# the Markdown files resolves to a file in the repository.
# Usage: self_contained_test.sh REPO_ROOT
set -uo pipefail
root=${1:?usage: self_contained_test.sh REPO_ROOT}
cd "$root" || exit 2
self=tests/repository/self_contained_test.sh

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files)
else
  mapfile -t files < <(find . -type f -not -path './build*' -not -path './.git/*' | sed 's|^\./||')
fi

status=0
# Notes kept outside the repository, and absolute paths of a workplace (an
# absolute path there, not a relative build-fuzz/ folder of the same name).
outside='((^|[^[:alnum:]_./-])/wor[k]/|\.\./share[d]|share[d]/[A-Z]+\.md|\b(DOMAI[N]|DESIG[N]|STYL[E]|TOOLCHAI[N]|DIALER[S])\.md)'
for f in "${files[@]}"; do
  [ "$f" = "$self" ] && continue
  [ -f "$f" ] || continue
  if hits=$(grep -nIE "$outside" "$f"); then
    echo "$f points outside the repository:"
    echo "$hits" | head -5 | sed 's/^/  /'
    status=1
  fi
done

# The protos once named a message that does not exist.
if hits=$(grep -nE 'ServerLimit[s]' proto -r); then
  echo "proto/ names ServerLimits, which is StatusResponse:"
  echo "$hits" | sed 's/^/  /'
  status=1
fi

# Relative Markdown links resolve.
for f in "${files[@]}"; do
  case "$f" in *.md) ;; *) continue ;; esac
  [ -f "$f" ] || continue
  dir=$(dirname "$f")
  while IFS= read -r link; do
    target=${link%%#*}
    [ -z "$target" ] && continue
    case "$target" in http://* | https://* | mailto:*) continue ;; esac
    if [ ! -e "$dir/$target" ]; then
      echo "$f links to $link, which is not in the repository"
      status=1
    fi
  done < <(grep -oE '\]\([^)[:space:]]+\)' "$f" | sed -E 's/^\]\((.*)\)$/\1/')
done

if [ "$status" -eq 0 ]; then
  echo "self-contained: ${#files[@]} files checked"
fi
exit "$status"
