#define _GNU_SOURCE
#include "cmediasocket.h"

#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static socklen_t address_length(const struct sockaddr_storage *address) {
    return address->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

int cmedia_recv_batch(int fd, uint8_t *slab, size_t slot, unsigned count,
                      uint32_t *lengths, struct sockaddr_storage *addresses) {
    struct mmsghdr messages[CMEDIA_MAX_BATCH];
    struct iovec vectors[CMEDIA_MAX_BATCH];
    if (count > CMEDIA_MAX_BATCH) count = CMEDIA_MAX_BATCH;
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = slab + i * slot;
        vectors[i].iov_len = slot;
        memset(&messages[i].msg_hdr, 0, sizeof(messages[i].msg_hdr));
        messages[i].msg_hdr.msg_name = &addresses[i];
        messages[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int received = recvmmsg(fd, messages, count, MSG_DONTWAIT, NULL);
    if (received < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    for (int i = 0; i < received; i++) {
        lengths[i] = (messages[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : messages[i].msg_len;
    }
    return received;
}

int cmedia_recv_batch_stamped(int fd, uint8_t *slab, size_t slot, unsigned count,
                              uint32_t *lengths, uint64_t *stamps) {
    struct mmsghdr messages[CMEDIA_MAX_BATCH];
    struct iovec vectors[CMEDIA_MAX_BATCH];
    // One SCM_TIMESTAMPNS message per datagram.
    union {
        char bytes[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } controls[CMEDIA_MAX_BATCH];
    if (count > CMEDIA_MAX_BATCH) count = CMEDIA_MAX_BATCH;
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = slab + i * slot;
        vectors[i].iov_len = slot;
        memset(&messages[i].msg_hdr, 0, sizeof(messages[i].msg_hdr));
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_control = controls[i].bytes;
        messages[i].msg_hdr.msg_controllen = sizeof(controls[i].bytes);
    }
    int received = recvmmsg(fd, messages, count, MSG_DONTWAIT, NULL);
    if (received < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    for (int i = 0; i < received; i++) {
        lengths[i] = (messages[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : messages[i].msg_len;
        stamps[i] = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&messages[i].msg_hdr); c != NULL;
             c = CMSG_NXTHDR(&messages[i].msg_hdr, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec stamp;
                memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
                stamps[i] = (uint64_t)stamp.tv_sec * 1000000000u + (uint64_t)stamp.tv_nsec;
            }
        }
    }
    return received;
}

int cmedia_enable_receive_timestamps(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 ? -errno : 0;
}

int cmedia_send_batch(int fd, const uint8_t *slab, size_t slot, unsigned count,
                      const uint32_t *lengths, const struct sockaddr_storage *addresses) {
    if (count == 1) {
        ssize_t sent = sendto(fd, slab, lengths[0], MSG_DONTWAIT, (const struct sockaddr *)&addresses[0],
                              address_length(&addresses[0]));
        if (sent < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
        return 1;
    }
    struct mmsghdr messages[CMEDIA_MAX_BATCH];
    struct iovec vectors[CMEDIA_MAX_BATCH];
    if (count > CMEDIA_MAX_BATCH) count = CMEDIA_MAX_BATCH;
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)(slab + i * slot);
        vectors[i].iov_len = lengths[i];
        memset(&messages[i], 0, sizeof(messages[i]));
        messages[i].msg_hdr.msg_name = (void *)&addresses[i];
        messages[i].msg_hdr.msg_namelen = address_length(&addresses[i]);
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = sendmmsg(fd, messages, count, MSG_DONTWAIT);
    if (sent < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    return sent;
}

int cmedia_bind_udp(const struct sockaddr *address, socklen_t length, int receiveBuffer) {
    int fd = socket(address->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (receiveBuffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof(receiveBuffer));
    if (bind(fd, address, length) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int cmedia_drain(int fd) {
    struct mmsghdr messages[CMEDIA_MAX_BATCH];
    struct iovec vector;
    uint8_t sink[1];
    vector.iov_base = sink;
    vector.iov_len = sizeof(sink);
    int total = 0;
    // Bounded: a peer flooding the socket cannot keep the loop here.
    for (int round = 0; round < 64; round++) {
        memset(messages, 0, sizeof(messages));
        for (unsigned i = 0; i < CMEDIA_MAX_BATCH; i++) {
            messages[i].msg_hdr.msg_iov = &vector;
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int received = recvmmsg(fd, messages, CMEDIA_MAX_BATCH, MSG_DONTWAIT, NULL);
        if (received < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return total;
            // A pending ICMP error (ECONNREFUSED from an old peer) is reported once, then cleared.
            continue;
        }
        total += received;
        if (received < CMEDIA_MAX_BATCH) return total;
    }
    return total;
}

int cmedia_gettid(void) { return (int)syscall(SYS_gettid); }

int cmedia_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cmedia_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) < 0 ? -errno : 0;
}

int cmedia_epoll_add_edge(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) < 0 ? -errno : 0;
}

int cmedia_epoll_remove(int epfd, int fd) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event) < 0 ? -errno : 0;
}

int cmedia_epoll_wait(int epfd, uint64_t *tokens, int maximum, int timeoutMilliseconds) {
    struct epoll_event events[256];
    if (maximum > 256) maximum = 256;
    int count = epoll_wait(epfd, events, maximum, timeoutMilliseconds);
    if (count < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < count; i++) tokens[i] = events[i].data.u64;
    return count;
}

int cmedia_eventfd(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

void cmedia_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t ignored = write(fd, &one, sizeof(one));
    (void)ignored;
}

void cmedia_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t ignored = read(fd, &value, sizeof(value));
    (void)ignored;
}

void cmedia_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

int cmedia_local_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    if (getsockname(fd, (struct sockaddr *)&address, &length) < 0) return -errno;
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return ntohs(((struct sockaddr_in *)&address)->sin_port);
}
