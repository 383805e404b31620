package dev.edgestack.balancer;

import java.util.Objects;

/**
 * An endpoint as configured: its address and weight, written {@code host:port[@healthPort]} with
 * optional parameters after semicolons, such as {@code 127.0.0.1:8201@9201;weight=3}. The plain
 * form stays valid, so that comma-separated lists passed through environment variables keep
 * working.
 */
public record EndpointSpec(EndpointAddress address, int weight) {
  public static final int MAX_WEIGHT = 1000;
  static final String EXPECTED = "host:port[@healthPort][;weight=1.." + MAX_WEIGHT + "]";

  public EndpointSpec {
    Objects.requireNonNull(address, "address");
    Endpoint.checkWeight(weight);
  }

  /**
   * Parses one endpoint.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static EndpointSpec parse(String text) {
    String[] parts = text.trim().split(";", -1);
    EndpointAddress address;
    try {
      address = EndpointAddress.parse(parts[0]);
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
    int weight = 1;
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      if (!parameter.startsWith("weight=")) {
        throw invalid(text);
      }
      try {
        weight = Integer.parseInt(parameter.substring("weight=".length()).trim());
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      if (weight < 1 || weight > MAX_WEIGHT) {
        throw invalid(text);
      }
    }
    return new EndpointSpec(address, weight);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("\"" + text + "\" (expected: " + EXPECTED + ")");
  }

  @Override
  public String toString() {
    String health = address.healthPort() == address.port() ? "" : "@" + address.healthPort();
    return address + health + (weight == 1 ? "" : ";weight=" + weight);
  }
}
