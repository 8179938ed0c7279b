#!/usr/bin/env python3
"""Starts `kiln compile MODEL -o OUT`, waits until kiln has opened its
temporary output beside OUT (object emission is under way), sends SIGTERM,
and checks that kiln exits and leaves neither OUT nor the temporary. A try
in which kiln finished before the temporary was seen is repeated (up to 5).

  interrupt.py KILN MODEL OUT
"""
import glob
import os
import signal
import subprocess
import sys
import time


def attempt(kiln, model, out):
    """One try; None when kiln finished before its temporary was seen (a
    busy machine can starve this poller for the whole write)."""
    proc = subprocess.Popen([kiln, "compile", model, "--name=big", "-o", out])
    deadline = time.monotonic() + 120
    while not glob.glob(out + ".tmp-*"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            for f in glob.glob(out + "*") + glob.glob(out[:-2] + ".h"):
                os.remove(f)
            return None
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    return proc.wait(60)


def main():
    kiln, model, out = sys.argv[1:4]
    for _ in range(5):
        rc = attempt(kiln, model, out)
        if rc is not None:
            break
    else:
        print("kiln finished before its temporary output was seen, 5 times")
        return 1
    left = glob.glob(out + "*")
    print("kiln exit %d after SIGTERM; left behind: %s" %
          (rc, " ".join(left) if left else "nothing"))
    return 0 if rc != 0 and not left else 1


if __name__ == "__main__":
    sys.exit(main())
