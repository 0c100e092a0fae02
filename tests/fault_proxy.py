"""A TCP proxy in front of the test server that cuts a connection in the middle of a transaction.

It reads the MySQL protocol's framing (each packet is a 3-byte length and a sequence number,
then the payload) in both directions, enough to see every statement the client sends
(COM_QUERY, the text protocol MySQLdb speaks) and where the server's answer to it ends.
Statements are counted from BEGIN, which is statement 0; COMMIT is the last.

Armed with drop_at(n), it cuts the next transaction at its statement n, in one of two ways:
- after_answer: the client gets the whole answer, and the connection is closed right behind
  it (the FIN travels in the answer's last segment), as when a server restarts between two
  statements: the client's next statement finds the connection closed;
- before_answer: the server runs the statement, and the client never hears how it went, as
  when a connection is lost mid-statement; at COMMIT the client cannot know whether its
  transaction was committed (it was).
The server sees the connection close and rolls back whatever it had not committed.

The proxy takes CLIENT_SSL out of the server's greeting: a client that started TLS would hide
its statements.
"""

import select
import socket
import threading
from dataclasses import dataclass

from helpers import TcpRelay

COM_QUERY = 0x03
OK, EOF, ERR = 0x00, 0xFE, 0xFF
CLIENT_SSL = 0x0800
CLIENT_DEPRECATE_EOF = 1 << 24
# A packet this long continues in the next one (and no answer's last packet is that long).
LONGEST_PACKET = 0xFFFFFF
HEADER_BYTES = 4


def take_packets(buffer):
    """Remove the whole packets at the start of buffer; return them as [(header + payload)]."""
    packets = []
    while len(buffer) >= HEADER_BYTES:
        length = int.from_bytes(buffer[:3], "little")
        if len(buffer) < HEADER_BYTES + length:
            break
        packets.append(bytes(buffer[:HEADER_BYTES + length]))
        del buffer[:HEADER_BYTES + length]
    return packets


def length_encoded_integer(payload):
    first = payload[0]
    if first < 0xFB:
        return first
    size = {0xFC: 2, 0xFD: 3, 0xFE: 8}[first]
    return int.from_bytes(payload[1:1 + size], "little")


def without_ssl(greeting):
    """The server's greeting (protocol 10) with CLIENT_SSL cleared; and its capability flags."""
    payload = bytearray(greeting[HEADER_BYTES:])
    # protocol version, server version (NUL-terminated), connection id, 8 bytes of salt, filler
    lower_flags_at = payload.index(0, 1) + 1 + 4 + 8 + 1
    lower = int.from_bytes(payload[lower_flags_at:lower_flags_at + 2], "little") & ~CLIENT_SSL
    payload[lower_flags_at:lower_flags_at + 2] = lower.to_bytes(2, "little")
    # then the character set (1 byte) and the status flags (2 bytes) before the upper flags
    upper_flags_at = lower_flags_at + 2 + 1 + 2
    upper = int.from_bytes(payload[upper_flags_at:upper_flags_at + 2], "little")
    return greeting[:HEADER_BYTES] + bytes(payload), lower | upper << 16


class QueryAnswer:
    """Follows the server's answer to one statement, packet by packet, to its last packet.

    An answer is an OK or an ERR packet; or a result set: the column count, one packet per
    column, an EOF packet unless the client asked for CLIENT_DEPRECATE_EOF, then the rows,
    ended by an EOF (or OK) packet whose first byte is 0xFE, or by an ERR.
    """

    def __init__(self, deprecate_eof):
        self.deprecate_eof = deprecate_eof
        self.columns_left = None
        self.column_eof_left = not deprecate_eof

    def ends_with(self, payload):
        """Whether this packet of the answer is its last."""
        if self.columns_left is None:
            if payload[0] in (OK, ERR):
                return True
            self.columns_left = length_encoded_integer(payload)
            return False
        if self.columns_left:
            self.columns_left -= 1
            return False
        if self.column_eof_left:
            self.column_eof_left = False
            return False
        return payload[0] == ERR or (payload[0] == EOF and len(payload) < LONGEST_PACKET)


@dataclass
class Drop:
    statement: int
    after_answer: bool


class FaultProxy(TcpRelay):
    """Listens on 127.0.0.1:port and relays each connection to the server at host:port."""

    def __init__(self, server_host, server_port):
        self._lock = threading.Lock()
        self._drop = None
        self._keep_dropping = False
        self.drops = 0
        self.last_transaction_statements = None
        super().__init__(server_host, server_port)

    def drop_at(self, statement, after_answer=True, every_transaction=False):
        """Cut the next transaction (or, with every_transaction, each one) at this statement."""
        with self._lock:
            self._drop = Drop(statement, after_answer)
            self._keep_dropping = every_transaction

    def disarm(self):
        with self._lock:
            self._drop = None

    def close(self):
        """Stop accepting; the connections already open end with their clients."""
        self.listener.close()

    def drop_due(self, statement):
        """The Drop for this statement of a transaction, if one is armed for it (then disarmed)."""
        with self._lock:
            drop = self._drop
            if drop is None or drop.statement != statement:
                return None
            if not self._keep_dropping:
                self._drop = None
            self.drops += 1
            return drop

    def carry(self, client, server):
        for end in (client, server):
            end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Connection(self, client, server).relay()


class Connection:
    """One client's connection through the proxy: the handshake, then one statement at a time."""

    def __init__(self, proxy, client, server):
        self.proxy = proxy
        self.client = client
        self.server = server
        self.from_client = bytearray()
        self.from_server = bytearray()
        self.server_flags = 0
        self.deprecate_eof = False
        self.authenticated = False
        self.statement = None  # its number in the open transaction, None outside one
        self.answer = None  # the server's answer being relayed
        self.drop = None  # how to cut the statement being answered

    def relay(self):
        ends = {end.fileno(): end for end in (self.client, self.server)}
        poller = select.poll()
        for descriptor in ends:
            poller.register(descriptor, select.POLLIN)
        while True:
            for descriptor, _ in poller.poll():
                end = ends[descriptor]
                try:
                    data = end.recv(65536)
                except ConnectionResetError:
                    return  # as a hang-up
                if not data:
                    return  # one side hung up: the other is closed with it
                if end is self.client:
                    self.from_client += data
                    for packet in take_packets(self.from_client):
                        self.from_the_client(packet)
                else:
                    self.from_server += data
                    for packet in take_packets(self.from_server):
                        if self.from_the_server(packet) == "cut":
                            return

    def from_the_client(self, packet):
        payload = packet[HEADER_BYTES:]
        if not self.authenticated:
            if packet[3] == 1:  # the handshake response: the client's capability flags first
                client_flags = int.from_bytes(payload[:4], "little")
                self.deprecate_eof = bool(client_flags & self.server_flags & CLIENT_DEPRECATE_EOF)
        elif packet[3] == 0 and payload[:1] == bytes([COM_QUERY]):
            self.statement_sent(payload[1:].strip().upper())
        self.server.sendall(packet)

    def statement_sent(self, text):
        if text == b"BEGIN":
            self.statement = 0
        elif self.statement is not None:
            self.statement += 1
        self.answer = QueryAnswer(self.deprecate_eof)
        self.drop = self.proxy.drop_due(self.statement) if self.statement is not None else None
        if text in (b"COMMIT", b"ROLLBACK") and self.statement is not None:
            self.proxy.last_transaction_statements = self.statement + 1
            self.statement = None

    def from_the_server(self, packet):
        payload = packet[HEADER_BYTES:]
        if not self.authenticated:
            if packet[3] == 0 and payload[0] == 10:  # the greeting
                packet, self.server_flags = without_ssl(packet)
            elif payload[0] in (OK, ERR):
                self.authenticated = True
            self.client.sendall(packet)
            return None
        last = self.answer is not None and self.answer.ends_with(payload)
        if self.drop is None or self.drop.after_answer:
            if last and self.drop is not None:
                # Corked, the answer's last segment waits for the FIN and carries it: the
                # client learns of the close with the answer, before its next statement.
                self.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            self.client.sendall(packet)
        if last:
            self.answer = None
            if self.drop is not None:
                self.client.shutdown(socket.SHUT_RDWR)
                return "cut"
        return None
