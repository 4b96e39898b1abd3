#!/usr/bin/env bash
# The SMB client of the VM scripts: one `smbclient put` of a 64 KiB file after the other through
# ADDR (share scluster) until epoch second UNTIL, each bounded to 30 s. DIR/LOG gets one line per
# copy, "END-MS ack START-MS" or "END-MS fail START-MS"; smbclient's own output goes to
# DIR/smbclient.log. The file names cycle through NAME-0 .. NAME-19. Run in the client namespace.
#   fullstack/copy-loop.sh ADDR DIR UNTIL LOG NAME
set -u
addr=$1 dir=$2 until=$3 log=$4 name=$5 n=0
head -c 65536 /dev/urandom > "$dir/payload"
while [ "$(date +%s)" -lt "$until" ]; do
    n=$((n + 1))
    s=$(date +%s%3N)
    if timeout 30 smbclient -N "//$addr/scluster" -c "put $dir/payload $name-$((n % 20))" >> "$dir/smbclient.log" 2>&1
    then echo "$(date +%s%3N) ack $s"; else echo "$(date +%s%3N) fail $s"; fi >> "$dir/$log"
    sleep 0.1
done
