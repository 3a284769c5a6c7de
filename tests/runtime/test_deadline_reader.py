"""The reader a response is read through holds its socket open as the socket's own would."""

from __future__ import annotations

import io
import socket
import time

import pytest
from vmss_runcommands.runtime.deadline import _DeadlineReader


def test_the_reader_keeps_a_closed_socket_open_until_it_is_closed_itself() -> None:
    ours, theirs = socket.socketpair()
    try:
        reader = io.BufferedReader(_DeadlineReader(ours, time.monotonic() + 5.0))
        theirs.sendall(b"HTTP/1.1 200 OK\r\n")
        ours.close()  # what http.client does when the answer ends the connection
        assert ours.fileno() != -1  # still open: the reader holds it
        assert reader.readline() == b"HTTP/1.1 200 OK\r\n"
        reader.close()
        assert ours.fileno() == -1  # the last reader closed it for real
        reader.close()  # closing again changes nothing
    finally:
        theirs.close()


def test_the_reader_ends_at_its_deadline() -> None:
    ours, theirs = socket.socketpair()
    try:
        reader = io.BufferedReader(_DeadlineReader(ours, time.monotonic() + 0.05))
        with pytest.raises(TimeoutError):
            reader.read(1)  # nothing comes: the time left runs out
        reader.close()
        assert ours.fileno() != -1  # the caller's socket stays the caller's to close
    finally:
        ours.close()
        theirs.close()
