package dev.edgestack.balancer.vertx;

import java.util.List;

/**
 * What a {@link RelayGate} sees of a request the {@link Http1Relay} has parsed: its head, without
 * the bytes it came in. Valid only until the gate's decision completes.
 */
public interface RelayRequest {
  /** The method, as sent (for example {@code GET}). */
  String method();

  /** The request target as sent: path and query. */
  String target();

  /** The raw path: the target up to its {@code ?}. */
  String path();

  /** The raw query after the {@code ?}, or null when there is none. */
  String query();

  /** The {@code Host} field as sent, or null (an HTTP/1.0 request without one). */
  String host();

  /**
   * The host the client asked for: from a trusted proxy, the first of its {@code X-Forwarded-Host};
   * else {@link #host()}.
   */
  String requestedHost();

  /** The address of the connection's peer. */
  String peer();

  /**
   * The client's address as {@code ForwardedHeaders} establishes it: the peer unless it is a
   * trusted proxy. Worked out on each call, so only a caller that needs it pays for it.
   */
  String clientAddress();

  /** The request id the relay uses for this request (the client's when well-formed). */
  String requestId();

  /** How many header fields the request has. */
  int fieldCount();

  /** The name of field {@code index}, as sent. */
  String fieldName(int index);

  /**
   * Whether field {@code index} is named {@code name}, in any case; without making text of the
   * name, where the implementation can.
   */
  default boolean fieldNameIs(int index, String name) {
    return fieldName(index).equalsIgnoreCase(name);
  }

  /** The value of field {@code index}. */
  String fieldValue(int index);

  /** The first value of the field {@code name} (any case), or null. */
  String header(String name);

  /** Every value of the field {@code name} (any case), in order. */
  List<String> headers(String name);
}
