"""`tutor serve` on the composition root: every configured service started and stopped, one Outbox per platform."""

from __future__ import annotations

import asyncio

from entrypoints.bootstrap import App
from entrypoints.serve import serve
from tests.fakes import InMemoryOutbox
from tutor.delivery import PlatformOutboxes
from tutor.domain import Delivery, Recipient, Reply


class FakeService:
    def __init__(self, platform: str, events: list[str]) -> None:
        self.platform = platform
        self.outbox = InMemoryOutbox()
        self.events = events

    async def start(self) -> None:
        self.events.append(f"start {self.platform}")

    async def stop(self) -> None:
        self.events.append(f"stop {self.platform}")


async def test_pushes_go_through_the_recipients_platform() -> None:
    telegram, discord = InMemoryOutbox(), InMemoryOutbox()
    outboxes = PlatformOutboxes({"telegram": telegram, "discord": discord})
    assert outboxes.platforms == ("discord", "telegram")
    hello = [Reply("hello")]
    assert await outboxes.send(Recipient("discord", "7", "dm-7"), hello) == Delivery.SENT
    assert await outboxes.send(Recipient("terminal", "x", "x"), hello) == Delivery.FAILED  # no such platform here
    assert discord.to("7") == [hello] and not telegram.sent


async def test_serve_starts_every_service_then_stops_them_in_reverse(app: App) -> None:
    events: list[str] = []
    stop = asyncio.Event()
    services = [FakeService("telegram", events), FakeService("discord", events)]
    running = asyncio.create_task(serve(app, services, stop))  # type: ignore[arg-type]
    for _ in range(100):
        if len(events) == 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, 10)
    assert events == ["start telegram", "start discord", "stop discord", "stop telegram"]
