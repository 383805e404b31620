package dev.edgestack.runtime.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * Forwarding-header hygiene of a proxy tier. From an untrusted peer (a client) the {@code
 * X-Forwarded-*} and {@code Forwarded} headers are replaced by what this tier saw; from a trusted
 * proxy the peer is appended to the chain. {@code Via} always gets this tier appended.
 */
public final class ForwardedHeaders {
  public static final String X_FORWARDED_FOR = "X-Forwarded-For";
  public static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
  public static final String X_FORWARDED_HOST = "X-Forwarded-Host";
  public static final String FORWARDED = "Forwarded";
  public static final String VIA = "Via";
  private static final List<String> CLIENT_FORWARDING =
      List.of(
          X_FORWARDED_FOR,
          X_FORWARDED_PROTO,
          X_FORWARDED_HOST,
          "X-Forwarded-Port",
          "X-Forwarded-Prefix",
          "X-Real-IP",
          FORWARDED);

  private final TrustedProxies trusted;
  // This tier's Via element per protocol version, built once.
  private final String viaHttp10;
  private final String viaHttp11;
  private final String viaHttp2;

  public ForwardedHeaders(TrustedProxies trusted, String instance) {
    this.trusted = trusted;
    this.viaHttp10 = "1.0 " + instance;
    this.viaHttp11 = "1.1 " + instance;
    this.viaHttp2 = "2 " + instance;
  }

  /**
   * The client's address: the peer itself unless it is a trusted proxy, in which case the
   * right-most address of {@code X-Forwarded-For} that is not a trusted proxy.
   */
  public String clientAddress(HttpServerRequest request) {
    String peer = peerOf(request);
    if (!trusted.trusts(peer)) {
      return peer;
    }
    List<String> chain = request.headers().getAll(X_FORWARDED_FOR);
    String candidate = peer;
    for (int h = chain.size() - 1; h >= 0; h--) {
      String[] hops = chain.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (hop.isEmpty()) {
          continue;
        }
        candidate = hop;
        if (!trusted.trusts(hop)) {
          return hop;
        }
      }
    }
    return candidate;
  }

  /** Sets the forwarding headers of {@code outgoing}, a copy of the request's own headers. */
  public void applyToRequest(HttpServerRequest request, MultiMap outgoing) {
    String peer = peerOf(request);
    if (trusted.trusts(peer)) {
      String chain = joined(request.headers(), X_FORWARDED_FOR);
      outgoing.set(X_FORWARDED_FOR, chain.isBlank() ? peer : chain + ", " + peer);
      if (!outgoing.contains(X_FORWARDED_PROTO)) {
        outgoing.set(X_FORWARDED_PROTO, request.scheme());
      }
      if (!outgoing.contains(X_FORWARDED_HOST) && request.authority() != null) {
        outgoing.set(X_FORWARDED_HOST, request.authority().toString());
      }
      String forwarded = joined(request.headers(), FORWARDED);
      String element = forwardedElement(request, peer);
      outgoing.set(FORWARDED, forwarded.isBlank() ? element : forwarded + ", " + element);
    } else {
      CLIENT_FORWARDING.forEach(outgoing::remove);
      outgoing.set(X_FORWARDED_FOR, peer);
      outgoing.set(X_FORWARDED_PROTO, request.scheme());
      if (request.authority() != null) {
        outgoing.set(X_FORWARDED_HOST, request.authority().toString());
      }
      outgoing.set(FORWARDED, forwardedElement(request, peer));
    }
    appendVia(outgoing, request.version());
  }

  /** Appends this tier to the {@code Via} of a response on its way back. */
  public void applyToResponse(HttpVersion version, MultiMap responseHeaders) {
    appendVia(responseHeaders, version);
  }

  private void appendVia(MultiMap headers, HttpVersion version) {
    String hop =
        version == HttpVersion.HTTP_2
            ? viaHttp2
            : version == HttpVersion.HTTP_1_0 ? viaHttp10 : viaHttp11;
    String existing = joined(headers, VIA);
    headers.set(VIA, existing.isBlank() ? hop : existing + ", " + hop);
  }

  /** All values of {@code name} joined by commas; without a list unless there are several. */
  private static String joined(MultiMap headers, String name) {
    String first = headers.get(name);
    if (first == null) {
      return "";
    }
    List<String> all = headers.getAll(name);
    return all.size() == 1 ? first : String.join(", ", all);
  }

  private static String forwardedElement(HttpServerRequest request, String peer) {
    String node = peer.contains(":") ? "\"[" + peer + "]\"" : peer;
    StringBuilder element = new StringBuilder("for=").append(node);
    if (request.authority() != null) {
      element.append(";host=\"").append(request.authority()).append('"');
    }
    return element.append(";proto=").append(request.scheme()).toString();
  }

  private static String peerOf(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
