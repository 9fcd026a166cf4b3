"""A minimal socket.io client (Engine.IO 4 over a websocket, as the widget connects) for tests.

python-socketio's own async client needs a newer aiohttp than Rasa 3.6 allows, so this speaks the few packets
the widget uses: open, namespace connect, events, ping/pong.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import websockets


class SocketClient:
    def __init__(self, rasa_url: str, path: str = "/socket.io"):
        self.url = rasa_url.replace("http://", "ws://") + f"{path}/?EIO=4&transport=websocket"
        self.events: list[tuple[float, str, Any]] = []  # (time received, event name, data)
        self._socket: Any = None
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> SocketClient:
        self._socket = await websockets.connect(self.url, max_size=None)
        opened = await self._socket.recv()
        if not opened.startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO open packet: {opened[:80]}")
        await self._socket.send("40")
        connected = await self._socket.recv()
        if not connected.startswith("40"):
            raise RuntimeError(f"namespace not connected: {connected[:80]}")
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._reader:
            self._reader.cancel()
        await self._socket.close()

    async def _read(self) -> None:
        async for packet in self._socket:
            if packet == "2":  # ping
                await self._socket.send("3")
            elif packet.startswith("42"):
                name, *args = json.loads(packet[2:])
                self.events.append((time.monotonic(), name, args[0] if args else None))

    async def emit(self, event: str, data: Any) -> None:
        await self._socket.send("42" + json.dumps([event, data]))

    async def wait_for(self, event: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, name, data in self.events:
                if name == event:
                    return data
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no {event} within {timeout} s")

    def received(self, event: str, since: float = 0.0) -> list[tuple[float, Any]]:
        return [(at, data) for at, name, data in self.events if name == event and at >= since]
