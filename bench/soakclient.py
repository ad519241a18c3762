"""The hostile-client soak's client side (bench/soak.py): raw loopback sockets with asyncio, a
minimal HTTP/1.1 connection, a well-behaved SSE reader, a paced publisher and the report.
Shares no code with PushLab. PORT is set by soak.py before any connection is made."""
import asyncio
import json
import os
import re
import socket
import struct
import time

PORT = 0
HOST = "127.0.0.1"
# Clients bind to several loopback source addresses, so that tens of thousands of connections
# (and the server's TIME_WAIT entries from earlier phases) never run out of ephemeral ports.
SOURCES = ["127.0.0.%d" % i for i in range(2, 18)]


def now():
    return time.monotonic()


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "Threads:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def rss_mib(pid):
    return proc_status(pid)["VmRSS"] / 1024.0


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def reset(sock):
    """Closes with a RST (SO_LINGER 0): the peer vanishes, no FIN, no TIME_WAIT here."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


async def connect(index, rcvbuf=None, timeout=10.0):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((SOURCES[index % len(SOURCES)], 0))
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (HOST, PORT)), timeout)
    except BaseException:
        sock.close()
        raise
    return sock


async def connect_many(count, rcvbuf=None, batch=500, offset=0):
    socks, failed = [], 0
    for start in range(0, count, batch):
        results = await asyncio.gather(
            *(connect(offset + start + i, rcvbuf) for i in range(min(batch, count - start))),
            return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                failed += 1
            else:
                socks.append(r)
    return socks, failed


def request(method, path, body=b"", extra=""):
    head = "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s" % (method, path, HOST, PORT, extra)
    if body or method == "POST":
        head += "Content-Length: %d\r\n" % len(body)
    return (head + "\r\n").encode() + body


class HttpConn:
    """One keep-alive HTTP/1.1 connection answering one request at a time."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    @classmethod
    async def open(cls, index=0):
        return cls(await connect(index))

    async def _fill(self, deadline):
        loop = asyncio.get_running_loop()
        chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), max(0.01, deadline - now()))
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buf += chunk

    async def send(self, method, path, body=b"", timeout=10.0):
        """(status, body bytes, seconds)"""
        loop = asyncio.get_running_loop()
        started = now()
        deadline = started + timeout
        await asyncio.wait_for(loop.sock_sendall(self.sock, request(method, path, body)), timeout)
        while b"\r\n\r\n" not in self.buf:
            await self._fill(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(m.group(1)) if m else 0
        while len(self.buf) < length:
            await self._fill(deadline)
        payload, self.buf = self.buf[:length], self.buf[length:]
        return status, payload, now() - started

    def close(self):
        self.sock.close()


async def get_once(path, timeout=10.0):
    """A fresh connection, one GET: (status, seconds); status 0 when it failed."""
    started = now()
    try:
        conn = await asyncio.wait_for(HttpConn.open(int(started * 1000)), timeout)
    except (OSError, asyncio.TimeoutError):
        return 0, now() - started
    try:
        status, _, _ = await conn.send("GET", path, timeout=max(0.1, timeout - (now() - started)))
    except (OSError, ConnectionError, asyncio.TimeoutError, ValueError, IndexError):
        status = 0
    conn.close()
    return status, now() - started


async def stats(conn=None):
    """/api/stats, on a new connection or on `conn` (kept open: at the cap a new one gets 503)."""
    own = conn is None
    if own:
        conn = await HttpConn.open()
    try:
        status, body, _ = await conn.send("GET", "/api/stats")
        if status != 200:
            raise RuntimeError("/api/stats answered %d" % status)
        return json.loads(body)
    finally:
        if own:
            conn.close()


def open_counts(s):
    """Open streams / waiting polls per pattern key, from /api/stats."""
    return {key: p["open"] for key, p in s["patterns"].items()}


class StreamReader:
    """A well-behaved SSE client: reads everything, records each message's id and latency."""

    def __init__(self):
        self.ids, self.latencies_ms, self.buf, self.task, self.sock = [], [], b"", None, None
        self.error = None

    async def start(self, index=1):
        self.sock = await connect(index)
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(self.sock, request("GET", "/api/events"))
        while b"\r\n\r\n" not in self.buf:
            chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), 10)
            if not chunk:
                raise ConnectionError("stream closed before its head")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 200"):
            raise ConnectionError("stream answered " + head.split(b"\r\n")[0].decode())
        self.chunked = re.search(rb"(?im)^transfer-encoding:\s*chunked", head) is not None
        self.task = asyncio.ensure_future(self._run())

    async def _run(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                chunk = await loop.sock_recv(self.sock, 262144)
                if not chunk:
                    self.error = "closed by the server"
                    return
                received = time.time()
                self.buf += chunk
                self._parse(received)
        except asyncio.CancelledError:
            pass
        except OSError as e:
            self.error = str(e)

    def _parse(self, received):
        # Events end with an empty line; a chunked body's framing lines never contain "\n\n".
        while b"\n\n" in self.buf:
            event, self.buf = self.buf.split(b"\n\n", 1)
            for line in event.split(b"\n"):
                if line.startswith(b"data: {"):
                    message = json.loads(line[6:])
                    self.ids.append(message["id"])
                    self.latencies_ms.append((received * 1e6 - message["publishedAt"]) / 1000.0)

    def stop(self):
        if self.task:
            self.task.cancel()
        if self.sock:
            self.sock.close()


class Report:
    def __init__(self):
        self.rows, self.failures = [], []

    def figure(self, phase, name, value):
        self.rows.append((phase, name, value))
        print("  %-11s %-58s %s" % (phase, name, value), flush=True)

    def check(self, phase, ok, what):
        mark = "ok" if ok else "FAILED"
        self.rows.append((phase, "check: " + what, mark))
        print("  %-11s %-58s %s" % (phase, "check: " + what, mark), flush=True)
        if not ok:
            self.failures.append("%s: %s" % (phase, what))


async def publish_at(rate, count, size, tag, ids, latencies=None, stop=None):
    """Publishes `count` messages of `size` bytes at `rate` per second on one keep-alive
    connection (until `stop` is set); appends each 201's id. Returns how many were refused."""
    conn = await HttpConn.open(3)
    refused = 0
    started = now()
    try:
        for n in range(count):
            if stop is not None and stop.is_set():
                break
            wait = started + n / rate - now()
            if wait > 0:
                await asyncio.sleep(wait)
            text = ("%s-%d " % (tag, n)).encode()
            text += b"x" * max(0, size - len(text))
            status, body, seconds = await conn.send("POST", "/api/messages", text)
            if status == 201:
                ids.append(json.loads(body)["id"])
                if latencies is not None:
                    latencies.append(seconds * 1000)
            else:
                refused += 1
    finally:
        conn.close()
    return refused


def check_stream(report, phase, reader, published, name):
    got = reader.ids
    report.check(phase, got == published,
                 "%s got all %d messages exactly once, in order (got %d%s)" % (
                     name, len(published), len(got),
                     "" if reader.error is None else "; " + reader.error))
