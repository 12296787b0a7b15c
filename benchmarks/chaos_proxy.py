"""A loopback TCP proxy that cuts connections at random, for the soak test (benchmarks/soak.py).

Each accepted connection is forwarded to one upstream (127.0.0.1:port). With probability
`cut_rate` the connection is cut, in one of two ways chosen at random:

- "request": the client's request is cut part-way; the server never gets a whole request;
- "reply": the whole request is forwarded, the proxy waits until the server starts answering
  (so the response is already committed: the intake commits before it replies) and then closes
  the client's side without passing on a byte. The server stored it; the tablet never heard.

The second is the case that matters: the tablet must send again and get 200, not a second row.
Runs in its own thread with its own event loop; loopback only.
"""
from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter

CHUNK = 65536


class ChaosProxy:
    def __init__(self, upstream_port: int, cut_rate: float, seed: int):
        self.upstream_port = upstream_port
        self.cut_rate = cut_rate
        self.rng = random.Random(seed)
        self.counts: Counter = Counter()   # connections, cut_request, cut_reply, upstream_down
        self.port: int | None = None
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "ChaosProxy":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.counts["connections"] += 1
        mode = None
        if self.rng.random() < self.cut_rate:
            mode = self.rng.choice(("request", "reply"))
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.upstream_port), 5)
        except (OSError, asyncio.TimeoutError):
            self.counts["upstream_down"] += 1
            client_writer.close()
            return
        try:
            if mode == "request":
                data = await asyncio.wait_for(client_reader.read(CHUNK), 30)
                up_writer.write(data[: max(1, len(data) // 2)])
                await up_writer.drain()
                self.counts["cut_request"] += 1
                return
            to_server = asyncio.ensure_future(self._pipe(client_reader, up_writer))
            if mode == "reply":
                # the first byte of the answer means the server has finished with the request
                try:
                    status_line = await asyncio.wait_for(up_reader.readuntil(b"\r\n"), 60)
                except asyncio.IncompleteReadError:
                    status_line = b""
                if status_line:
                    self.counts["cut_reply"] += 1
                    # e.g. cut_reply_201: stored, and the tablet never heard it
                    self.counts["cut_reply_" + status_line.split()[1].decode()] += 1
                to_server.cancel()
                return
            await asyncio.wait_for(self._pipe(up_reader, client_writer), 120)
            to_server.cancel()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            self.counts["errors"] += 1
        finally:
            for writer in (client_writer, up_writer):
                writer.close()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except OSError:
            pass    # the other side went away (a cut or a killed server): the connection just ends
