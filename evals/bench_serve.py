"""`tutor serve` with every adapter configured (Telegram, Discord, the dashboard), as a real process against the
fake Bot API and Discord servers of the tests on 127.0.0.1: seconds from launch to the first answer on each platform,
then peak RSS after 50 more questions, and a clean stop.

Usage (the data folder must hold an ingested course): python evals/bench_serve.py --data-dir DIR
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MORE = 50  # questions after the first two, half on each platform
LIMIT_S = 180.0  # the slowest wait allowed for any answer (a loaded machine, a cold encoder)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(data_dir: Path, question: str) -> dict[str, Any]:
    """Launch `tutor serve`, time the first answers, load it, read its peak RSS, stop it."""
    from tests.discord_fake_server import TOKEN as DISCORD_TOKEN
    from tests.discord_fake_server import FakeDiscord
    from tests.telegram_fake_server import TOKEN as TELEGRAM_TOKEN
    from tests.telegram_fake_server import FakeTelegram, private_message, user

    telegram, discord = FakeTelegram(), FakeDiscord()
    await telegram.start()
    await discord.start()
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(data_dir),
        "TUTOR_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TUTOR_TELEGRAM_API_URL": telegram.base_url,
        "TUTOR_DISCORD_TOKEN": DISCORD_TOKEN,
        "TUTOR_DISCORD_API_URL": discord.api_url,
        "TUTOR_DASHBOARD_PORT": str(_free_port()),
        "TUTOR_MESSAGES_PER_MINUTE": "0",
    }
    tutor = str(Path(sys.executable).with_name("tutor"))
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        tutor, "serve", env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        telegram.push(private_message(user(4000, "Zoé"), question))  # queued until the bot polls
        await telegram.wait_for("sendMessage", 4000, timeout=LIMIT_S)
        first_telegram = time.perf_counter() - started
        await discord.wait_until(lambda: discord.identifies, timeout=LIMIT_S)
        first = discord.user(5000, "Alice")
        await discord.dispatch("MESSAGE_CREATE", discord.dm_message(first, question))
        await discord.wait_sent(discord.dm_channel(first), 1, timeout=LIMIT_S)
        first_discord = time.perf_counter() - started
        people = [discord.user(5001 + n, f"Learner {n}") for n in range(MORE // 2)]
        for n, person in enumerate(people):
            telegram.push(private_message(user(4001 + n, f"Learner {n}"), question, message_id=10 + n))
            await discord.dispatch("MESSAGE_CREATE", discord.dm_message(person, question))
        for n, person in enumerate(people):
            await telegram.wait_for("sendMessage", 4001 + n, timeout=LIMIT_S)
            await discord.wait_sent(discord.dm_channel(person), 1, timeout=LIMIT_S)
        loaded = time.perf_counter() - started - first_discord
        rss = _peak_rss_mb(proc.pid)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        try:
            code = await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            code = await proc.wait()
        await telegram.close()
        await discord.close()
    return {
        "first_telegram_s": first_telegram,
        "first_discord_s": first_discord,
        "more_s": loaded,
        "peak_rss_mb": rss,
        "exit_code": code,
    }


def bench_serve(question: str, data_dir: Path | None = None) -> list[Any]:
    """The serve figures for `make bench` (``data_dir``: the ingested folder, TUTOR_DATA_DIR by default)."""
    from evals.bench import Figure

    folder = data_dir or Path(os.environ.get("TUTOR_DATA_DIR", "data"))
    m = asyncio.run(measure(folder, question))
    stop = f"stopped by SIGINT: exit {m['exit_code']}"
    return [
        Figure(
            "serve",
            "`tutor serve`, start to first answer on Telegram",
            m["first_telegram_s"],
            "s",
            "< 1.5 s",
            None,
            m["first_telegram_s"] < 1.5,
            "Telegram, Discord and the dashboard configured",
        ),
        Figure(
            "serve",
            "`tutor serve`, first answer on Discord",
            m["first_discord_s"],
            "s",
            "",
            None,
            None,
            "after the gateway's IDENTIFY",
        ),
        Figure("serve", f"`tutor serve`, {MORE} more questions", m["more_s"], "s", "", None, None, "half on each"),
        Figure(
            "serve", "`tutor serve` peak RSS", m["peak_rss_mb"], "MB", "< 400 MB", None, m["peak_rss_mb"] < 400, stop
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--question", default="Qu'est-ce que le biais d'automatisation ?")
    args = parser.parse_args()
    for figure in bench_serve(args.question, args.data_dir):
        print(f"{figure.name}: {figure.value:.2f} {figure.unit} (target {figure.target or '-'}) {figure.note}")


if __name__ == "__main__":
    main()
