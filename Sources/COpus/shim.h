#ifndef GATEHOUSE_COPUS_SHIM_H
#define GATEHOUSE_COPUS_SHIM_H
// libopus 1.3 (libopus-dev). The ctl calls are variadic macros Swift cannot import:
// one static inline wrapper per request we use.
#include <opus/opus.h>

static inline int gh_opus_encoder_set_bitrate(OpusEncoder *st, opus_int32 bps) { return opus_encoder_ctl(st, OPUS_SET_BITRATE(bps)); }
static inline int gh_opus_encoder_set_complexity(OpusEncoder *st, opus_int32 c) { return opus_encoder_ctl(st, OPUS_SET_COMPLEXITY(c)); }
static inline int gh_opus_encoder_set_inband_fec(OpusEncoder *st, opus_int32 on) { return opus_encoder_ctl(st, OPUS_SET_INBAND_FEC(on)); }
static inline int gh_opus_encoder_set_packet_loss_perc(OpusEncoder *st, opus_int32 pct) { return opus_encoder_ctl(st, OPUS_SET_PACKET_LOSS_PERC(pct)); }
static inline int gh_opus_encoder_set_dtx(OpusEncoder *st, opus_int32 on) { return opus_encoder_ctl(st, OPUS_SET_DTX(on)); }
static inline int gh_opus_encoder_set_signal_voice(OpusEncoder *st) { return opus_encoder_ctl(st, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)); }
static inline int gh_opus_encoder_set_max_bandwidth(OpusEncoder *st, opus_int32 bw) { return opus_encoder_ctl(st, OPUS_SET_MAX_BANDWIDTH(bw)); }
static inline int gh_opus_encoder_get_lookahead(OpusEncoder *st, opus_int32 *samples) { return opus_encoder_ctl(st, OPUS_GET_LOOKAHEAD(samples)); }
static inline int gh_opus_encoder_set_vbr(OpusEncoder *st, opus_int32 on) { return opus_encoder_ctl(st, OPUS_SET_VBR(on)); }
static inline int gh_opus_encoder_reset(OpusEncoder *st) { return opus_encoder_ctl(st, OPUS_RESET_STATE); }
static inline int gh_opus_decoder_reset(OpusDecoder *st) { return opus_decoder_ctl(st, OPUS_RESET_STATE); }
#endif
