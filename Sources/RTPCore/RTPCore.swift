// RTPCore: RTP and RTCP packet parsing and building (RFC 3550), RFC 8285 header extensions,
// RFC 5761 demultiplexing, sequence-number and timestamp arithmetic, and stream continuity
// rewriting for relays. Pure: no sockets, no per-packet allocation on the parse/rewrite path.
//
// Parsers take an `UnsafeRawBufferPointer` (or a `ByteBuffer`, whose readable bytes are used)
// and return small value types holding offsets into those bytes. Offsets are relative to the
// first byte given (for a `ByteBuffer`, relative to its `readerIndex`).
