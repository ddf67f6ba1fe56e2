// SDP: the session description model (RFC 8866), its parser and serializer, and the RFC 3264
// offer/answer negotiator. Pure: no sockets.
