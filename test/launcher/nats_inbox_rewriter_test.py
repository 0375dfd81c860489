"""Unit tests of the NATS relay's inbox rewriting (launcher/group_launcher.py NatsInboxRewriter),
run by test/launcher/natsInboxRewriter.test.ts with `python3 -m unittest`."""

import json
import os
import random
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "launcher"))
import group_launcher as gl  # noqa: E402

PREFIX = "_INBOX.core-platform"


def up(data: bytes) -> bytes:
    return gl.NatsInboxRewriter(PREFIX, to_server=True).feed(data)


def down(data: bytes) -> bytes:
    return gl.NatsInboxRewriter(PREFIX, to_server=False).feed(data)


class ClientToServer(unittest.TestCase):
    def test_sub_moves_the_inbox_into_the_group_prefix(self) -> None:
        self.assertEqual(up(b"SUB _INBOX.Xy12.* 1\r\n"), b"SUB _INBOX.core-platform.Xy12.* 1\r\n")
        self.assertEqual(up(b"SUB _INBOX.Xy12.* workers 2\r\n"), b"SUB _INBOX.core-platform.Xy12.* workers 2\r\n")
        self.assertEqual(up(b"sub\t_INBOX.a  3\r\n"), b"sub _INBOX.core-platform.a 3\r\n")

    def test_other_subjects_pass_byte_for_byte(self) -> None:
        for line in (b"SUB errors.>  7\r\n", b"SUB _INBOXES 1\r\n", b"UNSUB 1 5\r\n", b"PING\r\n", b"PONG\r\n", b"SUB _INBOX 1\r\n"):
            self.assertEqual(up(line), line)

    def test_pub_rewrites_the_reply_subject_only(self) -> None:
        self.assertEqual(up(b"PUB $JS.API.INFO _INBOX.Xy12.1 0\r\n\r\n"), b"PUB $JS.API.INFO _INBOX.core-platform.Xy12.1 0\r\n\r\n")
        # A publish to an inbox (an answer) goes where it is addressed: the requester's inbox as delivered.
        self.assertEqual(up(b"PUB _INBOX.other.9 2\r\nok\r\n"), b"PUB _INBOX.other.9 2\r\nok\r\n")

    def test_payloads_are_never_rewritten(self) -> None:
        payload = b'SUB _INBOX.evil.* 1\r\nPUB x _INBOX.a 3\r\n{"deliver_subject":"_INBOX.d"}'
        frame = b"PUB errors.x _INBOX.r.1 %d\r\n%s\r\n" % (len(payload), payload)
        self.assertEqual(up(frame + b"PING\r\n"), b"PUB errors.x _INBOX.core-platform.r.1 %d\r\n%s\r\nPING\r\n" % (len(payload), payload))

    def test_hpub_rewrites_the_reply_and_keeps_headers_and_payload(self) -> None:
        headers = b"NATS/1.0\r\nNats-Msg-Id: _INBOX.h\r\n\r\n"
        body = b"_INBOX.payload"
        frame = b"HPUB errors.y _INBOX.q.2 %d %d\r\n%s%s\r\n" % (len(headers), len(headers) + len(body), headers, body)
        self.assertEqual(up(frame), frame.replace(b"HPUB errors.y _INBOX.q.2", b"HPUB errors.y _INBOX.core-platform.q.2", 1))
        self.assertEqual(up(b"HPUB errors.y 12 12\r\nNATS/1.0\r\n\r\n\r\n"), b"HPUB errors.y 12 12\r\nNATS/1.0\r\n\r\n\r\n")

    def test_frames_split_anywhere_give_the_same_bytes(self) -> None:
        payload = b"PUB a _INBOX.b 1\r\n" * 50
        stream = (
            b"SUB _INBOX.n1.* 1\r\nPUB $JS.API.STREAM.INFO.ERRORS _INBOX.n1.1 0\r\n\r\n"
            + b"PUB errors.z _INBOX.n1.2 %d\r\n%s\r\n" % (len(payload), payload)
            + b"HPUB errors.z _INBOX.n1.3 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n"
        )
        whole = up(stream)
        self.assertEqual(whole.count(b"_INBOX.core-platform."), 4)
        rng = random.Random(13)
        for _ in range(200):
            rewriter = gl.NatsInboxRewriter(PREFIX, to_server=True)
            cuts = sorted(rng.sample(range(1, len(stream)), rng.randint(1, 30)))
            pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)])]
            self.assertEqual(b"".join(rewriter.feed(p) for p in pieces), whole)
        rewriter = gl.NatsInboxRewriter(PREFIX, to_server=True)
        self.assertEqual(b"".join(rewriter.feed(stream[i : i + 1]) for i in range(len(stream))), whole)

    def test_a_control_line_without_end_is_refused(self) -> None:
        rewriter = gl.NatsInboxRewriter(PREFIX, to_server=True)
        with self.assertRaisesRegex(ConnectionError, "no NATS control line end within 1048576 bytes"):
            for _ in range(20):
                rewriter.feed(b"x" * 65536)


class ServerToClient(unittest.TestCase):
    def test_msg_on_the_group_inbox_comes_back_as_the_client_inbox(self) -> None:
        self.assertEqual(down(b"MSG _INBOX.core-platform.Xy12.1 1 2\r\nok\r\n"), b"MSG _INBOX.Xy12.1 1 2\r\nok\r\n")

    def test_reply_subjects_and_other_inboxes_are_kept(self) -> None:
        for frame in (b"MSG errors.a 2 _INBOX.core-platform.r.1 2\r\nhi\r\n", b"MSG _INBOX.memory-stack.1 1 0\r\n\r\n", b"MSG errors.a 2 $JS.ACK.ERRORS.c.1.1.1.1.0 0\r\n\r\n"):
            self.assertEqual(down(frame), frame)

    def test_hmsg_and_payload_text(self) -> None:
        payload = b"MSG _INBOX.core-platform.fake 1 3\r\n"
        frame = b"HMSG _INBOX.core-platform.j.5 4 12 %d\r\nNATS/1.0\r\n\r\n%s\r\n" % (12 + len(payload), payload)
        self.assertEqual(down(frame), frame.replace(b"HMSG _INBOX.core-platform.j.5", b"HMSG _INBOX.j.5", 1))

    def test_info_loses_connect_urls_and_auth_required(self) -> None:
        info = {"server_id": "S", "auth_required": True, "connect_urls": ["10.0.0.2:4222"], "headers": True}
        self.assertEqual(down(b"INFO " + json.dumps(info).encode() + b"\r\n"), b'INFO {"server_id":"S","headers":true}\r\n')

    def test_split_msg_frames(self) -> None:
        stream = b"MSG _INBOX.core-platform.a.1 1 5\r\n_INBO\r\nPING\r\nMSG _INBOX.core-platform.a.2 1 _INBOX.core-platform.x 0\r\n\r\n"
        expected = b"MSG _INBOX.a.1 1 5\r\n_INBO\r\nPING\r\nMSG _INBOX.a.2 1 _INBOX.core-platform.x 0\r\n\r\n"
        rewriter = gl.NatsInboxRewriter(PREFIX, to_server=False)
        self.assertEqual(b"".join(rewriter.feed(stream[i : i + 1]) for i in range(len(stream))), expected)


class Handshake(unittest.TestCase):
    def test_bytes_pipelined_after_connect_are_rewritten(self) -> None:
        client, client_end = socket.socketpair()
        upstream, server_end = socket.socketpair()
        server_end.sendall(b'INFO {"auth_required":true}\r\n')
        client_end.sendall(b'CONNECT {"verbose":false}\r\nSUB _INBOX.p.* 1\r\nPUB $JS.API.INFO _INBOX.p.1 0\r\n\r\n')
        result: list[object] = []
        thread = threading.Thread(target=lambda: result.append(gl.nats_handshake(client, upstream, "core-platform", "pw", PREFIX)))
        thread.start()
        thread.join(10)
        self.assertEqual(client_end.recv(1000), b"INFO {}\r\n")
        sent = server_end.recv(1000)
        self.assertEqual(
            sent,
            b'CONNECT {"verbose":false,"user":"core-platform","pass":"pw"}\r\nSUB _INBOX.core-platform.p.* 1\r\nPUB $JS.API.INFO _INBOX.core-platform.p.1 0\r\n\r\n',
        )
        self.assertEqual(len(result[0]), 2)  # the two rewriters the splice applies
        for s in (client, client_end, upstream, server_end):
            s.close()

    def test_the_prefix_is_checked(self) -> None:
        env = {"LAUNCHER_NATS_RELAY_UPSTREAM": "nats:4222", "NATS_USER": "g", "NATS_PASSWORD": "p", "NATS_INBOX_PREFIX": "_INBOX.g.>"}
        with self.assertRaisesRegex(gl.ContractError, r"NATS_INBOX_PREFIX must be _INBOX.<token>\[.<token>...\], got '_INBOX.g.>'"):
            gl.read_relays(env)
        self.assertEqual(len(gl.read_relays({**env, "NATS_INBOX_PREFIX": "_INBOX.g"})), 1)


if __name__ == "__main__":
    unittest.main()
