"""The Redis engine's Lua scripts: each runs atomically, so concurrent processes never interleave inside one."""

from __future__ import annotations

import hashlib
from typing import Any, Sequence


class Lua:
    """A script sent once per server and then called by its digest (EVALSHA), as Redis recommends."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sha = hashlib.sha1(text.encode()).hexdigest()

    def command(self, keys: Sequence[Any], args: Sequence[Any] = ()) -> tuple[Any, ...]:
        return ("EVALSHA", self.sha, len(keys), *keys, *args)

    async def __call__(self, redis: Any, keys: Sequence[Any], args: Sequence[Any] = ()) -> Any:
        """Run it through `redis`: a client, or the store's `AutoPipeline` (anything with `execute_command`)."""
        from redis.exceptions import NoScriptError

        try:
            return await redis.execute_command(*self.command(keys, args))
        except NoScriptError:  # a new or restarted server: load it, then call it again
            await redis.execute_command("SCRIPT", "LOAD", self.text)
            return await redis.execute_command(*self.command(keys, args))

# Start a store, or join one: the first process writes where every process starts from.
# KEYS: meta. ARGV: field, value, field, value, ... Returns the meta hash as a flat list.
JOIN = Lua("""
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return redis.call('HGETALL', KEYS[1])
""")

# The journal keeps each answer body in a string key of its own (cheap to write, never passed through Lua);
# its sizes list names them: an item is "<held bytes>" or "<held bytes> <answer key>", oldest entry first.
_FORGET_ANSWERS = """
local function forget_answers(items)
  local keys = {}
  for _, item in ipairs(items) do
    local key = string.match(item, '^%d+ (.+)$')
    if key then keys[#keys + 1] = key end
    if #keys == 500 then redis.call('DEL', unpack(keys)); keys = {} end
  end
  if #keys > 0 then redis.call('DEL', unpack(keys)) end
end
"""

# Append a command to the log. KEYS: seq, log, then keys to delete with it (a reset's schedule, journal).
# ARGV: the command's JSON; the position in KEYS of a journal sizes list deleted with it, whose answer keys
# go too (0: none). Returns its number.
APPEND = Lua(_FORGET_ANSWERS + """
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], seq .. '-0', 'c', ARGV[1])
local sizes = tonumber(ARGV[2] or 0)
if sizes > 0 then forget_answers(redis.call('LRANGE', KEYS[sizes], 0, -1)) end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return seq
""")

# Empty the journal, keeping its numbering. KEYS: journal, journal meta, journal sizes.
JOURNAL_WIPE = Lua(_FORGET_ANSWERS + """
forget_answers(redis.call('LRANGE', KEYS[3], 0, -1))
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('HSET', KEYS[2], 'bytes', 0, 'dropped', 0)
return 1
""")

# Keep a snapshot taken after command ARGV[1] (unless a later one is kept), then trim the log up to it.
# KEYS: base, log. ARGV: seq, JSON.
COMPACT = Lua("""
local held = redis.call('GET', KEYS[1])
if held then
  local at = tonumber(string.match(held, '"seq":(%d+)'))
  if at and at >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('XTRIM', KEYS[2], 'MINID', (tonumber(ARGV[1]) + 1) .. '-0')
return 1
""")

# Schedule work. KEYS: schedule, leases. ARGV: due, member, due, member, ... Every process applying the same
# command adds the same member; one already waiting stays as it is (NX), and one claimed meanwhile (a process
# that joins late replays commands whose work is under way) is not added again, which would run it twice.
SCHEDULE = Lua("""
local added = 0
for i = 1, #ARGV, 2 do
  if not redis.call('ZSCORE', KEYS[2], ARGV[i] .. ' ' .. ARGV[i + 1]) then
    added = added + redis.call('ZADD', KEYS[1], 'NX', ARGV[i], ARGV[i + 1])
  end
end
return added
""")

# Claim due work with a lease. KEYS: schedule, leases. ARGV: now (mock clock), limit, lease ms.
# Expired leases (a process died holding them) go back to the schedule first, at their own due instant.
# Returns due, member, due, member, ...
CLAIM = Lua("""
local t = redis.call('TIME')
local now_server = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now_server)
for _, held in ipairs(expired) do
  redis.call('ZREM', KEYS[2], held)
  local due, member = string.match(held, '^(%-?%d+) (.*)$')
  redis.call('ZADD', KEYS[1], 'NX', due, member)
end
local limit = tonumber(ARGV[2])
if limit <= 0 then return {} end
local found = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit)
local out = {}
for i = 1, #found, 2 do
  local member, due = found[i], found[i + 1]
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZADD', KEYS[2], now_server + tonumber(ARGV[3]), due .. ' ' .. member)
  out[#out + 1] = due
  out[#out + 1] = member
end
return out
""")

# Extend the leases still held. KEYS: leases. ARGV: lease ms, then the held entries.
RENEW = Lua("""
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_ms, ARGV[i]) end
return #ARGV - 1
""")

# Record journal entries (their answer bodies were written just before, each to its own key). KEYS: journal,
# journal meta, journal sizes. ARGV: capacity, max bytes, then for each entry: its JSON, request body, answer
# key ('' when there is no answer body), held bytes. Entries are numbered without gaps (a wipe keeps the
# numbering), so the oldest is <next - length + 1> and the oldest k fall out with one XTRIM MINID, their
# answer keys with them. The oldest entries fall out while the journal holds more than its bounds allow.
# Returns the last number. (Redis >= 6.2: LPOP with a count, XTRIM MINID.)
JOURNAL_ADD = Lua(_FORGET_ANSWERS + """
local capacity, max_bytes = tonumber(ARGV[1]), tonumber(ARGV[2])
local count = (#ARGV - 2) / 4
local seq = redis.call('HINCRBY', KEYS[2], 'next', count) - count
local items, added = {}, 0
for i = 3, #ARGV, 4 do
  seq = seq + 1
  redis.call('XADD', KEYS[1], seq .. '-0', 'e', ARGV[i], 'b', ARGV[i + 1], 'a', ARGV[i + 2])
  items[#items + 1] = ARGV[i + 2] == '' and ARGV[i + 3] or (ARGV[i + 3] .. ' ' .. ARGV[i + 2])
  added = added + tonumber(ARGV[i + 3])
end
redis.call('RPUSH', KEYS[3], unpack(items))
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', added)
local length = redis.call('XLEN', KEYS[1])
local drop, freed, gone = math.min(math.max(0, length - capacity), length - 1), 0, {}
if drop > 0 then gone = redis.call('LPOP', KEYS[3], drop) or {} end
for _, item in ipairs(gone) do freed = freed + tonumber(string.match(item, '^%d+')) end
while length - drop > 1 and bytes - freed > max_bytes do
  local item = redis.call('LPOP', KEYS[3])
  if not item then break end
  gone[#gone + 1] = item
  freed = freed + tonumber(string.match(item, '^%d+'))
  drop = drop + 1
end
if drop > 0 then
  forget_answers(gone)
  redis.call('XTRIM', KEYS[1], 'MINID', (seq - length + 1 + drop) .. '-0')
  redis.call('HINCRBY', KEYS[2], 'bytes', -freed)
  redis.call('HINCRBY', KEYS[2], 'dropped', drop)
end
return seq
""")

# The index of a limiter's windows: a sorted set of their keys by the instant (mock clock) each is over. Every
# hit drops up to 100 windows that are over (their keys too) and, past `most`, the one over soonest, so the
# index and the windows stay bounded however many clients come and go, as the memory engine's do.
_FORGET_OVER = """
local function forget_over(index, window, over_at, now, most, ttl)
  redis.call('ZADD', index, over_at, window)
  local over = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. now, 'LIMIT', 0, 100)
  for _, name in ipairs(over) do
    redis.call('DEL', name)
    redis.call('ZREM', index, name)
  end
  if redis.call('ZCARD', index) > most then
    local gone = redis.call('ZPOPMIN', index)
    redis.call('DEL', gone[1])
  end
  redis.call('PEXPIRE', index, ttl)
end
"""

# A fixed window: opened by a key's first request, full after `limit`, refilled when its period is over.
# KEYS: window, index. ARGV: now, period, limit, ttl ms, most windows. Returns allowed (0/1), remaining,
# ms until refill. The index is a sorted set of window keys by the instant each is over (see _FORGET_OVER).
FIXED_WINDOW = Lua(_FORGET_OVER + """
local now, period, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local held = redis.call('HMGET', KEYS[1], 'o', 'c')
local opened, count = tonumber(held[1]), tonumber(held[2])
if (not opened) or now < opened or now >= opened + period then
  opened, count = now, 0
  redis.call('HSET', KEYS[1], 'o', opened, 'c', 0)
end
local allowed = 0
if count < limit then
  count = redis.call('HINCRBY', KEYS[1], 'c', 1)
  allowed = 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
forget_over(KEYS[2], KEYS[1], opened + period, now, tonumber(ARGV[5]), ARGV[4])
return {allowed, limit - count, opened + period - now}
""")

# Sliding windows (one sorted set of request instants per window). KEYS: the windows' sets, then the index.
# ARGV: now, ttl ms, a unique member, then limit and period of each window, then the most windows kept. A
# request is counted in every window when all have room. Returns allowed (0/1), then count and oldest counted
# instant (or the instant a slot frees up, when full) of each window.
SLIDING_WINDOWS = Lua(_FORGET_OVER + """
local now, ttl, member = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local n = #KEYS - 1
local counts, oldest, full = {}, {}, false
for i = 1, n do
  local limit, period = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - period)
  counts[i] = redis.call('ZCARD', KEYS[i])
  if counts[i] >= limit then
    full = true
    local at = redis.call('ZRANGE', KEYS[i], counts[i] - limit, counts[i] - limit, 'WITHSCORES')
    oldest[i] = tonumber(at[2]) + period
  else
    local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    oldest[i] = tonumber(first[2] or now)
  end
end
local out = {full and 0 or 1}
for i = 1, n do
  if not full then
    redis.call('ZADD', KEYS[i], now, member)
    counts[i] = counts[i] + 1
    redis.call('PEXPIRE', KEYS[i], ttl)
    forget_over(KEYS[n + 1], KEYS[i], now + tonumber(ARGV[3 + 2 * i]), now, tonumber(ARGV[#ARGV]), ttl)
  end
  out[#out + 1] = counts[i]
  out[#out + 1] = oldest[i]
end
return out
""")
