package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.HashConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/** Reads a request's hash key as its pool's {@link HashConfig} says; random when it is absent. */
final class HashKeys {
  private HashKeys() {}

  static long of(HashConfig config, HttpServerRequest request) {
    String key =
        switch (config.on()) {
          case HEADER -> request.getHeader(config.name());
          case COOKIE -> {
            Cookie cookie = request.getCookie(config.name());
            yield cookie == null ? null : cookie.getValue();
          }
          case CLIENT_ADDRESS -> {
            SocketAddress remote = request.remoteAddress();
            yield remote == null ? null : remote.hostAddress();
          }
          case PATH -> request.path();
        };
    return ofKey(key);
  }

  /** An L4 connection's key: only the client's address is known before the first byte. */
  static long ofClientAddress(String address) {
    return ofKey(address);
  }

  private static long ofKey(String key) {
    return key == null || key.isEmpty()
        ? ThreadLocalRandom.current().nextLong()
        : HashConfig.hash(key);
  }
}
