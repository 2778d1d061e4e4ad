#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The virt image's network (virtio-net + lib/net) against real peers.

usage: net.py --qemu QEMU --image IMG --mode pair|netns [--transcript FILE]

pair   two RuVix guests over `-netdev dgram` on 127.0.0.1: one serves
       (rvx.net=10.0.3.1/24), the other (rvx.net.peer=10.0.3.1) measures
       UDP echo round trips and an echo stream, then stops the server with
       a datagram; both must end cleanly, and the server's witness dump
       must hold the lease and every privileged virtio action. The client
       runs with rvx.virtio.sync=on (cache maintenance on every buffer);
       the server runs under -icount shift=0, so its per-frame work is
       counted in guest instructions.
netns  Linux's own stack as the peer: a network namespace (ip netns add)
       with a tap device in it, QEMU run inside it (ip netns exec) on that
       tap; Linux's ping gets replies, a UDP client gets its echoes, and a
       capture (tcpdump, in the namespace) holds well-formed ARP, ICMP and
       UDP frames from the guest (every checksum recomputed here). Needs
       root: skipped (exit 77) without it. No traffic leaves the machine.
       In a chroot whose root is not a mount point `ip netns exec` cannot
       work (it runs `mount --make-rslave /`); the namespace is then entered
       with `nsenter --net` and a note says so.

Figures (wall clock, labelled) are printed as FIGURE lines.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
KIND_LEASE_GRANT = 27
KIND_LEASE_REVOKE = 29
KIND_VIRTIO = 0x8100  # + enum rvx_virtio_event
EV_RESET, EV_STATUS, EV_FEATURES, EV_QUEUE = 1, 2, 3, 4


class Guest:
    """A QEMU process whose serial output is collected line by line."""

    def __init__(self, cmd, name, prefix=None):
        self.name = name
        self.lines = []
        self.cond = threading.Condition()
        full = (prefix or []) + cmd
        self.p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for raw in self.p.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    m = rx.search(line)
                    if m:
                        return m
                left = end - time.monotonic()
                if left <= 0 or (self.p.poll() is not None and not self.t.is_alive()):
                    return None
                self.cond.wait(min(left, 0.2))

    def finish(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None
        finally:
            self.t.join(timeout=5)

    def text(self):
        with self.cond:
            return "\n".join(self.lines)


def qemu_cmd(args, netdev, mac, append, icount=False):
    return [args.qemu] + (["-icount", "shift=0"] if icount else []) + ["-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
            "-nographic", "-nodefaults", "-serial", "stdio", "-semihosting",
            "-kernel", args.image, "-global", "virtio-mmio.force-legacy=false",
            "-netdev", netdev, "-device", "virtio-net-device,netdev=n0,mac=" + mac,
            "-device", "virtio-rng-device", "-append", append]


def witness_check(out, who):
    """The dump is complete and chained, and holds the virtio net device's
    lease and its privileged actions."""
    m = re.search(r"^RVX-WITNESS-BEGIN (\d+) (\d+)$", out, re.M)
    end = re.search(r"^RVX-WITNESS-END ([0-9a-f]{64})$", out, re.M)
    if not m or not end:
        raise AssertionError("%s: no witness dump" % who)
    recs = [bytes.fromhex(x) for x in re.findall(r"^RVX-W ([0-9a-f]{128})$", out, re.M)]
    if len(recs) != int(m.group(1)) or int(m.group(2)) != 0:
        raise AssertionError("%s: the witness dump is not whole" % who)
    if hashlib.sha256(b"".join(recs)).digest() != bytes.fromhex(end.group(1)):
        raise AssertionError("%s: the witness chain head does not match its records" % who)
    kinds = [struct.unpack_from("<H", r, 16)[0] for r in recs]
    targets = [struct.unpack_from("<Q", r, 24)[0] for r in recs]
    leases = [t for k, t in zip(kinds, targets) if k == KIND_LEASE_GRANT]
    if len(leases) < 1:
        raise AssertionError("%s: no LEASE_GRANT record for a virtio device" % who)
    for ev, least in ((EV_RESET, 1), (EV_STATUS, 4), (EV_FEATURES, 1), (EV_QUEUE, 2)):
        n = sum(1 for k in kinds if k == KIND_VIRTIO + ev)
        if n < least:
            raise AssertionError("%s: %d virtio records of event %d, want >= %d" %
                                 (who, n, ev, least))
    revoked = [t for k, t in zip(kinds, targets) if k == KIND_LEASE_REVOKE]
    if sorted(revoked) != sorted(leases):
        raise AssertionError("%s: leases granted %s, revoked %s" % (who, leases, revoked))
    if kinds[len(kinds) - 1 - kinds[::-1].index(KIND_LEASE_REVOKE) - 1] != KIND_VIRTIO + EV_RESET:
        raise AssertionError("%s: the last lease ended without its device reset first" % who)
    summ = [r for r, k in zip(recs, kinds) if k == KIND_VIRTIO + 0x10]
    if len(summ) != 1 or struct.unpack_from("<Q", summ[0], 24)[0] not in leases:
        raise AssertionError("%s: no data-path summary record for the net lease" % who)
    # Every device action is on a leased slot, and follows its grant.
    first_lease = kinds.index(KIND_LEASE_GRANT)
    for i, (k, t) in enumerate(zip(kinds, targets)):
        if KIND_VIRTIO < k < KIND_VIRTIO + 16 and (t not in leases or i < first_lease):
            raise AssertionError("%s: virtio record %d on an unleased slot 0x%x" % (who, i, t))
    return sum(1 for k in kinds if k == KIND_LEASE_GRANT or KIND_VIRTIO < k < KIND_VIRTIO + 16)


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_pair(args, icount):
    pa, pb = free_udp_port(), free_udp_port()
    dg = "dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=%d," \
         "remote.type=inet,remote.host=127.0.0.1,remote.port=%d"
    server = Guest(qemu_cmd(args, dg % (pa, pb), "52:54:00:72:76:01",
                            "rvx.net=10.0.3.1/24 rvx.net.test=on", icount=icount), "server")
    client = None
    try:
        if not server.wait_for(r"^RVX-NET-UP ip=10\.0\.3\.1/24", 30):
            raise AssertionError("server: no RVX-NET-UP\n" + server.text())
        client = Guest(qemu_cmd(args, dg % (pb, pa), "52:54:00:72:76:02",
                                "rvx.net=10.0.3.2/24 rvx.net.peer=10.0.3.1 rvx.net.test=on "
                                "rvx.virtio.sync=on"),
                       "client")
        crc = client.finish(60)
        src = server.finish(30)
    finally:
        for g in (server, client):
            if g is not None and g.p.poll() is None:
                g.p.kill()
    out_c, out_s = client.text(), server.text()
    if args.transcript:
        with open(args.transcript, "a" if icount else "w") as f:
            f.write("=== server%s\n" % (" (-icount shift=0)" if icount else "") + out_s +
                    "\n=== client\n" + out_c + "\n")
    for who, rc, out in (("client", crc, out_c), ("server", src, out_s)):
        if rc != 0:
            raise AssertionError("%s: exit %r\n%s" % (who, rc, out[-3000:]))
        if "RVX-SHUTDOWN clean" not in out:
            raise AssertionError("%s: no clean shutdown" % who)
        if not re.search(r"^RVX-RNG \d+ bytes from virtio-rng mixed into the entropy pool \(ok\)",
                         out, re.M):
            raise AssertionError("%s: virtio-rng was not read" % who)
    if not re.search(r"^RVX-NET-UP .* cache-maintained$", out_c, re.M):
        raise AssertionError("client: rvx.virtio.sync=on did not select cache maintenance")
    if "RVX-NET-PEER ok" not in out_c:
        raise AssertionError("client: round trips were lost\n" + out_c[-2000:])
    rtt = re.search(r"^RVX-NET-FIGURE udp-rtt rounds=(\d+) ok=(\d+) mean_ns=(\d+) min_ns=(\d+) "
                    r"max_ns=(\d+)", out_c, re.M)
    st = re.search(r"^RVX-NET-FIGURE udp-echo-stream sent=(\d+) echoed=(\d+) bytes=(\d+) "
                   r"ns=(\d+) kbit_s=(\d+)", out_c, re.M)
    if not rtt or not st:
        raise AssertionError("client: no figures")
    if int(st.group(2)) != int(st.group(1)):
        raise AssertionError("client: %s of %s echoes came back" % (st.group(2), st.group(1)))
    stats = re.search(r"^RVX-NET-STATS rx=(\d+) .* faults=(\d+) work_ns=(\d+)$", out_s, re.M)
    if not stats or stats.group(2) != "0":
        raise AssertionError("server: device faults or no stats")
    n = witness_check(out_s, "server")
    witness_check(out_c, "client")
    return rtt, st, stats, n


def mode_pair(args):
    rtt, st, _, n = run_pair(args, False)
    print("FIGURE guest<->guest UDP echo RTT (wall, 64 B, %s rounds): mean %.1f us, min %.1f us, "
          "max %.1f us" % (rtt.group(1), int(rtt.group(3)) / 1e3, int(rtt.group(4)) / 1e3,
                           int(rtt.group(5)) / 1e3))
    print("FIGURE guest<->guest UDP echo stream (wall, 1400 B, window 32): %s datagrams, "
          "%.1f Mbit/s echoed" % (st.group(1), int(st.group(5)) / 1e3))
    print("pair: both guests ended cleanly; server witness holds %d lease/virtio records" % n)
    # Again with the server under -icount shift=0: its clock counts guest
    # instructions, so its per-frame work is an instruction count (its
    # wall figures are not used: icount slows it).
    _, _, stats, _ = run_pair(args, True)
    print("FIGURE server work per received frame (-icount shift=0, 1 ns = 1 guest instruction; "
          "ring, lib/net, echo, re-post): %.0f instructions over %s frames" %
          (int(stats.group(3)) / int(stats.group(1)), stats.group(1)))


# ---- netns ----

def sh(cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    if check and r.returncode != 0:
        raise AssertionError("`%s` failed (%d): %s" % (" ".join(cmd), r.returncode,
                                                     r.stdout.decode("utf-8", "replace").strip()))
    return r


def mountpoints():
    try:
        with open("/proc/self/mountinfo") as f:
            return {line.split()[4] for line in f}
    except OSError:
        return set()


def prepare_host(notes):
    """What `ip netns` and a tap need, mounted or made if missing (a bare
    chroot); returns a list of things to undo."""
    undo = []
    if not os.path.exists("/proc/self/ns/net"):
        os.makedirs("/proc", exist_ok=True)
        sh(["mount", "-t", "proc", "proc", "/proc"])
        undo.append(["umount", "/proc"])
        notes.append("mounted /proc (it was missing)")
    if not os.path.isdir("/sys/class"):
        os.makedirs("/sys", exist_ok=True)
        sh(["mount", "-t", "sysfs", "sysfs", "/sys"])
        undo.append(["umount", "/sys"])
        notes.append("mounted /sys (it was missing)")
    if not os.path.exists("/dev/net/tun"):
        os.makedirs("/dev/net", exist_ok=True)
        sh(["mknod", "/dev/net/tun", "c", "10", "200"])
        undo.append(["rm", "-f", "/dev/net/tun"])
        notes.append("made /dev/net/tun (it was missing)")
    return undo


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        raise AssertionError("capture: not a little-endian pcap file")
    if struct.unpack_from("<I", data, 20)[0] != 1:
        raise AssertionError("capture: not Ethernet")
    off, frames = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def check_capture(path, guest_mac, guest_ip, peer_ip):
    """Every frame the guest sent is well formed; ARP, ICMP echo replies
    and UDP echoes are among them."""
    mac = bytes.fromhex(guest_mac.replace(":", ""))
    seen = {"arp": 0, "icmp": 0, "udp": 0}
    for fr in pcap_frames(path):
        if len(fr) < 14 or fr[6:12] != mac:
            continue
        etype = struct.unpack_from("!H", fr, 12)[0]
        if etype == 0x0806:
            htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", fr, 14)
            if (htype, ptype, hlen, plen) != (1, 0x0800, 6, 4) or op not in (1, 2):
                raise AssertionError("capture: malformed ARP from the guest")
            if fr[22:28] != mac or fr[28:32] != socket.inet_aton(guest_ip):
                raise AssertionError("capture: ARP sender is not the guest")
            seen["arp"] += 1
            continue
        if etype != 0x0800:
            raise AssertionError("capture: the guest sent EtherType 0x%04x" % etype)
        ip = fr[14:]
        ihl = (ip[0] & 15) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        if ip[0] >> 4 != 4 or ihl < 20 or total > len(ip) or ones_sum(ip[:ihl]) != 0xffff:
            raise AssertionError("capture: malformed IPv4 header or checksum from the guest")
        if ip[12:16] != socket.inet_aton(guest_ip) or ip[16:20] != socket.inet_aton(peer_ip):
            raise AssertionError("capture: IPv4 addresses are not guest -> peer")
        body = ip[ihl:total]
        if ip[9] == 1:
            if body[0] != 0 or ones_sum(body) != 0xffff:
                raise AssertionError("capture: bad ICMP echo reply (type or checksum)")
            seen["icmp"] += 1
        elif ip[9] == 17:
            ulen, csum = struct.unpack_from("!H", body, 4)[0], struct.unpack_from("!H", body, 6)[0]
            if ulen != len(body):
                raise AssertionError("capture: UDP length %d, datagram %d" % (ulen, len(body)))
            if csum != 0:
                pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
                if ones_sum(pseudo + body) != 0xffff:
                    raise AssertionError("capture: bad UDP checksum from the guest")
            seen["udp"] += 1
        else:
            raise AssertionError("capture: the guest sent IP protocol %d" % ip[9])
    for k, v in seen.items():
        if v == 0:
            raise AssertionError("capture: no %s frame from the guest" % k)
    return seen


UDP_CLIENT = r"""
import json, socket, sys, time
dst = (sys.argv[1], 7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
rtts = []
for i in range(200):
    msg = i.to_bytes(4, "little") + bytes(60)
    t0 = time.perf_counter()
    s.sendto(msg, dst)
    while True:
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            break
        if data == msg:
            rtts.append(time.perf_counter() - t0)
            break
# An echo stream: 1400-byte datagrams, at most 32 unanswered.
s.settimeout(0.5)
sent = got = 0
nbytes = 0
payload = bytes(1400)
t0 = time.perf_counter()
while (sent < 2000 or got < sent) and time.perf_counter() - t0 < 20:
    if sent < 2000 and sent - got < 32:
        s.sendto(payload, dst)
        sent += 1
        continue
    try:
        data, _ = s.recvfrom(2048)
    except socket.timeout:
        break
    if data == payload:
        got += 1
        nbytes += len(data)
t1 = time.perf_counter()
print(json.dumps({"rtts": rtts, "sent": sent, "got": got, "bytes": nbytes, "secs": t1 - t0}))
"""


def mode_netns(args):
    if os.geteuid() != 0:
        print("netns: needs root (ip netns, tap devices): skipped")
        return SKIP
    for tool in ("ip", "ping", "tcpdump"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            raise AssertionError("netns: %s is missing (scripts/setup installs it)" % tool)
    notes = []
    undo = prepare_host(notes)
    ns = "rvxnet%d" % os.getpid()
    tap = "rvxtap0"
    guest_ip, peer_ip, mac = "10.0.2.15", "10.0.2.2", "52:54:00:72:76:0f"
    had_run_netns = "/run/netns" in mountpoints() or "/var/run/netns" in mountpoints()
    tmp = tempfile.mkdtemp(prefix="rvx-netns-")
    pcap = os.path.join(tmp, "cap.pcap")
    guest = dump = None
    inns = ["ip", "netns", "exec", ns]
    try:
        r = sh(["ip", "netns", "add", ns], check=False)
        if r.returncode != 0:
            raise AssertionError("netns: `ip netns add` failed (%s); /run must be writable and "
                                 "mountable" % r.stdout.decode().strip())
        r = sh(inns + ["true"], check=False)
        if r.returncode != 0:
            # In a chroot whose root is not a mount point (the clean room's),
            # `ip netns exec` fails at `mount --make-rslave /`: enter the
            # same namespace with nsenter, which changes only the network.
            why = r.stdout.decode("utf-8", "replace").strip()
            path = "/run/netns/" + ns
            if not os.path.exists(path):
                path = "/var/run/netns/" + ns
            if shutil.which("nsenter") is None:
                raise AssertionError("netns: `ip netns exec` fails (%s) and nsenter is missing"
                                     % why)
            inns = ["nsenter", "--net=" + path]
            if sh(inns + ["true"], check=False).returncode != 0:
                raise AssertionError("netns: neither `ip netns exec` (%s) nor nsenter enters %s"
                                     % (why, ns))
            notes.append("`ip netns exec` fails here (%s): the namespace made by `ip netns add` "
                         "was entered with nsenter --net instead" % why)
        sh(inns + ["ip", "link", "set", "lo", "up"])
        sh(inns + ["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
        sh(inns + ["ip", "addr", "add", peer_ip + "/24", "dev", tap])
        sh(inns + ["ip", "link", "set", tap, "up"])
        dump = subprocess.Popen(inns + ["tcpdump", "-i", tap, "-U", "-n", "-w", pcap],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)
        netdev = "tap,id=n0,ifname=%s,script=no,downscript=no" % tap
        guest = Guest(qemu_cmd(args, netdev, mac, "rvx.net=%s/24 rvx.net.test=on" % guest_ip),
                      "guest", prefix=inns)
        if not guest.wait_for(r"^RVX-NET-UP ip=", 30):
            raise AssertionError("netns: the guest's network did not come up\n" + guest.text())
        # Linux's ping.
        ping = sh(inns + ["ping", "-c", "20", "-i", "0.2", "-W", "2", guest_ip], check=False)
        ptxt = ping.stdout.decode()
        if ping.returncode != 0 or not re.search(r" 0% packet loss", ptxt):
            raise AssertionError("netns: ping failed\n" + ptxt + guest.text()[-2000:])
        prtt = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)/", ptxt)
        # A UDP client.
        uc = sh(inns + ["python3", "-c", UDP_CLIENT, guest_ip], check=False)
        if uc.returncode != 0:
            raise AssertionError("netns: UDP client failed\n" + uc.stdout.decode())
        res = json.loads(uc.stdout.decode().strip().splitlines()[-1])
        if len(res["rtts"]) != 200:
            raise AssertionError("netns: %d of 200 UDP echoes came back" % len(res["rtts"]))
        if res["got"] < res["sent"] * 0.95:
            raise AssertionError("netns: echo stream lost %d of %d" %
                                 (res["sent"] - res["got"], res["sent"]))
        # Stop the guest cleanly: its witness dump follows.
        sh(inns + ["python3", "-c", "import socket; socket.socket(socket.AF_INET, "
                   "socket.SOCK_DGRAM).sendto(b'rvx-stop', ('%s', 9))" % guest_ip])
        grc = guest.finish(30)
        time.sleep(0.5)
        dump.terminate()
        dump.wait(timeout=10)
        out = guest.text()
        if args.transcript:
            with open(args.transcript, "w") as f:
                f.write(out + "\n=== ping\n" + ptxt)
        if grc != 0 or "RVX-SHUTDOWN clean" not in out:
            raise AssertionError("netns: the guest did not end cleanly (exit %r)" % grc)
        witness_check(out, "guest")
        seen = check_capture(pcap, mac, guest_ip, peer_ip)
        # tcpdump's own decoding of the same capture: nothing malformed.
        dec = sh(["tcpdump", "-r", pcap, "-nn", "-vv"], check=False).stdout.decode()
        bad = [l for l in dec.splitlines() if re.search(r"bad cksum|truncated|malformed", l, re.I)]
        if bad:
            raise AssertionError("netns: tcpdump finds malformed frames:\n" + "\n".join(bad[:5]))
        rtts = sorted(res["rtts"])
        if prtt:
            print("FIGURE Linux ping -> guest RTT (wall, 20 x 56 B): min %s ms, avg %s ms, "
                  "max %s ms" % prtt.groups())
        print("FIGURE Linux UDP client -> guest echo RTT (wall, 64 B, 200 rounds): median %.1f us, "
              "min %.1f us, max %.1f us" % (rtts[len(rtts) // 2] * 1e6, rtts[0] * 1e6,
                                          rtts[-1] * 1e6))
        print("FIGURE Linux UDP client -> guest echo stream (wall, 1400 B, window 32): "
              "%d/%d echoed, %.1f Mbit/s" % (res["got"], res["sent"],
                                             res["bytes"] * 8 / res["secs"] / 1e6))
        print("netns: capture from the guest: %d ARP, %d ICMP echo replies, %d UDP, all well "
              "formed" % (seen["arp"], seen["icmp"], seen["udp"]))
        for n in notes:
            print("netns: note: " + n)
    finally:
        if guest is not None and guest.p.poll() is None:
            guest.p.kill()
            guest.p.wait()
        if dump is not None and dump.poll() is None:
            dump.kill()
            dump.wait()
        sh(["ip", "netns", "del", ns], check=False)
        # `ip netns add` made /run/netns a mount of its own; in a chroot that
        # mount would outlive the test (and the chroot's removal), so undo it.
        if not had_run_netns:
            for d in ("/run/netns", "/var/run/netns"):
                if d in mountpoints() and not os.listdir(d):
                    sh(["umount", d], check=False)
        for cmd in reversed(undo):
            sh(cmd, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--mode", choices=["pair", "netns"], required=True)
    ap.add_argument("--transcript")
    args = ap.parse_args()
    try:
        rc = mode_pair(args) if args.mode == "pair" else mode_netns(args)
    except AssertionError as e:
        print("FAIL: %s" % e)
        return 1
    return rc or 0


if __name__ == "__main__":
    sys.exit(main())
