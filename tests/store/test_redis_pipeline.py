"""The automatic pipeline: commands of one moment share one write, replies come back in order, errors stay
with their command, and a lost connection fails what was in flight without losing the next command."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from mockserver.store.redis_pipeline import AutoPipeline, Merged, encode, pack


def test_pack_writes_the_redis_protocol_and_splices_encoded_arguments() -> None:
    assert pack([("SET", b"k", 7)]) == b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n7\r\n"
    spliced = pack([("RPUSH", "list", encode(b"a", "bc"), 1)])
    assert spliced == b"*5\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$1\r\na\r\n$2\r\nbc\r\n$1\r\n1\r\n"
    with pytest.raises(TypeError, match="not float"):
        pack([("SET", "k", 1.5)])


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Any]:
    import redis.asyncio as aioredis

    redis = aioredis.from_url(redis_url.split("?", 1)[0])
    yield redis
    await redis.aclose()


async def test_commands_issued_together_share_one_write_and_keep_their_own_errors(client: Any) -> None:
    pipeline = AutoPipeline(client)
    answers = await asyncio.gather(
        pipeline.execute_command("SET", "p:a", "1"), pipeline.execute_command("INCR", "p:a"),
        pipeline.execute_command("HGET", "p:a", "field"),  # the wrong type: an error for this command only
        pipeline.execute_command("XRANGE", "p:none", "-", "+"), return_exceptions=True)
    assert answers[:2] == [True, 2] and isinstance(answers[2], ResponseError) and answers[3] == []
    assert (pipeline.round_trips, pipeline.commands) == (1, 4)
    await pipeline.close()


async def test_the_parts_of_a_merged_command_waiting_together_become_one_command(client: Any) -> None:
    pipeline = AutoPipeline(client)
    pushes = Merged(lambda parts: [("RPUSH", "p:list", *parts)])
    lengths = await asyncio.gather(*(pipeline.merge(pushes, f"item{n}") for n in range(5)),
                                   pipeline.execute_command("LLEN", "p:list"))
    assert lengths == [5] * 5 + [5] and (pipeline.round_trips, pipeline.commands) == (1, 2)
    failing = Merged(lambda parts: [("HSET", "p:list", "x", "y"), ("RPUSH", "p:list", *parts)])
    outcome = await asyncio.gather(pipeline.merge(failing, "a"), pipeline.merge(failing, "b"), return_exceptions=True)
    assert all(isinstance(answer, ResponseError) for answer in outcome)  # an earlier command's error fails them all
    await pipeline.close()


async def test_a_lost_connection_fails_what_was_in_flight_and_the_next_command_connects_again(client: Any) -> None:
    pipeline = AutoPipeline(client)
    doomed = await pipeline.execute_command("CLIENT", "ID")
    blocked = pipeline.execute_command("BLPOP", "p:never", 5)  # holds the connection until it is killed
    await asyncio.sleep(0.1)
    await client.execute_command("CLIENT", "KILL", "ID", doomed)
    with pytest.raises(RedisConnectionError):
        await asyncio.wait_for(blocked, 5)
    assert await pipeline.execute_command("PING") is True
    await pipeline.close()
