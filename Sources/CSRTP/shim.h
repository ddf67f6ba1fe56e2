#ifndef GATEHOUSE_CSRTP_SHIM_H
#define GATEHOUSE_CSRTP_SHIM_H
// libsrtp 2.5 (libsrtp2-dev; Debian builds it on NSS: AES-CM and AES-GCM both available).
#include <srtp2/srtp.h>
#endif
