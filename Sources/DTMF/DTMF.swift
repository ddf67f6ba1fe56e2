// The DTMF module: the socket-free core of DTMF interworking (issue 8).
//
// Receive, per leg (each yields `DTMFEvent`s with the method it arrived by):
//   RTP with the leg's telephone-event PT → `TelephoneEventReceiver.receive(packet:arrival:)`,
//     plus `tick(now:)` at its `nextDeadline` and `finish(now:)` when the stream stops;
//   INFO request → `DTMFInfoContentType(headerValue:)` + `DTMFInfoBody.parse` (answer 200, or
//     `error.statusCode` with `error.reasonPhrase`);
//   decoded 8 kHz audio when `DTMFMode.detectsInBand` → `InBandDTMFDetector.process`.
// Then one `DigitDeduplicator` per call side drops the second report of one press, and the
// door's `DigitSequenceMatcher` fires the door action.
//
// Send, per leg, in `DTMFMode.resolve(peerOfferedTelephoneEvent:infoAllowed:)`:
//   .rfc4733 → `TelephoneEventSender` (enqueue/release; tick every ptime with the stream's
//     timestamp; `finish()` at hang-up), packets written with the stream's SSRC and sequence;
//   .info    → `DTMFInfoSender` (actions: sendINFO, startTimer, fallback to RFC 4733, drop);
//   .inband  → `InBandDTMFGenerator.fill` on outgoing frames before encoding.
// When a digit detected in-band is re-sent as events, `InBandToneRemover` strips the tones from
// the transcoded audio.
