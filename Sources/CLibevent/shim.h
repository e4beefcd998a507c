#ifndef VIDEOMOCK_CLIBEVENT_SHIM_H
#define VIDEOMOCK_CLIBEVENT_SHIM_H

#include <sys/select.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>

#endif
