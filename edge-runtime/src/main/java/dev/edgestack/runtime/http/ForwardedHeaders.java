package dev.edgestack.runtime.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

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
    return clientAddress(peerOf(request), request.headers().getAll(X_FORWARDED_FOR));
  }

  /** {@link #clientAddress(HttpServerRequest)} from the peer and its {@code X-Forwarded-For}s. */
  public String clientAddress(String peer, List<String> forwardedFor) {
    if (!trusted.trusts(peer)) {
      return peer;
    }
    String candidate = peer;
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String[] hops = forwardedFor.get(h).split(",");
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

  /**
   * The host the client asked for: from a trusted proxy, the first host of its {@code
   * X-Forwarded-Host} (a proxy in front rewrites {@code Host} to reach this tier); else {@code
   * hostField}, the request's own {@code Host} (either may be null).
   */
  public String requestedHost(String peer, String hostField, String forwardedHost) {
    if (forwardedHost == null || forwardedHost.isBlank() || !trusted.trusts(peer)) {
      return hostField;
    }
    int comma = forwardedHost.indexOf(',');
    String first = (comma < 0 ? forwardedHost : forwardedHost.substring(0, comma)).trim();
    return first.isEmpty() ? hostField : first;
  }

  /** {@link #requestedHost(String, String, String)} of a request this tier serves. */
  public String requestedHost(HttpServerRequest request) {
    String forwardedHost = request.getHeader(X_FORWARDED_HOST);
    HostAndPort authority = request.authority();
    String hostField = authority == null ? null : authority.toString();
    return forwardedHost == null
        ? hostField
        : requestedHost(peerOf(request), hostField, forwardedHost);
  }

  /** Sets the forwarding headers of {@code outgoing}, a copy of the request's own headers. */
  public void applyToRequest(HttpServerRequest request, MultiMap outgoing) {
    String authority = request.authority() == null ? null : request.authority().toString();
    MultiMap incoming = request.headers();
    applyToRequest(
        new Seen(peerOf(request), request.scheme(), authority, protocolOf(request.version())),
        incoming::getAll,
        new Edits() {
          @Override
          public List<String> getAll(String name) {
            return outgoing.getAll(name);
          }

          @Override
          public void set(String name, String value) {
            outgoing.set(name, value);
          }

          @Override
          public void remove(String name) {
            outgoing.remove(name);
          }
        });
  }

  /**
   * The same hygiene on any representation of a request: {@code incoming} gives the values the peer
   * sent for a name, {@code outgoing} is what will be forwarded (at first a copy of the end-to-end
   * headers).
   */
  public void applyToRequest(Seen seen, Function<String, List<String>> incoming, Edits outgoing) {
    String peer = seen.peer();
    if (trusted.trusts(peer)) {
      trustedFields(
          seen,
          forwardedElement(seen),
          String.join(", ", incoming.apply(X_FORWARDED_FOR)),
          String.join(", ", incoming.apply(FORWARDED)),
          !outgoing.getAll(X_FORWARDED_PROTO).isEmpty(),
          !outgoing.getAll(X_FORWARDED_HOST).isEmpty(),
          outgoing::set);
    } else {
      CLIENT_FORWARDING.forEach(outgoing::remove);
      untrustedFields(seen, forwardedElement(seen), outgoing::set);
    }
    outgoing.set(VIA, via(String.join(", ", outgoing.getAll(VIA)), seen.protocol()));
  }

  /**
   * The forwarding fields of a request from a peer that is not a trusted proxy, each to replace
   * every field of that name the peer sent; {@code forwardedElement} is {@link
   * #forwardedElement(Seen)} of {@code seen}, which a caller may have kept from an earlier request.
   */
  public void untrustedFields(
      Seen seen, String forwardedElement, BiConsumer<String, String> field) {
    field.accept(X_FORWARDED_FOR, seen.peer());
    field.accept(X_FORWARDED_PROTO, seen.scheme());
    if (seen.authority() != null) {
      field.accept(X_FORWARDED_HOST, seen.authority());
    }
    field.accept(FORWARDED, forwardedElement);
  }

  /**
   * The forwarding fields of a request from a trusted proxy, each to replace the fields of that
   * name the peer sent (other than {@code X-Forwarded-Proto} and {@code -Host}, which are kept when
   * sent): {@code forwardedFor} and {@code forwardedChain} are the peer's own {@code
   * X-Forwarded-For} and {@code Forwarded} values joined (null or blank when none), extended with
   * the peer and {@code forwardedElement}; proto and host only when the peer sent none.
   */
  public void trustedFields(
      Seen seen,
      String forwardedElement,
      String forwardedFor,
      String forwardedChain,
      boolean sentProto,
      boolean sentHost,
      BiConsumer<String, String> field) {
    String peer = seen.peer();
    field.accept(
        X_FORWARDED_FOR,
        forwardedFor == null || forwardedFor.isBlank() ? peer : forwardedFor + ", " + peer);
    if (!sentProto) {
      field.accept(X_FORWARDED_PROTO, seen.scheme());
    }
    if (!sentHost && seen.authority() != null) {
      field.accept(X_FORWARDED_HOST, seen.authority());
    }
    field.accept(
        FORWARDED,
        forwardedChain == null || forwardedChain.isBlank()
            ? forwardedElement
            : forwardedChain + ", " + forwardedElement);
  }

  /** Whether forwarding headers from {@code peer} are kept and extended rather than replaced. */
  public boolean trusts(String peer) {
    return trusted.trusts(peer);
  }

  /** Appends this tier to the {@code Via} of a response on its way back. */
  public void applyToResponse(HttpVersion version, MultiMap responseHeaders) {
    responseHeaders.set(VIA, via(joined(responseHeaders, VIA), protocolOf(version)));
  }

  /** {@code existing} (joined, possibly empty) with this tier appended. */
  public String via(String existing, String protocol) {
    String hop =
        switch (protocol) {
          case "1.1" -> viaHttp11;
          case "1.0" -> viaHttp10;
          case "2" -> viaHttp2;
          default -> protocol + viaHttp11.substring(3);
        };
    return existing.isBlank() ? hop : existing + ", " + hop;
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

  private static String protocolOf(HttpVersion version) {
    return version == HttpVersion.HTTP_2 ? "2" : version == HttpVersion.HTTP_1_0 ? "1.0" : "1.1";
  }

  /** The {@code Forwarded} element (RFC 7239) that describes what this tier saw. */
  public static String forwardedElement(Seen seen) {
    String peer = seen.peer();
    String node = peer.contains(":") ? "\"[" + peer + "]\"" : peer;
    StringBuilder element = new StringBuilder("for=").append(node);
    if (seen.authority() != null) {
      element.append(";host=\"").append(seen.authority()).append('"');
    }
    return element.append(";proto=").append(seen.scheme()).toString();
  }

  /**
   * What this tier saw of a request: the peer's address, the scheme, the authority (null when none)
   * and the protocol as {@code Via} spells it ("1.0", "1.1", "2").
   */
  public record Seen(String peer, String scheme, String authority, String protocol) {}

  /** The headers a request will be forwarded with, as the hygiene edits them. */
  public interface Edits {
    List<String> getAll(String name);

    void set(String name, String value);

    void remove(String name);
  }

  private static String peerOf(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
