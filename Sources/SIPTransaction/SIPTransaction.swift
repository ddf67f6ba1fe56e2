// SIPTransaction: the four transaction machines of RFC 3261 §17 (with RFC 6026), their timers
// and the keys that match messages to them. Pure: no sockets, no event loops, no clocks.
//
// How the stack runs a machine (STYLE.md habit 1):
//
//   socket → parse → key (ClientTransactionKey(response:) / ServerTransactionKey(request:))
//          → look the machine up in a table (or create one for a new request; an ACK never
//            creates one: an ACK matching nothing is the ACK for a 2xx and goes to the dialog
//            layer; a CANCEL also looks up ServerTransactionKey(cancelledBy:), 481 if nothing)
//          → call the event (start, receivedResponse, receivedRequestRetransmission, receivedAck,
//            receivedCancel, tuSendsResponse, timerFired, transportError)
//          → perform the returned actions in order, then store the machine back.
//
// The machine keeps no message: the stack keeps the request, the last response and the ACK next
// to it, builds the ACK and CANCEL with SIPCore (`SIPMessage.makeACK`, `SIPMessage.makeCancel`),
// schedules `startTimer` on the transaction's event loop (replacing a running timer of the same
// name), and on `terminate` removes the entry and cancels its timers. A timer firing after the
// state moved on is harmless: the machine ignores it.
//
// What the stack must still keep depends on the state (`retention`, TransactionRetention.swift):
// a transaction lingering in Completed, Confirmed or Accepted (up to 64·T1) keeps the final
// response's bytes (server Completed), the ACK's bytes (client INVITE Completed), the TU's handler
// (client INVITE Accepted) or nothing but its key — never the parsed request.
