#!/usr/bin/env python3
"""A userspace network link: a TCP proxy that delays every chunk by a random amount.

The kernels bfxkit is tested on have no netem (`tc qdisc ... netem` answers "qdisc kind unknown"),
so scripts/testbed.sh puts one of these on each emulated link. Per connection and direction, each
chunk read is delivered after a random delay in [--min-ms, --max-ms], never before the chunk read
before it (order within one connection is kept, as TCP does), so different connections overtake
each other while each stays ordered.

Cut on demand: while the file --cut-file exists the link is down — bytes in flight and bytes sent
during the cut are lost, nothing is answered (no FIN, no RST: the peers see silence, as on a cut
cable), and new connections hang. When the file disappears, every connection that lived through
the cut is reset (its stream lost bytes; a real TCP connection would have timed out or resumed
with retransmissions the emulator cannot produce) and new connections work again.

Stall on demand: while the file --stall-file exists, nothing is delivered and no new upstream
connection is opened, but nothing is lost either — every chunk read is held, in order, and
delivered when the file disappears. That is what TCP does after a short outage (the sender
retransmits what the network lost, and the receiver gets it late), and what a proxy or load
balancer with a queue does: a request can reach the server after its client gave up on it
(the late-delivery fault of scripts/testbed.sh; a cut, above, loses the bytes instead).

Usage: linkemu.py --listen HOST:PORT --connect HOST:PORT [--min-ms 5 --max-ms 40]
                  [--cut-file PATH] [--stall-file PATH] [--seed N] [--max-seconds 3600] [--log PATH]
Stdlib only. Bounded: exits after --max-seconds whatever happens.
"""
import argparse
import asyncio
import os
import random
import socket
import struct
import sys
import time


class Link:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.cut = False
        self.generation = 0  # bumped at every cut; connections of an older generation are reset on heal
        self.connections = set()
        self.stalled = False
        self.stats = {"connections": 0, "chunks": 0, "bytes": 0, "dropped": 0, "cuts": 0, "stalls": 0, "held": 0}
        self.log = open(args.log, "a", buffering=1) if args.log else None

    def note(self, text):
        if self.log:
            self.log.write(f"{time.time():.6f} {text}\n")

    def delay(self):
        return self.rng.uniform(self.args.min_ms, self.args.max_ms) / 1000.0

    async def watch_cut(self):
        """Polls the cut and stall files every 50 ms."""
        while True:
            stall = bool(self.args.stall_file) and os.path.exists(self.args.stall_file)
            if stall and not self.stalled:
                self.stalled = True
                self.stats["stalls"] += 1
                self.note("stall")
            elif not stall and self.stalled:
                self.stalled = False
                self.note(f"stall end: delivering held chunks (held so far {self.stats['held']})")
            down = bool(self.args.cut_file) and os.path.exists(self.args.cut_file)
            if down and not self.cut:
                self.cut = True
                self.generation += 1
                self.stats["cuts"] += 1
                self.note("cut")
            elif not down and self.cut:
                self.cut = False
                self.note("heal")
                for conn in list(self.connections):
                    if conn.generation < self.generation:
                        conn.reset()
            await asyncio.sleep(0.05)

    async def serve(self, reader, writer):
        conn = Connection(self, reader, writer)
        self.connections.add(conn)
        try:
            await conn.run()
        finally:
            self.connections.discard(conn)


def abort(writer):
    """Closes with RST (SO_LINGER 0) so the peer learns the connection is gone."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


class Connection:
    def __init__(self, link, reader, writer):
        self.link = link
        self.reader = reader
        self.writer = writer
        self.generation = link.generation
        self.upstream = None
        self.tasks = []

    def reset(self):
        self.link.note(f"reset connection from {self.writer.get_extra_info('peername')}")
        for w in (self.writer, self.upstream):
            if w is not None:
                abort(w)
        for t in self.tasks:
            t.cancel()

    async def run(self):
        link = self.link
        # A connection opened during a cut hangs until the cut ends (then it is reset).
        while link.cut:
            self.generation = link.generation - 1
            await asyncio.sleep(0.05)
            if not link.cut:
                self.writer.close()
                return
        # A connection opened during a stall waits (its SYN is held), then connects.
        while link.stalled:
            await asyncio.sleep(0.01)
        host, port = link.args.connect
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
        except (OSError, asyncio.TimeoutError) as e:
            link.note(f"connect {host}:{port} failed: {e}")
            abort(self.writer)
            return
        self.upstream = up_writer
        link.stats["connections"] += 1
        peer = self.writer.get_extra_info("peername")
        local = up_writer.get_extra_info("sockname")
        # The map lets the test bed find which client process owns a server-side connection.
        link.note(f"open client={peer[0]}:{peer[1]} upstream_local={local[0]}:{local[1]}")
        self.tasks = [asyncio.ensure_future(self.pump(self.reader, up_writer)),
                      asyncio.ensure_future(self.pump(up_reader, self.writer))]
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for w in (self.writer, up_writer):
            try:
                w.close()
            except Exception:
                pass

    async def pump(self, reader, writer):
        """Reads chunks and schedules each for delivery; a writer task delivers them in order."""
        queue = asyncio.Queue()
        deliverer = asyncio.ensure_future(self.deliver(queue, writer))
        last_due = 0.0
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if self.link.cut or self.generation < self.link.generation:
                    self.link.stats["dropped"] += len(data)
                    continue
                if self.link.args.trace and reader is self.reader:
                    self.link.note(f"chunk {id(self)} {len(data)}")
                due = max(loop.time() + self.link.delay(), last_due)
                last_due = due
                queue.put_nowait((due, data))
        except (ConnectionError, OSError):
            pass
        finally:
            queue.put_nowait((max(last_due, loop.time()), None))
            await deliverer

    async def deliver(self, queue, writer):
        loop = asyncio.get_running_loop()
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if self.link.stalled:
                held_since = loop.time()
                while self.link.stalled:  # held, not lost: delivered in order when the stall ends
                    await asyncio.sleep(0.01)
                if data is not None:
                    self.link.stats["held"] += 1
                    self.link.note(f"held chunk of {len(data)} bytes delivered {loop.time() - held_since:.2f} s late")
            if data is None:
                if self.link.cut or self.generation < self.link.generation:
                    return  # a cut link carries no FIN either: the far side keeps waiting
                try:
                    if writer.can_write_eof():
                        writer.write_eof()
                except (OSError, RuntimeError):
                    pass
                return
            if self.link.cut or self.generation < self.link.generation:
                self.link.stats["dropped"] += len(data)
                continue
            try:
                writer.write(data)
                await writer.drain()
            except (ConnectionError, OSError):
                return
            self.link.stats["chunks"] += 1
            self.link.stats["bytes"] += len(data)


def endpoint(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", type=endpoint, required=True)
    p.add_argument("--connect", type=endpoint, required=True)
    p.add_argument("--min-ms", type=float, default=5)
    p.add_argument("--max-ms", type=float, default=40)
    p.add_argument("--cut-file")
    p.add_argument("--stall-file", help="while this file exists, hold every chunk and deliver it when it disappears")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--max-seconds", type=float, default=3600)
    p.add_argument("--log")
    p.add_argument("--trace", action="store_true", help="log every client-to-server chunk (time, connection, bytes)")
    args = p.parse_args()
    if not (0 <= args.min_ms <= args.max_ms <= 10000):
        p.error("need 0 <= --min-ms <= --max-ms <= 10000")
    link = Link(args)
    server = await asyncio.start_server(link.serve, args.listen[0], args.listen[1], reuse_address=True)
    link.note(f"listening {args.listen} -> {args.connect}, {args.min_ms}-{args.max_ms} ms")
    print(f"linkemu: {args.listen[0]}:{args.listen[1]} -> {args.connect[0]}:{args.connect[1]}", flush=True)
    watcher = asyncio.ensure_future(link.watch_cut())
    try:
        await asyncio.wait_for(server.serve_forever(), args.max_seconds)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        pass
    finally:
        watcher.cancel()
        link.note(f"exit {link.stats}")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
