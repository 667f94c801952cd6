"""Drive a program in a pseudo-terminal, as a person at a keyboard would.

    python3 terminal.py SCRIPT.json -- PROGRAM ARGS...

SCRIPT.json is a list of [prompt, keys] or [prompt, keys, "secret"]: wait (30 s at most) until the
program has written `prompt` (and, for a secret, until it has turned the terminal's echo off: it
discards what was typed before, as a terminal does), then type `keys`. Prints everything the
program wrote; exits with its exit code, or 124 if a prompt never came.
"""

import json
import os
import pty
import select
import sys
import termios
import time

script = json.load(open(sys.argv[1]))
argv = sys.argv[sys.argv.index("--") + 1 :]
fd, slave = pty.openpty()
terminal = os.ttyname(slave)
pid = os.fork()
if pid == 0:
    os.close(fd)
    os.login_tty(slave)
    os.execvp(argv[0], argv)
# Only the program holds the terminal open: when it exits, reading gives an end.
os.close(slave)


def echo_off():
    t = os.open(terminal, os.O_RDWR | os.O_NOCTTY)
    try:
        return not termios.tcgetattr(t)[3] & termios.ECHO
    finally:
        os.close(t)

seen = b""  # what came since the last prompt answered
everything = b""


def read(deadline):
    global seen, everything
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            seen += chunk
            everything += chunk
            return True
    return True


def give_up(why):
    sys.stdout.write(everything.decode(errors="replace"))
    sys.stdout.write(f"\n[terminal.py: {why}]\n")
    os.kill(pid, 9)
    sys.exit(124)


for prompt, keys, *kind in script:
    deadline = time.time() + 30
    want = prompt.encode()
    while want not in seen:
        if time.time() > deadline or not read(deadline):
            give_up(f"no prompt {prompt!r}")
    while kind == ["secret"] and not echo_off():
        if time.time() > deadline:
            give_up(f"the terminal's echo stayed on at {prompt!r}")
        read(time.time() + 0.01)
    # What came before this prompt is answered; later prompts must appear after it.
    seen = seen[seen.index(want) + len(want) :]
    os.write(fd, keys.encode())

# Drain until the program closes the terminal (60 s at most: then it is stopped).
end = time.time() + 60
while time.time() < end and read(end):
    pass
if time.time() >= end:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.stdout.write(everything.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
