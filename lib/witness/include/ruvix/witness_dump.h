/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file witness_dump.h
 * @brief The text form of a witness log on a serial console: a kernel
 *        without storage prints its log, and a host tool reads the
 *        transcript back and verifies the chain.
 *
 * A dump is a block of lines, each ending in "\n" (a console may turn it
 * into "\r\n"; the parser accepts both):
 *
 *     RVX-WITNESS-BEGIN <count> <first sequence>      (decimal)
 *     RVX-WITNESS-ANCHOR <sequence> <64 hex digits>    (only if the first sequence is not 0)
 *     RVX-W <128 lowercase hex digits>                 (one record's 64 wire bytes)
 *     ... one RVX-W line per record, in sequence order ...
 *     RVX-WITNESS-END <64 lowercase hex digits>        (the chain head after the last record)
 *
 * The ANCHOR line gives the chain point before the first record (its
 * sequence, equal to the first sequence, and the SHA-256 chaining value
 * there, as in `struct rvx_witness_anchor`): a dump of the newest records
 * only (the older ones given way, kept elsewhere) then verifies from that
 * point to the END head. The anchor is the target's word, like the head:
 * it shows the records are the ones that lead from there to the head, not
 * what came before.
 *
 * Other console lines may come before, after or between these lines; the
 * parser reports them as `RVX_WITNESS_DUMP_OTHER`.
 *
 * Order of use on the target: `rvx_witness_dump_begin()`, then
 * `rvx_witness_dump_line()` for each record, then `rvx_witness_dump_end()`,
 * printing each formatted line; or `rvx_witness_dump_ring()` to do all
 * three for a memory ring. On the host: `rvx_witness_dump_parse()` for each
 * line of the transcript, then `rvx_witness_verify()` on the records.
 *
 * The formatters only write into the caller's buffer; nothing here calls the
 * console or keeps state.
 */
#ifndef RUVIX_WITNESS_DUMP_H
#define RUVIX_WITNESS_DUMP_H

#include "ruvix/witness.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Tag opening the first line of a dump. */
#define RVX_WITNESS_DUMP_BEGIN_TAG "RVX-WITNESS-BEGIN"
/** Tag opening the anchor line (a dump that does not start at sequence 0). */
#define RVX_WITNESS_DUMP_ANCHOR_TAG "RVX-WITNESS-ANCHOR"
/** Tag opening each record line. */
#define RVX_WITNESS_DUMP_RECORD_TAG "RVX-W"
/** Tag opening the last line of a dump. */
#define RVX_WITNESS_DUMP_END_TAG "RVX-WITNESS-END"
/**
 * Buffer bytes that hold any dump line with its "\n" and NUL: the record
 * line is the longest ("RVX-W " + 128 digits + "\n" + NUL = 136).
 */
#define RVX_WITNESS_DUMP_LINE_MAX 136u

/** What a line of a transcript is. */
enum rvx_witness_dump_type {
	RVX_WITNESS_DUMP_OTHER = 0,  /**< Not a dump line (other console output). */
	RVX_WITNESS_DUMP_BEGIN = 1,  /**< An `RVX-WITNESS-BEGIN` line. */
	RVX_WITNESS_DUMP_RECORD = 2, /**< An `RVX-W` record line. */
	RVX_WITNESS_DUMP_END = 3,    /**< An `RVX-WITNESS-END` line. */
	RVX_WITNESS_DUMP_ANCHOR = 4  /**< An `RVX-WITNESS-ANCHOR` line. */
};

/** A dump line, parsed. Fields that do not belong to its type are zero. */
struct rvx_witness_dump_item {
	enum rvx_witness_dump_type type; /**< What the line is. */
	uint64_t count;                  /**< BEGIN: records announced. */
	uint64_t first_sequence;         /**< BEGIN: sequence of the first record. */
	uint8_t record[RVX_WITNESS_RECORD_SIZE]; /**< RECORD: the 64 wire bytes. */
	uint8_t head[RVX_WITNESS_HEAD_SIZE];     /**< END: the chain head. */
	struct rvx_witness_anchor anchor;        /**< ANCHOR: sequence and chaining value. */
};

/**
 * Receives one formatted line from rvx_witness_dump_ring().
 * @param ctx the caller's context
 * @param line the line, ending in "\n" and NUL-terminated
 * @param len bytes of @p line before the NUL
 */
typedef void (*rvx_witness_dump_put_fn)(void *ctx, const char *line, size_t len);

/**
 * Format the `RVX-WITNESS-BEGIN` line.
 * @param[out] out the line, ending in "\n", NUL-terminated
 * @param cap bytes at @p out (RVX_WITNESS_DUMP_LINE_MAX always suffices)
 * @param count records that follow
 * @param first_sequence sequence of the first of them
 * @return the line's length without the NUL
 * @retval -RVX_EINVAL @p out is NULL
 * @retval -RVX_EBUFSMALL @p cap is too small (nothing written)
 */
long rvx_witness_dump_begin(char *out, size_t cap, uint64_t count, uint64_t first_sequence);

/**
 * Format one record's `RVX-W` line.
 * @param[out] out the line, ending in "\n", NUL-terminated
 * @param cap bytes at @p out (at least RVX_WITNESS_DUMP_LINE_MAX)
 * @param rec the record's 64 wire bytes
 * @return the line's length without the NUL (135)
 * @retval -RVX_EINVAL @p out or @p rec is NULL
 * @retval -RVX_EBUFSMALL @p cap is too small (nothing written)
 */
long rvx_witness_dump_line(char *out, size_t cap, const uint8_t rec[RVX_WITNESS_RECORD_SIZE]);

/**
 * Format the `RVX-WITNESS-ANCHOR` line.
 * @param[out] out the line, ending in "\n", NUL-terminated
 * @param cap bytes at @p out (RVX_WITNESS_DUMP_LINE_MAX always suffices)
 * @param anchor the chain point before the dump's first record
 * @return the line's length without the NUL
 * @retval -RVX_EINVAL @p out or @p anchor is NULL
 * @retval -RVX_EBUFSMALL @p cap is too small (nothing written)
 */
long rvx_witness_dump_anchor(char *out, size_t cap, const struct rvx_witness_anchor *anchor);

/**
 * Format the `RVX-WITNESS-END` line.
 * @param[out] out the line, ending in "\n", NUL-terminated
 * @param cap bytes at @p out (RVX_WITNESS_DUMP_LINE_MAX always suffices)
 * @param head the chain head after the last record (rvx_witness_head())
 * @return the line's length without the NUL
 * @retval -RVX_EINVAL @p out or @p head is NULL
 * @retval -RVX_EBUFSMALL @p cap is too small (nothing written)
 */
long rvx_witness_dump_end(char *out, size_t cap, const uint8_t head[RVX_WITNESS_HEAD_SIZE]);

/**
 * Print a whole dump of the records a ring holds: the BEGIN line, one line
 * per record from the oldest held, the END line. The newest record in the
 * ring must be the last one @p head covers, so the first record's sequence
 * is `head->count - ring->count`.
 * @param ring the ring
 * @param head the log's current head (rvx_witness_head())
 * @param put called once per line, in order
 * @param ctx passed to @p put
 * @retval 0 printed
 * @retval -RVX_EINVAL a NULL pointer, or the ring holds more records than
 *         @p head covers (nothing printed)
 */
int rvx_witness_dump_ring(const struct rvx_witness_ring *ring, const struct rvx_witness_head *head,
			  rvx_witness_dump_put_fn put, void *ctx);

/**
 * Parse one line of a transcript. Trailing "\n", "\r\n" or "\r" is ignored.
 * A line is a dump line only if it starts with one of the tags followed by
 * a space; it must then match the format exactly (lowercase hex, decimal
 * numbers without sign or leading zero that fit 64 bits, single spaces,
 * nothing after), so a line is accepted only in the form the formatters
 * write.
 * @param line the line's bytes (need not be NUL-terminated)
 * @param len bytes at @p line
 * @param[out] out the parsed line (its `type` is always written on success;
 *        unchanged on error)
 * @return the line's `enum rvx_witness_dump_type`
 * @retval -RVX_EINVAL @p line (with @p len > 0) or @p out is NULL
 * @retval -RVX_EBADDESC the line starts with a tag but is malformed
 */
int rvx_witness_dump_parse(const char *line, size_t len, struct rvx_witness_dump_item *out);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_WITNESS_DUMP_H */
