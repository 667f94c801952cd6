# The sandbox escape battery, run by the bash tool inside Omega's sandbox (and once outside it,
# to show each probe does escape where nothing stops it). Set before it: OMEGA_PID, DB (the
# database's real path), DATA (its directory), SKILLS, CONFIG, CLI_HOME, TCP_PORT, UDP_PORT, UNIX_SOCK, ABSTRACT, RUN.
# Prints one line per probe: "probe NAME: ESCAPED" or "probe NAME: blocked".

probe() {
    if ( "$2" ) >/dev/null 2>&1; then echo "probe $1: ESCAPED"; else echo "probe $1: blocked"; fi
}
sqlite_header() { head -c 15 "$1" 2>/dev/null | grep -q 'SQLite format 3'; }
append() { python3 -c 'import sys; open(sys.argv[1], "ab").close()' "$1"; }
py() { python3 -c "$1" "${@:2}"; }

read_db() { sqlite_header "$DB"; }
append_db() { append "$DB"; }
list_data() { ls "$DATA" | grep -q 'memory.db'; }
read_config() { grep -q 'api_key' "$CONFIG"; }
append_config() { append "$CONFIG"; }
read_cli_home() { grep -q 'canary-credential' "$CLI_HOME/.credentials.json"; }
write_skills() { touch "$SKILLS/.probe" && rm -f "$SKILLS/.probe"; }
proc_environ() { tr '\0' '\n' < "/proc/$OMEGA_PID/environ" | grep -q '^PATH='; }
proc_mem() { py 'import sys; open("/proc/%s/mem" % sys.argv[1], "rb").close()' "$OMEGA_PID"; }
proc_fd_db() {
    for l in /proc/"$OMEGA_PID"/fd/*; do
        [ "$(readlink "$l")" = "$DB" ] && sqlite_header "$l" && return 0
    done
    return 1
}
proc_root_db() { sqlite_header "/proc/$OMEGA_PID/root$DB"; }
own_fds() {
    for l in /proc/self/fd/*; do
        case "$(readlink "$l")" in "$DB"*) sqlite_header "$l" && return 0 ;; esac
    done
    return 1
}
ptrace_omega() {
    py 'import ctypes, sys
f = ctypes.CDLL(None, use_errno=True).ptrace
f.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
sys.exit(0 if f(0x4206, int(sys.argv[1]), None, None) == 0 else 1)' "$OMEGA_PID"
}
signal_omega() { kill -0 "$OMEGA_PID"; }
tcp_connect() { exec 3<>"/dev/tcp/127.0.0.1/$TCP_PORT"; }
udp_send() { echo "$RUN" > "/dev/udp/127.0.0.1/$UDP_PORT"; }
udp6_socket() { py 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)'; }
raw_socket() { py 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)'; }
packet_socket() { py 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)'; }
unix_path() { py 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$UNIX_SOCK"; }
unix_abstract() { py 'import socket, sys; socket.socket(socket.AF_UNIX).connect("\0" + sys.argv[1])' "$ABSTRACT"; }
symlink_race() {
    mkdir -p race && echo plain > race/file
    ( for _ in $(seq 200); do ln -sfn "$DB" race/link; ln -sfn "$PWD/race/file" race/link; done ) &
    local hit=1
    for _ in $(seq 200); do sqlite_header race/link && hit=0; done
    wait
    return $hit
}
hardlink_db() { rm -f hardlink; ln "$DB" hardlink && sqlite_header hardlink; }

for p in read_db append_db list_data read_config append_config read_cli_home write_skills \
    proc_environ proc_mem proc_fd_db proc_root_db own_fds ptrace_omega signal_omega tcp_connect \
    udp_send udp6_socket raw_socket packet_socket unix_path unix_abstract symlink_race hardlink_db; do
    probe "$p" "$p"
done
rm -rf race hardlink
echo "python: $(python3 -c 'print(6 * 7)')"
