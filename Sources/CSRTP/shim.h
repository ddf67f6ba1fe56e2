#ifndef GATEHOUSE_CSRTP_SHIM_H
#define GATEHOUSE_CSRTP_SHIM_H
// libsrtp 2.5 (libsrtp2-dev; Debian builds it on NSS: AES-CM and AES-GCM both available).
#include <srtp2/srtp.h>

// Lengths from macros Swift does not import as constants (they are expressions over other macros).
static const int GH_SRTP_MAX_TRAILER_LEN = SRTP_MAX_TRAILER_LEN;
static const int GH_SRTP_AES_ICM_128_KEY_LEN_WSALT = SRTP_AES_ICM_128_KEY_LEN_WSALT;
static const int GH_SRTP_AES_GCM_128_KEY_LEN_WSALT = SRTP_AES_GCM_128_KEY_LEN_WSALT;
#endif
