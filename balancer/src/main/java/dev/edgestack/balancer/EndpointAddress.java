package dev.edgestack.balancer;

import java.util.Objects;

/**
 * Where an endpoint takes traffic and where its health is checked: written {@code host:port} or
 * {@code host:port@healthPort} (a gateway's readiness lives on its admin port).
 */
public record EndpointAddress(String host, int port, int healthPort) {
  public EndpointAddress {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (healthPort < 1 || healthPort > 65535) {
      throw new IllegalArgumentException("healthPort: " + healthPort + " (expected: 1..65535)");
    }
  }

  /**
   * Parses {@code host:port[@healthPort]}; IPv6 hosts are bracketed ({@code [::1]:8080}).
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static EndpointAddress parse(String text) {
    String value = text.trim();
    String expected = " (expected: host:port or host:port@healthPort)";
    int at = value.indexOf('@');
    String main = at < 0 ? value : value.substring(0, at);
    int colon = main.lastIndexOf(':');
    if (colon <= 0 || colon == main.length() - 1) {
      throw new IllegalArgumentException("\"" + text + "\"" + expected);
    }
    String host = main.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(main.substring(colon + 1));
      int healthPort = at < 0 ? port : Integer.parseInt(value.substring(at + 1));
      return new EndpointAddress(host, port, healthPort);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\"" + expected);
    }
  }

  @Override
  public String toString() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return shownHost + ":" + port;
  }
}
