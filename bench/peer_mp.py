"""Python multiprocessing peers for bench/run.

lesson          the classic lesson: a sing and a dance process, three lines each, 0.5 s apart
lines N J M     N processes (at most J at once), each printing M lines "tI-K" and exiting
"""
import multiprocessing as mp
import sys
import time


def sing():
    for i in range(1, 4):
        print(f"sing... ({i}/3)", flush=True)
        time.sleep(0.5)


def dance():
    for i in range(1, 4):
        print(f"dance... ({i}/3)", flush=True)
        time.sleep(0.5)


def lines(index, count):
    out = sys.stdout
    for k in range(1, count + 1):
        out.write(f"t{index}-{k}\n")
    out.flush()


def main():
    if sys.argv[1] == "lesson":
        p1 = mp.Process(target=sing)
        p2 = mp.Process(target=dance)
        p1.start()
        p2.start()
        p1.join()
        p2.join()
        return
    n, j, m = (int(a) for a in sys.argv[2:5])
    running = []
    for i in range(1, n + 1):
        while len(running) >= j:
            running.pop(0).join()
        p = mp.Process(target=lines, args=(i, m))
        p.start()
        running.append(p)
    for p in running:
        p.join()


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
