/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file net.h
 * @brief A small IPv4 host stack: Ethernet II, ARP, IPv4, UDP and ICMP echo.
 *
 * One `struct rvx_net_if` is one Ethernet interface. The caller gives it
 * every byte it uses (the ARP cache, the UDP bind table and one transmit
 * buffer) and a transmit callback that puts a finished frame on the wire.
 * Nothing is allocated and nothing is queued: a received frame is parsed,
 * answered (ARP reply, ICMP echo reply) or delivered (a UDP datagram to
 * its bound port's callback) before rvx_net_rx() returns.
 *
 * Order of use:
 *  1. rvx_net_if_init() with a `struct rvx_net_if_config` (MAC, storage,
 *     transmit callback, ARP timeouts in the caller's clock ticks).
 *  2. rvx_net_if_set_addr() gives the interface its address, netmask and
 *     gateway and announces the address with a gratuitous ARP.
 *  3. rvx_net_udp_bind() for each port to receive on.
 *  4. Feed each received frame to rvx_net_rx(); send with
 *     rvx_net_udp_send(); call rvx_net_tick() now and then to expire ARP
 *     entries. Every call takes `now`, the caller's clock; the stack has
 *     no clock of its own, so tests run on a virtual one.
 *  There is no teardown: the interface owns nothing but the caller's
 *  storage.
 *
 * Every received frame is either handled or dropped for exactly one
 * reason (`enum rvx_net_drop`), counted in `struct rvx_net_stats`; a
 * malformed frame (truncated headers, bad checksums, lengths that lie,
 * fragments, malformed options) is dropped and counted, never read past
 * its end. Fragments are refused: the stack does not reassemble.
 *
 * IPv4 addresses are `uint32_t` in host order, `a.b.c.d` being
 * `(a << 24) | (b << 16) | (c << 8) | d` (RVX_NET_IP4()).
 *
 * The library takes no locks: the embedder serialises calls on one
 * interface. A UDP receive callback may call rvx_net_udp_send() on the
 * same interface (the received frame and the transmit buffer are
 * distinct), but must not call rvx_net_rx().
 */
#ifndef RUVIX_NET_H
#define RUVIX_NET_H

#include "ruvix/env.h"
#include "ruvix/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The IPv4 address a.b.c.d in host order. */
#define RVX_NET_IP4(a, b, c, d)                                                \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | \
	 (uint32_t)(d))

/** Bytes of an Ethernet II header (destination, source, EtherType). */
#define RVX_NET_ETH_HDR 14u
/** Largest frame handled, without the frame check sequence (1500-byte MTU). */
#define RVX_NET_FRAME_MAX 1514u
/** Largest UDP payload one frame carries (no IPv4 options, no fragments). */
#define RVX_NET_UDP_PAYLOAD_MAX 1472u
/** Size a transmit buffer must have at least. */
#define RVX_NET_TX_BUF_MIN RVX_NET_FRAME_MAX

/** EtherType of IPv4. */
#define RVX_NET_ETHERTYPE_IPV4 0x0800u
/** EtherType of ARP. */
#define RVX_NET_ETHERTYPE_ARP 0x0806u
/** IPv4 protocol number of ICMP. */
#define RVX_NET_PROTO_ICMP 1u
/** IPv4 protocol number of UDP. */
#define RVX_NET_PROTO_UDP 17u

/** Why a received frame was not handled (0: it was). */
enum rvx_net_drop {
	RVX_NET_DROP_NONE = 0,        /**< Handled: answered, delivered or learned. */
	RVX_NET_DROP_FRAME_SIZE,      /**< Shorter than an Ethernet header or longer than RVX_NET_FRAME_MAX. */
	RVX_NET_DROP_NOT_FOR_US,      /**< Destination MAC neither ours nor broadcast (multicast included). */
	RVX_NET_DROP_BAD_SOURCE_MAC,  /**< Source MAC is multicast, broadcast or our own. */
	RVX_NET_DROP_ETHERTYPE,       /**< EtherType neither IPv4 nor ARP (VLAN tags included). */
	RVX_NET_DROP_ARP_MALFORMED,   /**< ARP shorter than 28 bytes, not Ethernet/IPv4, or an unknown opcode. */
	RVX_NET_DROP_ARP_BAD_SENDER,  /**< ARP sender address is multicast/broadcast, or its MAC differs from the frame's. */
	RVX_NET_DROP_ARP_CONFLICT,    /**< Another host claims our IPv4 address. */
	RVX_NET_DROP_ARP_NOT_FOR_US,  /**< ARP about another host's address (a known sender is still refreshed). */
	RVX_NET_DROP_IP_TRUNCATED,    /**< Fewer than 20 bytes of IPv4 header. */
	RVX_NET_DROP_IP_VERSION,      /**< Version field is not 4. */
	RVX_NET_DROP_IP_HEADER_LEN,   /**< IHL below 5 or past the end of the frame. */
	RVX_NET_DROP_IP_TOTAL_LEN,    /**< Total length shorter than the header or longer than the frame. */
	RVX_NET_DROP_IP_CHECKSUM,     /**< Header checksum does not verify. */
	RVX_NET_DROP_IP_OPTIONS,      /**< Malformed option list (a length that overruns the header). */
	RVX_NET_DROP_IP_FRAGMENT,     /**< More-fragments set or a non-zero offset: not reassembled. */
	RVX_NET_DROP_IP_TTL,          /**< Time to live is 0. */
	RVX_NET_DROP_IP_BAD_SOURCE,   /**< Source is multicast, broadcast, loopback, 0 or our own address. */
	RVX_NET_DROP_IP_NOT_FOR_US,   /**< Destination neither our address nor a broadcast (multicast included). */
	RVX_NET_DROP_IP_PROTOCOL,     /**< Neither ICMP nor UDP. */
	RVX_NET_DROP_ICMP_TRUNCATED,  /**< Fewer than 8 bytes of ICMP. */
	RVX_NET_DROP_ICMP_CHECKSUM,   /**< ICMP checksum does not verify. */
	RVX_NET_DROP_ICMP_TYPE,       /**< Not an echo request (type 8, code 0). */
	RVX_NET_DROP_ICMP_BROADCAST,  /**< Echo request to a broadcast address: not answered. */
	RVX_NET_DROP_UDP_TRUNCATED,   /**< Fewer than 8 bytes of UDP header. */
	RVX_NET_DROP_UDP_LENGTH,      /**< UDP length below 8 or beyond the IPv4 payload. */
	RVX_NET_DROP_UDP_CHECKSUM,    /**< UDP checksum (with pseudo header) does not verify. */
	RVX_NET_DROP_UDP_NO_PORT,     /**< No binding for the destination port (or port 0). */
	RVX_NET_DROP_NO_ADDRESS,      /**< The interface has no address yet (only ARP is looked at). */
	RVX_NET_DROP_TX_FAILED,       /**< The reply could not be sent: the transmit callback failed. */
	RVX_NET_DROP_COUNT            /**< Number of reasons; not a reason. */
};

/** Counters of one interface; they only grow. */
struct rvx_net_stats {
	uint64_t rx_frames;        /**< Frames given to rvx_net_rx(). */
	uint64_t rx_handled;       /**< Frames handled (RVX_NET_DROP_NONE). */
	uint64_t rx_udp;           /**< UDP datagrams delivered to a binding. */
	uint64_t rx_icmp_echo;     /**< Echo requests answered. */
	uint64_t rx_arp_request;   /**< ARP requests for our address answered. */
	uint64_t rx_arp_reply;     /**< ARP replies learned. */
	uint64_t rx_ip_options;    /**< IPv4 datagrams handled that carried options. */
	uint64_t tx_frames;        /**< Frames the transmit callback accepted. */
	uint64_t tx_errors;        /**< Frames the transmit callback refused. */
	uint64_t tx_arp_request;   /**< ARP requests sent (gratuitous ones included). */
	uint64_t tx_arp_reply;     /**< ARP replies sent. */
	uint64_t tx_icmp_echo_reply; /**< Echo replies sent. */
	uint64_t tx_udp;           /**< UDP datagrams sent. */
	uint64_t arp_evictions;    /**< Live ARP entries replaced because the cache was full. */
	uint64_t arp_expired;      /**< ARP entries expired by their timeout. */
	uint64_t drop[RVX_NET_DROP_COUNT]; /**< Frames dropped, per reason (drop[0] unused). */
};

/**
 * Transmit callback: put one complete Ethernet frame (no FCS) on the wire.
 * The frame lies in the interface's transmit buffer and is valid only
 * during the call.
 * @param ctx the `tx_ctx` given at init
 * @param frame the frame's bytes
 * @param len its length, 42..RVX_NET_FRAME_MAX (short frames are not padded)
 * @return 0 when the frame was taken, or a negated RVX_E* code
 */
typedef int (*rvx_net_tx_fn)(void *ctx, const uint8_t *frame, size_t len);

/** Where a received UDP datagram came from and went to. */
struct rvx_net_udp_meta {
	uint32_t src_ip;   /**< Sender's address. */
	uint32_t dst_ip;   /**< Our address or the broadcast it was sent to. */
	uint16_t src_port; /**< Sender's port. */
	uint16_t dst_port; /**< The bound port. */
	uint8_t src_mac[6]; /**< The frame's source MAC (the gateway's for a routed sender). */
};

/**
 * UDP receive callback: one datagram for a bound port.
 * @param ctx the context given to rvx_net_udp_bind()
 * @param meta addresses and ports
 * @param data the payload, valid only during the call
 * @param len payload bytes (may be 0)
 */
typedef void (*rvx_net_udp_fn)(void *ctx, const struct rvx_net_udp_meta *meta,
			       const uint8_t *data, size_t len);

/** One ARP cache entry (caller storage; the contents are the library's). */
struct rvx_net_arp_entry {
	uint64_t stamp;     /**< Tick of the last confirmation, or of the request sent. */
	uint32_t ip;        /**< The address. */
	uint8_t mac[6];     /**< Its MAC, once resolved. */
	uint8_t state;      /**< Free, incomplete (request sent) or resolved. */
	uint8_t reserved;   /**< Zero. */
};

/** One UDP binding (caller storage; the contents are the library's). */
struct rvx_net_udp_binding {
	rvx_net_udp_fn fn; /**< Receive callback, NULL when the slot is free. */
	void *ctx;         /**< Its context. */
	uint16_t port;     /**< The bound port. */
};

/** What rvx_net_if_init() needs. */
struct rvx_net_if_config {
	uint8_t mac[6];                      /**< The interface's unicast MAC. */
	rvx_net_tx_fn tx;                    /**< Transmit callback. */
	void *tx_ctx;                        /**< Its context. */
	uint8_t *tx_buf;                     /**< Transmit buffer, at least RVX_NET_TX_BUF_MIN bytes. */
	size_t tx_buf_size;                  /**< Its size. */
	struct rvx_net_arp_entry *arp;       /**< ARP cache storage. */
	uint32_t arp_count;                  /**< Its entries, at least 1. */
	struct rvx_net_udp_binding *udp;     /**< UDP bind table storage. */
	uint32_t udp_count;                  /**< Its entries, at least 1. */
	uint64_t arp_timeout;                /**< Ticks a resolved entry lives without a new confirmation, > 0. */
	uint64_t arp_retry;                  /**< Ticks before a request for the same address is sent again, > 0. */
	uint8_t ttl;                         /**< TTL of sent datagrams; 0 means 64. */
};

/** One interface (caller storage; fill it with rvx_net_if_init()). */
struct rvx_net_if {
	struct rvx_net_if_config cfg; /**< The configuration, as given. */
	uint32_t ip;                  /**< Our address, 0 until rvx_net_if_set_addr(). */
	uint32_t netmask;             /**< Our netmask. */
	uint32_t gateway;             /**< The default gateway, 0 for none. */
	uint16_t ip_id;               /**< Identification of the next datagram sent. */
	uint8_t ttl;                  /**< TTL of sent datagrams. */
	uint8_t reserved;             /**< Zero. */
	struct rvx_net_stats stats;   /**< Counters. */
};

/**
 * Initialise an interface over the caller's storage, with no address.
 * Zeroes the ARP cache and the bind table.
 * @param[out] nif the interface
 * @param cfg MAC, storage, callback and timeouts (copied)
 * @retval 0 success
 * @retval -RVX_EINVAL @p nif or @p cfg is NULL, the MAC is zero, multicast
 *         or broadcast, the callback or a storage pointer is NULL, a count
 *         or timeout is 0
 * @retval -RVX_EBUFSMALL the transmit buffer is below RVX_NET_TX_BUF_MIN
 */
int rvx_net_if_init(struct rvx_net_if *nif, const struct rvx_net_if_config *cfg);

/**
 * Set the interface's address, netmask and gateway, forget the ARP cache
 * and announce the address with a gratuitous ARP request (sender and target
 * both the new address). An address of 0 unconfigures the interface.
 * @param nif the interface
 * @param ip the address (0, or a unicast address)
 * @param netmask a contiguous netmask, /1 to /30 (ignored when @p ip is 0)
 * @param gateway the default gateway, on the subnet, or 0 for none
 * @param now the caller's clock
 * @retval 0 success (also when the announcement's transmit failed: that is
 *         counted in tx_errors)
 * @retval -RVX_EINVAL @p nif is NULL; the address is multicast, broadcast,
 *         loopback, or the subnet's network or broadcast address; the
 *         netmask is not contiguous or outside /1../30; the gateway is
 *         off the subnet or equal to the address
 */
int rvx_net_if_set_addr(struct rvx_net_if *nif, uint32_t ip, uint32_t netmask,
			uint32_t gateway, uint64_t now);

/**
 * Handle one received frame: answer ARP requests and ICMP echo requests
 * for our address, learn ARP replies, deliver UDP datagrams to their
 * binding; drop and count anything else.
 * @param nif the interface
 * @param frame the frame from its destination MAC on, without FCS
 * @param len its length (Ethernet padding after the IPv4 datagram is allowed)
 * @param now the caller's clock
 * @return RVX_NET_DROP_NONE when handled, else the one reason it was
 *         dropped (also counted in `nif->stats.drop[]`); a NULL @p nif
 *         returns RVX_NET_DROP_FRAME_SIZE and counts nothing
 */
enum rvx_net_drop rvx_net_rx(struct rvx_net_if *nif, const uint8_t *frame, size_t len,
			     uint64_t now);

/**
 * Send a UDP datagram (checksum always computed; a sum of 0 goes out as
 * 0xffff). The next hop is the destination itself on the subnet, the
 * gateway off it, the broadcast MAC for 255.255.255.255 and the subnet's
 * broadcast address.
 * @param nif the interface
 * @param dst_ip destination address
 * @param src_port source port, non-zero
 * @param dst_port destination port, non-zero
 * @param data payload (may be NULL when @p len is 0)
 * @param len payload bytes, at most RVX_NET_UDP_PAYLOAD_MAX
 * @param now the caller's clock
 * @retval 0 the frame was handed to the transmit callback
 * @retval -RVX_EINVAL @p nif is NULL, a port is 0, @p dst_ip is 0,
 *         multicast or loopback, or @p data is NULL with @p len > 0
 * @retval -RVX_EMSGSIZE @p len is above RVX_NET_UDP_PAYLOAD_MAX
 * @retval -RVX_ENOTSUP the interface has no address, or the destination is
 *         off the subnet and there is no gateway
 * @retval -RVX_ENOENT the next hop's MAC is not known yet: an ARP request
 *         was sent (at most once per `arp_retry` ticks) and nothing else
 *         changed; send again once the reply arrived
 * @retval other the transmit callback's error, returned as it gave it
 *         (counted in tx_errors)
 */
int rvx_net_udp_send(struct rvx_net_if *nif, uint32_t dst_ip, uint16_t src_port,
		     uint16_t dst_port, const void *data, size_t len, uint64_t now);

/**
 * Bind a UDP port: datagrams to it go to @p fn.
 * @param nif the interface
 * @param port the port, non-zero
 * @param fn receive callback
 * @param ctx its context
 * @retval 0 success
 * @retval -RVX_EINVAL @p nif or @p fn is NULL, or @p port is 0
 * @retval -RVX_EEXIST the port is already bound
 * @retval -RVX_ELIMIT every entry of the bind table is in use
 */
int rvx_net_udp_bind(struct rvx_net_if *nif, uint16_t port, rvx_net_udp_fn fn, void *ctx);

/**
 * Release a UDP port.
 * @param nif the interface
 * @param port the port
 * @retval 0 success
 * @retval -RVX_EINVAL @p nif is NULL
 * @retval -RVX_ENOENT the port is not bound
 */
int rvx_net_udp_unbind(struct rvx_net_if *nif, uint16_t port);

/**
 * Look an address up in the ARP cache (an expired entry is not found).
 * @param nif the interface
 * @param ip the address
 * @param now the caller's clock
 * @param[out] mac its MAC
 * @retval 0 found
 * @retval -RVX_EINVAL a pointer is NULL
 * @retval -RVX_ENOENT no resolved, unexpired entry
 */
int rvx_net_arp_lookup(const struct rvx_net_if *nif, uint32_t ip, uint64_t now, uint8_t mac[6]);

/**
 * Send an ARP request for @p ip (broadcast), unless one was sent less than
 * `arp_retry` ticks ago; records an incomplete entry (replacing the oldest
 * when the cache is full).
 * @param nif the interface
 * @param ip the address, on our subnet
 * @param now the caller's clock
 * @retval 0 a request was sent, or one is already outstanding
 * @retval -RVX_EINVAL @p nif is NULL, or @p ip is 0, ours, or off the subnet
 * @retval -RVX_ENOTSUP the interface has no address
 * @retval other the transmit callback's error (the entry is kept, so the
 *         retry waits `arp_retry` ticks)
 */
int rvx_net_arp_request(struct rvx_net_if *nif, uint32_t ip, uint64_t now);

/**
 * Expire ARP entries: resolved ones not confirmed for `arp_timeout` ticks,
 * incomplete ones older than `arp_retry` ticks.
 * @param nif the interface
 * @param now the caller's clock
 * @return the number of entries expired, or -RVX_EINVAL if @p nif is NULL
 */
int rvx_net_tick(struct rvx_net_if *nif, uint64_t now);

/**
 * The Internet checksum (RFC 1071) of @p len bytes, folded into 16 bits
 * and complemented, starting from a 32-bit partial sum.
 * @param data the bytes (odd lengths are padded with a zero byte)
 * @param len their count
 * @param sum a partial sum to add (0, or a pseudo header's sum)
 * @return the checksum in host order; 0 over data that contains a valid
 *         checksum
 */
uint16_t rvx_net_checksum(const void *data, size_t len, uint32_t sum);

/**
 * Name a drop reason, for logs and tests.
 * @param reason an `enum rvx_net_drop` value
 * @return a static string; "unknown" outside the enumeration
 */
const char *rvx_net_drop_name(enum rvx_net_drop reason);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_NET_H */
