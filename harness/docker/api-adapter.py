#!/usr/bin/env python3
"""Lets a Docker client that speaks a newer Engine API talk to an older engine.

testcontainers 0.27 (through bollard 0.20) sends every request as `/v1.52/...`, and a Docker
engine refuses a version newer than its own ("client version 1.52 is too new. Maximum
supported API version is 1.41"): Debian 12's docker.io (20.10, API 1.41) and Docker 25 to 28
all do. This adapter listens on a Unix socket, forwards every connection to the engine's
socket, and rewrites the version in each request line down to the engine's own when it is
newer. Everything else passes through byte for byte, including streamed logs and upgraded
(attach) connections. The engine then answers in its own API version; the calls planproof
makes (create, start, inspect, logs, remove) have the same shape in both.

Usage: api-adapter.py --listen /var/run/docker.sock --engine /run/planproof/dockerd.sock

harness/docker/start-engine.sh starts it when it starts dockerd itself. With an engine that
already speaks the client's version (Docker 29+, Podman) it is not needed.
"""

import argparse
import asyncio
import grp
import json
import os
import re
import socket
import sys

REQUEST_LINE = re.compile(rb"^([A-Z]+) /v(\d+)\.(\d+)(/\S*) (HTTP/1\.[01])\r\n$")


def engine_api_version(engine: str) -> tuple[int, int]:
    """The engine's own API version, from the unversioned `GET /version`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(engine)
        s.sendall(b"GET /version HTTP/1.0\r\nHost: docker\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    body = data.split(b"\r\n\r\n", 1)[1]
    major, minor = json.loads(body)["ApiVersion"].split(".")
    return int(major), int(minor)


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def requests(client: asyncio.StreamReader, engine: asyncio.StreamWriter, api: tuple[int, int]) -> None:
    """Forwards HTTP/1.1 requests, rewriting too-new versions, until the client is done or the
    connection is upgraded (then raw bytes)."""
    try:
        while True:
            line = await client.readline()
            if not line:
                break
            m = REQUEST_LINE.match(line)
            if m and (int(m[2]), int(m[3])) > api:
                line = b"%s /v%d.%d%s %s\r\n" % (m[1], api[0], api[1], m[4], m[5])
            head = [line]
            length, chunked, upgrade = 0, False, False
            while True:
                header = await client.readline()
                if not header:
                    return
                head.append(header)
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.partition(b":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding" and b"chunked" in value:
                    chunked = True
                elif name == b"upgrade" or (name == b"connection" and b"upgrade" in value):
                    upgrade = True
            engine.write(b"".join(head))
            if chunked:
                while True:
                    size_line = await client.readline()
                    engine.write(size_line)
                    size = int(size_line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while (trailer := await client.readline()) not in (b"\r\n", b"\n", b""):
                            engine.write(trailer)
                        engine.write(b"\r\n")
                        break
                    engine.write(await client.readexactly(size + 2))
                    await engine.drain()
            elif length:
                remaining = length
                while remaining:
                    chunk = await client.read(min(remaining, 65536))
                    if not chunk:
                        return
                    engine.write(chunk)
                    remaining -= len(chunk)
                    await engine.drain()
            await engine.drain()
            if upgrade:
                await pump(client, engine)
                return
    except (ConnectionError, asyncio.IncompleteReadError, ValueError):
        pass
    finally:
        try:
            engine.write_eof()
        except (OSError, RuntimeError):
            pass


async def serve(listen: str, engine_path: str, api: tuple[int, int]) -> None:
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            engine_r, engine_w = await asyncio.open_unix_connection(engine_path, limit=1 << 20)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(requests(client_r, engine_w, api), pump(engine_r, client_w))
        for w in (client_w, engine_w):
            w.close()

    if os.path.exists(listen):
        os.unlink(listen)
    server = await asyncio.start_unix_server(handle, path=listen, limit=1 << 20)
    # The same access as the engine's own socket: root and the `docker` group.
    os.chmod(listen, 0o660)
    try:
        os.chown(listen, -1, grp.getgrnam("docker").gr_gid)
    except (KeyError, PermissionError):
        pass
    async with server:
        await server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="Unix socket to serve clients on")
    parser.add_argument("--engine", required=True, help="the engine's Unix socket")
    args = parser.parse_args()
    try:
        api = engine_api_version(args.engine)
    except (OSError, ValueError, KeyError, IndexError) as e:
        print(f"api-adapter: cannot read the engine's API version at `{args.engine}`: {e}", file=sys.stderr)
        return 2
    print(f"api-adapter: {args.listen} -> {args.engine} (engine API {api[0]}.{api[1]})", file=sys.stderr, flush=True)
    asyncio.run(serve(args.listen, args.engine, api))
    return 0


if __name__ == "__main__":
    sys.exit(main())
