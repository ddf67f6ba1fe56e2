#ifndef GATEHOUSE_CSPANDSP_SHIM_H
#define GATEHOUSE_CSPANDSP_SHIM_H
// spandsp 0.0.6 (libspandsp-dev). Internal structures stay opaque: use *_init(NULL, ...) / *_free().
#include <stdint.h>
#include <spandsp.h>
#endif
