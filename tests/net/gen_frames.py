#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the recorded frames the net tests replay: a classic pcap file
(linktype Ethernet, as tcpdump and tshark write) and a manifest naming each
frame and the outcome lib/net must give it (a drop reason, or "handled").

Frames are built here field by field with struct, with this script's own
checksum code, independent of lib/net's. The interface under test is
02:00:00:00:00:01, 10.0.2.15/24, gateway 10.0.2.2; UDP port 7 is bound.

Usage: gen_frames.py OUT.pcap OUT.txt
"""
import struct
import sys

US_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("525400123456")
OTHER_MAC = bytes.fromhex("020000000099")
BCAST_MAC = b"\xff" * 6
US_IP = bytes([10, 0, 2, 15])
PEER_IP = bytes([10, 0, 2, 2])
HOST_IP = bytes([10, 0, 2, 100])
FAR_IP = bytes([192, 0, 2, 7])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, src, etype, payload, pad=True):
    f = dst + src + struct.pack("!H", etype) + payload
    if pad and len(f) < 60:
        f += b"\0" * (60 - len(f))
    return f


def arp(op, sha, spa, tha, tpa, htype=1, ptype=0x0800, hlen=6, plen=4):
    return struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + sha + spa + tha + tpa


def ipv4(src, dst, proto, payload, ttl=64, ident=0x1234, frag=0x4000, options=b"",
         total=None, version=4, ihl=None, checksum=None):
    if ihl is None:
        ihl = 5 + len(options) // 4
    if total is None:
        total = ihl * 4 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total, ident, frag, ttl,
                      proto, 0, src, dst) + options
    if checksum is None:
        checksum = csum(hdr)
    hdr = hdr[:10] + struct.pack("!H", checksum) + hdr[12:]
    return hdr + payload


def icmp(typ, code, ident, seq, data, checksum=None):
    m = struct.pack("!BBHHH", typ, code, 0, ident, seq) + data
    if checksum is None:
        checksum = csum(m)
    return m[:2] + struct.pack("!H", checksum) + m[4:]


def udp(src_ip, dst_ip, sport, dport, data, length=None, checksum=None):
    if length is None:
        length = 8 + len(data)
    u = struct.pack("!HHHH", sport, dport, length, 0) + data
    if checksum is None:
        pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, 17, length)
        checksum = csum(pseudo + u[:length] if length <= len(u) else pseudo + u)
        if checksum == 0:
            checksum = 0xFFFF
    return u[:6] + struct.pack("!H", checksum) + u[8:]


def udp_frame(dst_ip=US_IP, dport=7, data=b"hello", src_ip=PEER_IP, **kw):
    return eth(US_MAC, PEER_MAC, 0x0800, ipv4(src_ip, dst_ip, 17,
                                             udp(src_ip, dst_ip, 40000, dport, data, **kw)))


def ping(dst_ip=US_IP, dst_mac=US_MAC, data=b"abcdefghijklmnopqrstuvwabcdefghi", **kw):
    return eth(dst_mac, PEER_MAC, 0x0800, ipv4(PEER_IP, dst_ip, 1,
                                               icmp(8, 0, 0x77, 1, data), **kw))


def zero_sum_payload():
    """A payload whose UDP checksum computes to 0, so it travels as 0xffff."""
    for v in range(65536):
        data = b"zero" + struct.pack("!H", v)
        pseudo = PEER_IP + US_IP + struct.pack("!BBH", 0, 17, 8 + len(data))
        u = struct.pack("!HHHH", 40000, 7, 8 + len(data), 0) + data
        if csum(pseudo + u) == 0:
            return data
    raise SystemExit("no zero-checksum payload")


def frames():
    good_ip = ipv4(PEER_IP, US_IP, 1, icmp(8, 0, 1, 1, b"x" * 8))
    yield "arp_request_for_us", "handled", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, US_IP))
    yield "arp_reply_for_us", "handled", eth(
        US_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, PEER_IP, US_MAC, US_IP))
    yield "arp_probe_for_us", "handled", eth(
        BCAST_MAC, OTHER_MAC, 0x0806, arp(1, OTHER_MAC, b"\0" * 4, b"\0" * 6, US_IP))
    yield "arp_request_other", "ARP not for us", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, HOST_IP))
    yield "arp_gratuitous_peer", "ARP not for us", eth(
        BCAST_MAC, OTHER_MAC, 0x0806, arp(1, OTHER_MAC, HOST_IP, b"\0" * 6, HOST_IP))
    yield "arp_truncated", "ARP malformed", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, US_IP)[:20],
        pad=False)
    yield "arp_bad_hwtype", "ARP malformed", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, US_IP, htype=6))
    yield "arp_bad_hlen", "ARP malformed", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, US_IP, hlen=8))
    yield "arp_bad_opcode", "ARP malformed", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(3, PEER_MAC, PEER_IP, b"\0" * 6, US_IP))
    yield "arp_sender_mismatch", "ARP bad sender", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, OTHER_MAC, PEER_IP, b"\0" * 6, US_IP))
    yield "arp_sender_broadcast_ip", "ARP bad sender", eth(
        BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, bytes([10, 0, 2, 255]), b"\0" * 6, US_IP))
    yield "arp_conflict", "ARP address conflict", eth(
        BCAST_MAC, OTHER_MAC, 0x0806, arp(2, OTHER_MAC, US_IP, b"\0" * 6, US_IP))
    yield "eth_runt", "frame size", US_MAC + PEER_MAC[:4]
    yield "eth_giant", "frame size", eth(US_MAC, PEER_MAC, 0x0800, b"\0" * 1501)
    yield "eth_other_mac", "not for us", eth(OTHER_MAC, PEER_MAC, 0x0800, good_ip)
    yield "eth_multicast_dst", "not for us", eth(
        bytes.fromhex("01005e000001"), PEER_MAC, 0x0800,
        ipv4(PEER_IP, bytes([224, 0, 0, 1]), 1, icmp(8, 0, 1, 1, b"")))
    yield "eth_multicast_src", "bad source MAC", eth(
        US_MAC, bytes.fromhex("01005e000001"), 0x0800, good_ip)
    yield "eth_own_src", "bad source MAC", eth(US_MAC, US_MAC, 0x0800, good_ip)
    yield "eth_vlan", "ethertype", eth(US_MAC, PEER_MAC, 0x8100,
                                       struct.pack("!HH", 5, 0x0800) + good_ip)
    yield "eth_ipv6", "ethertype", eth(US_MAC, PEER_MAC, 0x86DD, b"\x60" + b"\0" * 39)
    yield "icmp_echo", "handled", ping()
    yield "icmp_echo_padded", "handled", ping(data=b"")
    yield "icmp_echo_options", "handled", ping(options=bytes([148, 4, 0, 0]))
    yield "icmp_echo_nop_options", "handled", ping(options=bytes([1, 1, 1, 0]))
    yield "icmp_echo_df_clear", "handled", ping(frag=0)
    yield "icmp_echo_ttl1", "handled", ping(ttl=1)
    yield "icmp_echo_from_far", "handled", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(FAR_IP, US_IP, 1, icmp(8, 0, 9, 9, b"far")))
    yield "ip_truncated", "IPv4 truncated", eth(US_MAC, PEER_MAC, 0x0800, good_ip[:10],
                                                pad=False)
    yield "ip_version_6", "IPv4 version", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(8, 0, 1, 1, b"v"), version=6))
    yield "ip_ihl_4", "IPv4 header length", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(8, 0, 1, 1, b"i"), ihl=4))
    yield "ip_ihl_past_frame", "IPv4 header length", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, b"", ihl=15), pad=False)
    yield "ip_total_len_long", "IPv4 total length", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(8, 0, 1, 1, b"x" * 40),
                                       total=200))
    yield "ip_total_len_short", "IPv4 total length", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(8, 0, 1, 1, b"x" * 40),
                                       total=19))
    yield "ip_bad_checksum", "IPv4 checksum", ping(checksum=0xBEEF)
    yield "ip_options_overrun", "IPv4 options", ping(options=bytes([148, 10, 0, 0]))
    yield "ip_options_len_1", "IPv4 options", ping(options=bytes([7, 1, 0, 0]))
    yield "ip_fragment_first", "IPv4 fragment", ping(frag=0x2000)
    yield "ip_fragment_last", "IPv4 fragment", ping(frag=0x00B9)
    yield "ip_ttl_0", "IPv4 TTL", ping(ttl=0)
    yield "ip_src_broadcast", "IPv4 bad source", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(b"\xff" * 4, US_IP, 1, icmp(8, 0, 1, 1, b"")))
    yield "ip_src_subnet_broadcast", "IPv4 bad source", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(bytes([10, 0, 2, 255]), US_IP, 1, icmp(8, 0, 1, 1, b"")))
    yield "ip_src_multicast", "IPv4 bad source", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(bytes([239, 1, 1, 1]), US_IP, 1, icmp(8, 0, 1, 1, b"")))
    yield "ip_src_loopback", "IPv4 bad source", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(bytes([127, 0, 0, 1]), US_IP, 1, icmp(8, 0, 1, 1, b"")))
    yield "ip_src_ours", "IPv4 bad source", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(US_IP, US_IP, 1, icmp(8, 0, 1, 1, b"")))
    yield "ip_dst_other", "IPv4 not for us", ping(dst_ip=HOST_IP)
    yield "ip_dst_multicast", "IPv4 not for us", ping(dst_ip=bytes([224, 0, 0, 1]),
                                                      dst_mac=BCAST_MAC)
    yield "ip_proto_tcp", "IPv4 protocol", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 6, b"\0" * 20))
    yield "icmp_truncated", "ICMP truncated", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, b"\x08\0\0\0"))
    yield "icmp_bad_checksum", "ICMP checksum", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(8, 0, 1, 1, b"abc",
                                                               checksum=0x1234)))
    yield "icmp_echo_reply", "ICMP type", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(0, 0, 1, 1, b"abc")))
    yield "icmp_unreachable", "ICMP type", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(3, 3, 0, 0, good_ip[:28])))
    yield "icmp_echo_code_1", "ICMP type", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 1, icmp(8, 1, 1, 1, b"abc")))
    yield "icmp_echo_broadcast", "ICMP to broadcast", ping(dst_ip=b"\xff" * 4,
                                                          dst_mac=BCAST_MAC)
    yield "icmp_echo_subnet_broadcast", "ICMP to broadcast", ping(
        dst_ip=bytes([10, 0, 2, 255]), dst_mac=BCAST_MAC)
    yield "udp_bound", "handled", udp_frame()
    yield "udp_padded", "handled", udp_frame(data=b"hi")
    yield "udp_empty", "handled", udp_frame(data=b"")
    yield "udp_no_checksum", "handled", udp_frame(checksum=0)
    yield "udp_checksum_ffff", "handled", udp_frame(data=zero_sum_payload())
    yield "udp_broadcast", "handled", eth(
        BCAST_MAC, PEER_MAC, 0x0800,
        ipv4(PEER_IP, b"\xff" * 4, 17, udp(PEER_IP, b"\xff" * 4, 68, 7, b"bcast")))
    yield "udp_subnet_broadcast", "handled", eth(
        BCAST_MAC, PEER_MAC, 0x0800,
        ipv4(PEER_IP, bytes([10, 0, 2, 255]), 17,
             udp(PEER_IP, bytes([10, 0, 2, 255]), 68, 7, b"bcast")))
    yield "udp_truncated", "UDP truncated", eth(
        US_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, US_IP, 17, b"\x9c\x40\0\x07"))
    yield "udp_len_long", "UDP length", udp_frame(length=100)
    yield "udp_len_short", "UDP length", udp_frame(length=7)
    yield "udp_bad_checksum", "UDP checksum", udp_frame(checksum=0x0BAD)
    yield "udp_unbound", "UDP no port", udp_frame(dport=9)
    yield "udp_port_0", "UDP no port", udp_frame(dport=0)


def main():
    pcap, manifest = sys.argv[1], sys.argv[2]
    with open(pcap, "wb") as p, open(manifest, "w") as m:
        p.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (name, want, frame) in enumerate(frames()):
            p.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            p.write(frame)
            m.write("%s\t%s\n" % (name, want))


if __name__ == "__main__":
    main()
