#!/bin/sh
# irqlab run - and irqlab show - TOPIC read the scenario from standard input and call it
# <stdin> in what they print.
bin=$1
status=0

check() {
	# check NAME WANT GOT
	if [ "$2" != "$3" ]; then
		printf '%s:\n--- expected\n%s\n--- got\n%s\n' "$1" "$2" "$3"
		status=1
	fi
}

got=$(printf 'host cpus=2\nexpect free-vectors cpu=1 count=201\n' | "$bin" run - 2>&1)
check "run - passes" "PASS <stdin> (1 expectations)" "$got"

got=$(printf 'host cpus=2\nexpect free-vectors cpu=1 count=200\n' | "$bin" run - 2>&1)
rc=$?
check "run - fails" "<stdin>:2: expect free-vectors: FAILED: expected 200, saw 201
FAIL <stdin> (1 of 1 expectations failed)" "$got"
check "run - fails: exit status" 1 "$rc"

got=$(printf 'host cpus=2\nbogus\n' | "$bin" run - 2>&1 >/dev/null)
check "run - error" "<stdin>:2:1: unknown statement 'bogus'" "$got"

got=$(printf 'host cpus=2\n' | "$bin" run --json - | sed 's/,"seed".*//')
check "run --json -" '{"file":"<stdin>"' "$got"

got=$(printf 'host cpus=2 ir=off\n' | "$bin" show - domains 2>&1)
check "show - domains" "kernel host
  VECTOR  irqs=0" "$got"
exit $status
