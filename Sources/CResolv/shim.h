// glibc's stub resolver (libresolv) for SIPStack's RFC 3263 lookups. The ns_msg/ns_rr accessors
// are macros in <arpa/nameser.h>; Swift cannot call macros, so they are wrapped here.
#ifndef GATEHOUSE_CRESOLV_SHIM_H
#define GATEHOUSE_CRESOLV_SHIM_H

#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>
#include <string.h>
#include <stdlib.h>

/// One query with a private resolver state (thread-safe: no use of the global _res).
/// timeout_seconds/attempts override resolv.conf when > 0. Returns the answer length, or -1 with *h_errno_out set (HOST_NOT_FOUND, NO_DATA, TRY_AGAIN...).
static inline int gh_res_query(const char *name, int type, unsigned char *answer, int answer_len,
                               int timeout_seconds, int attempts, int *h_errno_out) {
    struct __res_state *state = calloc(1, sizeof(struct __res_state));
    if (state == NULL) { *h_errno_out = NETDB_INTERNAL; return -1; }
    if (res_ninit(state) != 0) { free(state); *h_errno_out = NETDB_INTERNAL; return -1; }
    if (timeout_seconds > 0) state->retrans = timeout_seconds;
    if (attempts > 0) state->retry = attempts;
    int length = res_nquery(state, name, ns_c_in, type, answer, answer_len);
    *h_errno_out = state->res_h_errno;
    res_nclose(state);
    free(state);
    return length;
}

static inline int gh_ns_initparse(const unsigned char *msg, int len, ns_msg *handle) { return ns_initparse(msg, len, handle); }
static inline int gh_ns_parserr(ns_msg *handle, int section, int index, ns_rr *rr) { return ns_parserr(handle, (ns_sect)section, index, rr); }
static inline int gh_ns_msg_count(const ns_msg *handle, int section) { return ns_msg_count(*handle, section); }
static inline const unsigned char *gh_ns_msg_base(const ns_msg *handle) { return ns_msg_base(*handle); }
static inline const unsigned char *gh_ns_msg_end(const ns_msg *handle) { return ns_msg_end(*handle); }
static inline int gh_ns_rr_type(const ns_rr *rr) { return (int)ns_rr_type(*rr); }
static inline unsigned int gh_ns_rr_ttl(const ns_rr *rr) { return (unsigned int)ns_rr_ttl(*rr); }
static inline int gh_ns_rr_rdlen(const ns_rr *rr) { return (int)ns_rr_rdlen(*rr); }
static inline const unsigned char *gh_ns_rr_rdata(const ns_rr *rr) { return ns_rr_rdata(*rr); }

/// Expands a (possibly compressed) domain name at `src` inside the message; returns the bytes
/// consumed or -1.
static inline int gh_dn_expand(const unsigned char *msg, const unsigned char *eom, const unsigned char *src, char *dst, int dst_len) {
    return dn_expand(msg, eom, src, dst, dst_len);
}

static const int GH_NS_T_A = ns_t_a;
static const int GH_NS_T_AAAA = ns_t_aaaa;
static const int GH_NS_T_SRV = ns_t_srv;
static const int GH_NS_T_NAPTR = ns_t_naptr;
static const int GH_NS_S_AN = ns_s_an;

#endif
