"""The open-loop generator's schedule and percentiles (bench/openloop.py), which bench/run.py
reports as the latency at half the maximum rate."""

from __future__ import annotations

import asyncio

import pytest

from bench.openloop import StaleConnection, http_request, percentile, read_response, schedule


def test_the_schedule_is_evenly_spaced_at_the_rate_over_the_duration() -> None:
    sends = schedule(4, 2)

    assert sends == [0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]


def test_a_fractional_rate_sends_what_fits_in_the_duration_and_never_nothing() -> None:
    assert schedule(2.5, 2) == [0, 0.4, 0.8, 1.2, 1.6]
    assert schedule(0.1, 1) == [0]
    assert schedule(0, 5) == [] and schedule(10, 0) == []


@pytest.mark.parametrize(
    ("p", "expected"),
    [(50, 50), (99, 99), (99.9, 100), (100, 100), (1, 1), (0, 1)],
)
def test_percentiles_are_nearest_rank_of_the_values_given_in_any_order(p: float, expected: float) -> None:
    values = [float(v) for v in range(100, 0, -1)]

    assert percentile(values, p) == expected


def test_the_p99_of_few_samples_is_their_maximum_and_of_none_zero() -> None:
    assert percentile([3.0, 1.0, 2.0], 99) == 3.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([], 99) == 0.0


def test_the_request_is_keep_alive_http_1_1_with_its_body_length() -> None:
    request = http_request("127.0.0.1", 8770, "/graphql", b'{"a":1}', {"Content-Type": "application/json"})

    head, body = request.split(b"\r\n\r\n")
    assert head.split(b"\r\n") == [
        b"POST /graphql HTTP/1.1",
        b"Host: 127.0.0.1:8770",
        b"Connection: keep-alive",
        b"Content-Type: application/json",
        b"Content-Length: 7",
    ]
    assert body == b'{"a":1}'
    assert http_request("127.0.0.1", 8770, "/healthz", None, {}).startswith(b"GET /healthz HTTP/1.1\r\n")


def reader_of(data: bytes, eof: bool = True) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return reader


async def test_a_reply_is_read_to_its_content_length_and_the_next_one_stays_in_the_stream() -> None:
    reader = reader_of(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 503 x\r\n", eof=False)

    assert await read_response(reader) == (200, b"ok", True)
    assert await reader.readuntil(b"\r\n") == b"HTTP/1.1 503 x\r\n"


async def test_a_chunked_reply_is_joined_and_connection_close_is_not_kept() -> None:
    reader = reader_of(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )

    assert await read_response(reader) == (200, b"abcde", False)


async def test_a_connection_closed_before_any_reply_byte_is_stale_and_a_cut_reply_is_an_error() -> None:
    with pytest.raises(StaleConnection):
        await read_response(reader_of(b""))
    with pytest.raises(asyncio.IncompleteReadError):
        await read_response(reader_of(b"HTTP/1.1 200 OK\r\n"))
