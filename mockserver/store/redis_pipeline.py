"""Automatic pipelining: the Redis commands a process issues at one moment go to Redis in one write.

redis-py sends each command on its own and waits for its reply (taking a
pooled connection for it), so N requests in flight cost N round trips and
N connections. Here commands queue; a writer sends whatever has queued as
one write over one kept connection, without waiting for earlier replies,
and a reader hands replies back in order as they arrive. A request waits
about one round trip per command it needs; under load the process makes a
few writes per batch of requests. Each command keeps its meaning (a script
still runs atomically); only the transport is shared. The parts of a
`Merged` command (journal entries) that queue together become one command.
`round_trips` and `commands` count the writes and commands, for the bench
and the health answer.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Callable, Sequence


Settles = tuple[list["asyncio.Future[Any]"], bool]  # the answers a reply settles; True: only if it is an error


class Merged:
    """Commands built from the parts that wait together: `commands(parts)` gives them, in order; the last one's
    reply stands for every part (and an error reply of any fails them all)."""

    def __init__(self, commands: Callable[[list[Any]], list[Sequence[Any]]]) -> None:
        self.commands = commands


class Encoded(bytes):
    """Arguments already in the Redis protocol, spliced into a command as they are (`count` of them)."""

    count: int


def _resp(arg: Any) -> bytes:
    if isinstance(arg, bytes):
        data = arg
    elif isinstance(arg, str):
        data = arg.encode()
    elif isinstance(arg, int) and not isinstance(arg, bool):
        data = b"%d" % arg
    else:
        raise TypeError(f"a Redis argument is bytes, str or int, not {type(arg).__name__}")
    return b"$%d\r\n%s\r\n" % (len(data), data)


def encode(*args: Any) -> Encoded:
    """`args` in the protocol once, where they are made (a batch then only joins them)."""
    encoded = Encoded(b"".join(_resp(arg) for arg in args))
    encoded.count = len(args)
    return encoded


def pack(commands: Sequence[Sequence[Any]]) -> bytes:
    """The commands in the Redis protocol (RESP), as one write; arguments are bytes, str, int or Encoded."""
    out: list[bytes] = []
    for args in commands:
        out.append(b"*%d\r\n" % sum(arg.count if isinstance(arg, Encoded) else 1 for arg in args))
        out += (arg if isinstance(arg, Encoded) else _resp(arg) for arg in args)
    return b"".join(out)


class AutoPipeline:
    """`execute_command` as redis-py's client offers it (its replies parsed the same way), pipelined.

    A connection error, or a reply later than the client's socket timeout,
    fails every command sent and not answered, and drops the connection;
    the next command connects again.
    """

    def __init__(self, redis: Any) -> None:
        self.redis = redis
        self.round_trips = 0
        self.commands = 0
        self._connection: Any = None
        self._timeout_s: float | None = None  # the client's socket timeout, applied to each batch's replies
        self._queue: list[tuple[Any, Any, asyncio.Future[Any]]] = []  # (args or Merged, part, answer)
        self._sent: deque[tuple[list[Sequence[Any]], list[Settles]]] = deque()  # written, replies pending
        self._writer: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None

    def execute_command(self, *args: Any) -> "asyncio.Future[Any]":
        """The command's answer (an error reply raises it)."""
        return self._submit(args, None)

    def merge(self, merged: Merged, part: Any) -> "asyncio.Future[Any]":
        """Send `part` within one `merged` command with the other parts waiting; answers its reply."""
        return self._submit(merged, part)

    def _submit(self, what: Any, part: Any) -> "asyncio.Future[Any]":
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        self._queue.append((what, part, answer))
        if self._writer is None:
            self._writer = loop.create_task(self._write(), name="mockserver-redis-writer")
        return answer

    async def _write(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                commands, settles = _group(batch)
                try:
                    connection = await self._connect()
                    self._sent.append((commands, settles))
                    self.round_trips += 1
                    self.commands += len(commands)
                    await connection.send_packed_command(pack(commands), check_health=False)
                    if self._reader is None:
                        self._reader = asyncio.create_task(self._read(connection), name="mockserver-redis-reader")
                except Exception as error:  # noqa: BLE001 - every command waiting for this connection learns it
                    _settle(settles, [error] * len(commands))
                    await self._drop(error)
        finally:
            self._writer = None
            for _, _, answer in self._queue:  # cancelled with commands still queued (the store is closing)
                answer.cancel()
            self._queue = []

    async def _read(self, connection: Any) -> None:
        from redis.exceptions import ResponseError

        try:
            while self._sent:
                commands, settles = self._sent[0]
                results: list[Any] = []
                async with asyncio.timeout(self._timeout_s):
                    for args in commands:
                        try:
                            reply = await connection.read_response()
                        except ResponseError as error:  # an error reply is this command's answer
                            results.append(error)
                            continue
                        parse = self.redis.response_callbacks.get(args[0])
                        results.append(parse(reply) if parse is not None else reply)
                self._sent.popleft()
                _settle(settles, results)
        except Exception as error:  # noqa: BLE001 - replies may be left unread: the connection cannot be trusted
            self._reader = None
            if isinstance(error, TimeoutError):  # the batch's deadline (asyncio's), as redis-py says it
                from redis.exceptions import TimeoutError as RedisTimeoutError

                error = RedisTimeoutError(f"no reply from Redis within {self._timeout_s} s")
            await self._drop(error)
        finally:
            if self._reader is asyncio.current_task():
                self._reader = None

    async def _connect(self) -> Any:
        if self._connection is None:
            connection = await self.redis.connection_pool.get_connection()
            # One deadline for each batch's replies (in _read), instead of a timer for every write and reply.
            self._timeout_s, connection.socket_timeout = connection.socket_timeout, None
            self._connection = connection
        return self._connection

    async def _drop(self, error: Exception) -> None:
        """Fail what was sent and not answered, and let the connection go (disconnected)."""
        sent, self._sent = self._sent, deque()
        for commands, settles in sent:
            _settle(settles, [error] * len(commands))
        connection, self._connection = self._connection, None
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None  # the next connection gets a reader of its own
        if connection is not None:
            connection.socket_timeout = self._timeout_s
            await connection.disconnect()
            await self.redis.connection_pool.release(connection)

    async def close(self) -> None:
        for task in (self._writer, self._reader):
            if task is not None:
                task.cancel()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.socket_timeout = self._timeout_s
            await self.redis.connection_pool.release(connection)


def _group(batch: list[tuple[Any, Any, "asyncio.Future[Any]"]]) -> tuple[list[Sequence[Any]], list[Settles]]:
    """The commands to send and what each reply settles; a Merged group goes where its first part waited."""
    commands: list[Any] = []
    settles: list[Settles] = []
    merged: dict[int, tuple[int, Merged, list[Any], list[asyncio.Future[Any]]]] = {}
    for what, part, answer in batch:
        if isinstance(what, Merged):
            if id(what) not in merged:
                merged[id(what)] = (len(commands), what, [], [])
                commands.append(None)  # replaced by the group's commands below
                settles.append(([], False))
            _, _, parts, answers = merged[id(what)]
            parts.append(part)
            answers.append(answer)
        else:
            commands.append(what)
            settles.append(([answer], False))
    for index, what, parts, answers in sorted(merged.values(), key=lambda group: -group[0]):
        group = what.commands(parts)
        commands[index:index + 1] = group
        settles[index:index + 1] = [(answers, True)] * (len(group) - 1) + [(answers, False)]
    return commands, settles


def _settle(settles: list[Settles], results: list[Any]) -> None:
    for (waiting, errors_only), result in zip(settles, results):
        for answer in waiting:
            if answer.done():  # its request went away meanwhile (or an earlier error settled it)
                continue
            if isinstance(result, Exception):
                answer.set_exception(result)
            elif not errors_only:
                answer.set_result(result)
