#!/bin/sh
# irqlab show FILE TOPIC [ARGS]: the arguments are written as the show statement writes them,
# and irq, which names one entry, is a topic of the command too.
bin=$1
status=0
scenario='host cpus=4
device nic0 bdf=03:00.0 msix=4
alloc nic0 count=2
request nic0 index=0-1
'

check() {
	# check NAME WANT GOT
	if [ "$2" != "$3" ]; then
		printf '%s:\n--- expected\n%s\n--- got\n%s\n' "$1" "$2" "$3"
		status=1
	fi
}

want='nic0 index 1: stored addr=0xfee00038 data=0x00000000 masked=no pending=no
  irq 25 affinity=0-3 target CPU 2 vector 0x20 requested=yes managed=no moving=no
  IR-PCI-MSIX-0000:03:00.0 hwirq=0x1 active=yes
  INTEL-IR-0 hwirq=0x10000 active=yes
  VECTOR hwirq=0x19 active=yes
  IRTE 1'
got=$(printf '%s' "$scenario" | "$bin" show - irq nic0 index=1 2>&1)
check "show irq DEV index=I" "$want" "$got"
got=$(printf '%s' "$scenario" | "$bin" show - irq nic0 1 2>&1)
check "show irq DEV I" "$want" "$got"

# The statement inside the scenario prints the same view.
got=$(printf '%sshow irq nic0 index=1\n' "$scenario" | "$bin" run - 2>&1 | sed '1d;$d')
check "the statement" "$want" "$got"

got=$(printf '%s' "$scenario" | "$bin" show --json - irq nic0 index=1 | sed 's/.*"show":{//')
check "show --json irq" '"device":"nic0","index":1,"addr":"0xfee00038","data":"0x0","masked":false,"pending":false,"irq":25,"affinity":"0-3","cpu":2,"vector":"0x20","requested":true,"managed":false,"moving":false,"levels":[{"domain":"IR-PCI-MSIX-0000:03:00.0","hwirq":"0x1","active":true},{"domain":"INTEL-IR-0","hwirq":"0x10000","active":true},{"domain":"VECTOR","hwirq":"0x19","active":true}],"irte":1},"result":"pass"}' "$got"

got=$(printf '%s' "$scenario" | "$bin" show - vectors cpu=2 2>&1 | grep -c '^  0x')
check "show vectors cpu=C" 1 "$got"

got=$(printf '%s' "$scenario" | "$bin" show - irq nic0 index=9 2>&1)
rc=$?
check "index beyond" "irqlab show: irq nic0 index=9: show irq: index 9 is beyond the 4 entries of nic0" "$got"
check "index beyond: exit status" 2 "$rc"
got=$(printf '%s' "$scenario" | "$bin" show - irq nic9 index=0 2>&1)
check "unknown device" "irqlab show: irq nic9 index=0: show irq: no device named nic9" "$got"
got=$(printf '%s' "$scenario" | "$bin" show - domains index=1 2>&1)
rc=$?
check "domains takes no index: exit status" 2 "$rc"
exit $status
