// Batched UDP I/O for the media engine's own event loop: recvmmsg/sendmmsg need _GNU_SOURCE,
// which Swift's Glibc module does not define (C-LIBRARIES.md: the vectored-read traps).
#ifndef CMEDIASOCKET_H
#define CMEDIASOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/// Most datagrams one call reads or writes.
#define CMEDIA_MAX_BATCH 32

/// Reads up to `count` datagrams (non-blocking) into `slab`, `slot` octets apart. Fills
/// `lengths` (0 for a truncated datagram) and `addresses`. Returns the number read, 0 when none
/// was waiting, or -errno.
int cmedia_recv_batch(int fd, uint8_t *slab, size_t slot, unsigned count,
                      uint32_t *lengths, struct sockaddr_storage *addresses);

/// Writes `count` datagrams (non-blocking) from `slab`, `slot` octets apart, each to its
/// address. Returns the number handed to the kernel (the rest would block), or -errno.
int cmedia_send_batch(int fd, const uint8_t *slab, size_t slot, unsigned count,
                      const uint32_t *lengths, const struct sockaddr_storage *addresses);

/// Like `cmedia_recv_batch` without addresses, filling `stamps` with each datagram's kernel
/// receive time (CLOCK_REALTIME nanoseconds, 0 when the kernel gave none): for a reader that
/// drains its sockets on its own schedule instead of waiting on them (media-bench's phones).
/// The socket needs `cmedia_enable_receive_timestamps` first.
int cmedia_recv_batch_stamped(int fd, uint8_t *slab, size_t slot, unsigned count,
                              uint32_t *lengths, uint64_t *stamps);

/// Turns on kernel receive timestamps (SO_TIMESTAMPNS) for `fd`; 0 or -errno.
int cmedia_enable_receive_timestamps(int fd);

/// A non-blocking, close-on-exec UDP socket bound to `address`; -errno on failure.
int cmedia_bind_udp(const struct sockaddr *address, socklen_t length, int receiveBuffer);

/// Reads and discards every datagram waiting on `fd` (non-blocking; a parked or reused media
/// socket must not deliver its previous call's packets). Returns the number discarded, or -errno.
int cmedia_drain(int fd);

/// The local port a socket is bound to, or -errno.
int cmedia_local_port(int fd);

/// The calling thread's kernel id (for per-thread CPU accounting).
int cmedia_gettid(void);

/// Names the calling thread (at most 15 characters are kept).
void cmedia_set_thread_name(const char *name);

/// epoll for the loop: a close-on-exec epoll instance, or -errno.
int cmedia_epoll_create(void);
/// Watches `fd` for input (level-triggered), reporting `token`; 0 or -errno.
int cmedia_epoll_add(int epfd, int fd, uint64_t token);
/// Watches `fd` for input edge-triggered (EPOLLET), reporting `token`: reported once per arrival
/// into an empty queue (not again on every wait while data is left), so the reader must read
/// until the queue is empty; 0 or -errno.
int cmedia_epoll_add_edge(int epfd, int fd, uint64_t token);
/// Stops watching `fd`; 0 or -errno.
int cmedia_epoll_remove(int epfd, int fd);
/// Waits up to `timeoutMilliseconds` (-1: forever) and fills `tokens`; the count, or -errno.
int cmedia_epoll_wait(int epfd, uint64_t *tokens, int maximum, int timeoutMilliseconds);
/// A non-blocking eventfd for waking the loop, or -errno.
int cmedia_eventfd(void);
/// Wakes whoever waits on the eventfd.
void cmedia_eventfd_signal(int fd);
/// Resets the eventfd after a wake-up.
void cmedia_eventfd_drain(int fd);

#endif
