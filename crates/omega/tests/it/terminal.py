"""Drive a program in a pseudo-terminal, as a person at a keyboard would.

    python3 terminal.py SCRIPT.json -- PROGRAM ARGS...

SCRIPT.json is a list of [prompt, keys]: wait (30 s at most) until the program has written
`prompt`, then type `keys`. Prints everything the program wrote; exits with its exit code, or 124
if a prompt never came.
"""

import json
import os
import pty
import select
import sys
import time

script = json.load(open(sys.argv[1]))
argv = sys.argv[sys.argv.index("--") + 1 :]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

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


for prompt, keys in script:
    deadline = time.time() + 30
    want = prompt.encode()
    while want not in seen:
        if time.time() > deadline or not read(deadline):
            sys.stdout.write(everything.decode(errors="replace"))
            sys.stdout.write(f"\n[terminal.py: no prompt {prompt!r}]\n")
            os.kill(pid, 9)
            sys.exit(124)
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
