// SIPCore: the SIP message model (RFC 3261), URIs, typed header access, the byte parser with named
// limits, and the serializer. Pure: no sockets, no event loops; NIOCore for ByteBuffer only.
