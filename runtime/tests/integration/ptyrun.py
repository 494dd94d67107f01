#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ptyrun.py [--resize ROWSxCOLS --after TEXT] -- CMD...: run CMD with a new
pseudo-terminal, 24x80, as its controlling terminal and stdin/stdout/stderr,
as `podman run -it` from an interactive shell would (script(1) cannot resize).
Copies what CMD writes to stdout; with --resize, resizes the terminal once
TEXT has been written (the kernel sends SIGWINCH to CMD, the engine passes
the new size on to the container's terminal). Exits with CMD's status; kills
CMD's process group after 30 s."""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    args = sys.argv[1:]
    resize = after = None
    while args and args[0] != "--":
        if args[0] == "--resize":
            resize = [int(x) for x in args[1].split("x")]
        elif args[0] == "--after":
            after = args[1].encode()
        args = args[2:]
    cmd = args[1:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    set_size(fd, 24, 80)
    seen = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: every holder of the terminal has closed it
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        seen += data
        if resize and after and after in seen:
            set_size(fd, *resize)
            resize = None
    else:
        os.killpg(pid, signal.SIGKILL)
        print("ptyrun: timed out", file=sys.stderr)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xff)


if __name__ == "__main__":
    main()
