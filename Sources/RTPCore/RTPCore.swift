// RTPCore: RTP and RTCP packet parsing and building (RFC 3550), sequence-number and timestamp
// arithmetic. Pure: no sockets.
