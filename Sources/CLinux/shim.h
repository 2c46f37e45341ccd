#ifndef RPEMU_CLINUX_SHIM_H
#define RPEMU_CLINUX_SHIM_H
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <pthread.h>
#include <malloc.h>

// Linux calls Glibc's Swift module does not import (prefix clinux_). epoll(7), eventfd(2), malloc_trim(3).

static inline int clinux_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
static inline int clinux_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
// Gives the free memory of every malloc arena back to the kernel; returns 1 when it released any.
static inline int clinux_malloc_trim(void) { return malloc_trim(0); }

// `struct epoll_event` is packed on x86-64 and its data field is a union: both read and written here, in C.
static inline int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}
static inline size_t clinux_epoll_event_size(void) { return sizeof(struct epoll_event); }
static inline int clinux_epoll_wait(int epfd, void *events, int max, int timeout) {
    return epoll_wait(epfd, (struct epoll_event *)events, max, timeout);
}
static inline uint32_t clinux_epoll_event_mask(const void *events, int i) {
    return ((const struct epoll_event *)events)[i].events;
}
static inline uint64_t clinux_epoll_event_data(const void *events, int i) {
    return ((const struct epoll_event *)events)[i].data.u64;
}

// EPOLL_EVENTS members are an enum behind self-referencing macros, which Swift does not import.
static inline uint32_t clinux_epollin(void) { return EPOLLIN; }
static inline uint32_t clinux_epollout(void) { return EPOLLOUT; }
static inline uint32_t clinux_epollrdhup(void) { return EPOLLRDHUP; }
static inline uint32_t clinux_epollhup(void) { return EPOLLHUP; }
static inline uint32_t clinux_epollerr(void) { return EPOLLERR; }
static inline uint32_t clinux_epollet(void) { return EPOLLET; }

// accept4(2) and pthread_setname_np(3) are declared only under _GNU_SOURCE, which the Glibc module is not built
// with; the symbols are in every glibc.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
static inline int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *length, int flags) {
    return accept4(fd, addr, length, flags);
}
static inline int clinux_set_thread_name(const char *name) { return pthread_setname_np(pthread_self(), name); }

#endif
