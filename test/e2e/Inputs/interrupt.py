#!/usr/bin/env python3
"""Starts `kiln compile MODEL -o OUT`, waits until kiln has opened its
temporary output beside OUT (object emission is under way), sends SIGTERM,
and checks that kiln exits and leaves neither OUT nor the temporary.

  interrupt.py KILN MODEL OUT
"""
import glob
import signal
import subprocess
import sys
import time


def main():
    kiln, model, out = sys.argv[1:4]
    proc = subprocess.Popen([kiln, "compile", model, "--name=big", "-o", out])
    deadline = time.monotonic() + 120
    while not glob.glob(out + ".tmp-*"):
        if proc.poll() is not None or time.monotonic() > deadline:
            print("kiln finished before its temporary output was seen")
            proc.kill()
            return 1
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(60)
    left = glob.glob(out + "*")
    print("kiln exit %d after SIGTERM; left behind: %s" %
          (rc, " ".join(left) if left else "nothing"))
    return 0 if rc != 0 and not left else 1


if __name__ == "__main__":
    sys.exit(main())
