#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (Tests/Fuzz/corpus/<target>/seed-*) from the cases the unit tests table.
Run once when a seed is added; libFuzzer's own finds go in beside them (`make fuzz` merges what adds coverage), and an
input that ever broke a property stays as `regression-*`."""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = {
    "phone-number": [
        "+13125550100", "+1 312 555 0100", "+1 (312) 555-0100", "+1.312.555.0100", "001 312 555 0100", "  +13125550100  ",
        "+996555123456", "+996 (555) 12-34-56", "00996555123456", "+44 20 7946 0958", "", "+", "13125550100", "0996555123456",
        "+1 312 555 O100", "+0123456789", "+1234567890123456", "++13125550100", "+٣١٢٥٥٥٠١٠٠", "+1312555010\u0301" "0",
        "+1312555010\u20e3", "+１３１２５５５０１００", "+1312\u200b5550100", "\ufeff+13125550100", "+1312\u00a05550100",
        "\uff0b13125550100", "+\u030113125550100",
    ],
    "json-duplicate-keys": [
        '{"phone":"+13125550100"}', '{"phone":"+1","phone":"+2"}', '{"a":1,"\\u0061":2}', '{"a":{"b":1,"b":2}}',
        '[{"a":1},{"a":1}]', '{"verification_id":"x","verification_code":"123456"}', '{"\u00e9":1,"e\u0301":2}',
        '{"a":"\\"","b":"\\\\"}', '{"a":[1,2,{"c":null}],"d":true}', '"fragment"', '{"a":1,}', '{',
    ],
    "integer-list": ["[]", "[1,2,3]", "[-9223372036854775808,9223372036854775807]", " [ 0 , -1 ] ", "[01]", "[1.5]", "[1e3]",
                     "[" + ",".join(["0"] * 61) + "]"],
    "html-escape": ['<script>alert("x")</script>', "Tom & Jerry's", '"\u0301 onmouseover=alert(1)', "'\u0338", ">\u20d2",
                    "&amp;&lt;", "plain text", "Азамат Жээнбеков", "\u0000\u0001"],
    "entity-tags": ['*', '"a"', ' W/"x", "y,z" ,""  ', '"a"\t,\t"b"', '', ',', '"unterminated', 'W/', '*, "a"',
                    '"\u00e9"', '"a""b"'],
    "idempotency-key": ["order-42", "a", "x" * 255, "x" * 256, "with space", "tab\there", "\u00e9", "!~", ""],
    "forwarded-for": ["203.0.113.9", "203.0.113.9, 10.0.0.2", "10.0.0.2, 203.0.113.9", " , ,", "1.1.1.1,,10.0.0.1",
                      "2001:db8::1, ::1", "unknown", "203.0.113.9\u00a0", ""],
}


def write(target, data, prefix="seed"):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{prefix}-{hashlib.sha1(data).hexdigest()[:16]}"), "wb") as f:
        f.write(data)


for target, texts in SEEDS.items():
    for text in texts:
        write(target, text.encode())
# proof-of-work: flags, position, value, then a solution (flags 0: as issued; 1: altered; 2: another phone).
for flags, position, value, solution in [(0, 0, 0, b"0"), (0, 0, 0, b"12345"), (1, 5, ord("x"), b"7"), (2, 0, 0, b"99"),
                                         (3, 200, 0, b"")]:
    write("proof-of-work", bytes([flags, position, value]) + solution)
# access-token: mode (0 whole token, 1 change, 2 insert, 3 remove), a two-byte position, the byte.
for mode, position, value in [(1, 0, ord("x")), (1, 40, ord("A")), (2, 10, ord(".")), (3, 100, 0), (1, 200, ord("B"))]:
    write("access-token", bytes([mode]) + struct.pack(">H", position) + bytes([value]))
write("access-token", b"\x00eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")
# server-sent-events: a split position, then a stream as RevocationController writes it (and as a proxy may mangle it).
for split, stream in [(7, b"retry: 1000\n\nid: 41\nevent: session.ended\ndata: {\"session_id\":\"s1\",\"user_id\":7}\n\n"),
                      (3, b": keepalive\n\nevent: ready\ndata: {}\n\n"), (12, b"id: 1\r\nevent: reset\r\ndata: a\r\ndata: b\r\n\r\n"),
                      (200, b"data: x\rdata: y\r\r"), (0, b"event\ndata\n\nid: \x00\ndata: z\n\n"), (5, b"data: " + b"x" * 80 + b"\n\n")]:
    write("server-sent-events", bytes([split]) + stream)
