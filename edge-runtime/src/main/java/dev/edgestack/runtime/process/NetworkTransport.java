package dev.edgestack.runtime.process;

import io.vertx.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel interface a process's event loops use for sockets ({@code server.transport}).
 *
 * <p>{@code auto} prefers io_uring: measured here it cost about a third less CPU per request than
 * epoll in the relay at 64 connections (docs/transport.md). Container runtimes often forbid
 * io_uring (Docker's default seccomp profile does), so {@code auto} falls back to epoll and then to
 * NIO, and says why in the log.
 */
public enum NetworkTransport {
  AUTO,
  IO_URING,
  EPOLL,
  NIO;

  // Vert.x leaves a native transport's constant null when Netty's classes for it are missing.
  private static final String NOT_ON_CLASS_PATH =
      "Netty's classes for it are not on the class path";

  /** What this choice resolves to on this machine, with the reason for every fallback. */
  public record Resolved(Transport transport, List<String> fallbacks) {
    public Resolved {
      fallbacks = List.copyOf(fallbacks);
    }

    public String describe() {
      String name = transport.name();
      return fallbacks.isEmpty() ? name : name + " (" + String.join("; ", fallbacks) + ")";
    }
  }

  /**
   * Resolves the choice. An explicitly named transport that this machine cannot run is an error,
   * not a silent fallback: whoever named it is measuring or working around something.
   *
   * @throws IllegalStateException naming the transport and why it is unavailable
   */
  public Resolved resolve() {
    return switch (this) {
      case AUTO -> firstAvailable("io_uring", Transport.IO_URING, "epoll", Transport.EPOLL);
      case IO_URING -> required("io_uring", Transport.IO_URING);
      case EPOLL -> required("epoll", Transport.EPOLL);
      case NIO -> new Resolved(Transport.NIO, List.of());
    };
  }

  private static Resolved firstAvailable(
      String firstName, Transport first, String secondName, Transport second) {
    List<String> fallbacks = new ArrayList<>();
    if (available(first)) {
      return new Resolved(first, fallbacks);
    }
    fallbacks.add(firstName + " unavailable: " + cause(first));
    if (available(second)) {
      return new Resolved(second, fallbacks);
    }
    fallbacks.add(secondName + " unavailable: " + cause(second));
    return new Resolved(Transport.NIO, fallbacks);
  }

  static Resolved required(String name, Transport transport) {
    if (!available(transport)) {
      throw new IllegalStateException(
          name + " is unavailable on this machine: " + cause(transport));
    }
    return new Resolved(transport, List.of());
  }

  private static boolean available(Transport transport) {
    return transport != null && transport.available();
  }

  private static String cause(Transport transport) {
    if (transport == null) {
      return NOT_ON_CLASS_PATH;
    }
    Throwable cause = transport.unavailabilityCause();
    if (cause == null) {
      return "no reason given";
    }
    // Netty wraps the real reason (a missing library, EPERM from a seccomp filter) once or twice.
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
