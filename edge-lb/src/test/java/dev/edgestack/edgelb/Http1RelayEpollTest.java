package dev.edgestack.edgelb;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Every relay test again on epoll: {@code auto} takes io_uring where the kernel allows it, and
 * containers that forbid io_uring (Docker's default seccomp profile) run the relay on epoll.
 */
@EnabledIf("epollAvailable")
class Http1RelayEpollTest extends Http1RelayTest {
  static boolean epollAvailable() {
    return Transport.EPOLL != null && Transport.EPOLL.available();
  }

  @Override
  protected String transport() {
    return "epoll";
  }
}
