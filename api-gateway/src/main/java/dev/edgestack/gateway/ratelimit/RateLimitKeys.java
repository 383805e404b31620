package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.config.RateLimitKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.MultiMap;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A request's value of a {@link RateLimitKey}: its parts length-prefixed and joined, so that no
 * header value can pose as another combination. Header values are cut at 256 characters.
 */
public final class RateLimitKeys {
  private static final int MAX_HEADER = 256;
  // Each thread's last value of a key made of the identity and the route only: a cached token
  // brings the same Identity instance on each of its requests, so the value is not built again, and
  // the same String, whose hash the limiter's maps need, is not hashed again.
  private static final FastThreadLocal<LastValue> LAST_VALUE =
      new FastThreadLocal<>() {
        @Override
        protected LastValue initialValue() {
          return new LastValue();
        }
      };

  /** One thread's last key value that depended on nothing but the identity and the route. */
  private static final class LastValue {
    private RateLimitKey key;
    private Identity identity;
    private String routeId;
    private String value;
  }

  private RateLimitKeys() {}

  /**
   * The key's value for a request; {@code clientAddress} is worked out only if the key has it (it
   * takes parsing the forwarding headers, and most keys of authenticated routes are the subject).
   */
  public static String of(
      RateLimitKey key,
      Supplier<String> clientAddress,
      Optional<Identity> identity,
      String routeId,
      MultiMap headers) {
    if (key.parts().size() == 1) {
      RateLimitKey.Part only = key.parts().get(0);
      if (only.kind() == RateLimitKey.Kind.CLIENT_ADDRESS) {
        return clientAddress.get();
      }
    }
    if (!fromIdentityAndRoute(key) || identity.isEmpty()) {
      return build(key, clientAddress, identity, routeId, headers);
    }
    LastValue last = LAST_VALUE.get();
    Identity id = identity.get();
    if (last.key == key && last.identity == id && routeId.equals(last.routeId)) {
      return last.value;
    }
    String value = build(key, clientAddress, identity, routeId, headers);
    last.key = key;
    last.identity = id;
    last.routeId = routeId;
    last.value = value;
    return value;
  }

  private static boolean fromIdentityAndRoute(RateLimitKey key) {
    for (RateLimitKey.Part part : key.parts()) {
      if (part.kind() == RateLimitKey.Kind.CLIENT_ADDRESS
          || part.kind() == RateLimitKey.Kind.HEADER) {
        return false;
      }
    }
    return true;
  }

  private static String build(
      RateLimitKey key,
      Supplier<String> clientAddress,
      Optional<Identity> identity,
      String routeId,
      MultiMap headers) {
    StringBuilder value = new StringBuilder();
    for (RateLimitKey.Part part : key.parts()) {
      String text =
          switch (part.kind()) {
            case CLIENT_ADDRESS -> clientAddress.get();
            case SUBJECT -> identity.map(Identity::subject).orElse("");
            case CLIENT -> identity.map(id -> id.client().orElse("sub:" + id.subject())).orElse("");
            case ROUTE -> routeId;
            case HEADER -> header(headers.get(part.header()));
          };
      value.append(text.length()).append(':').append(text);
    }
    return value.toString();
  }

  private static String header(String value) {
    if (value == null) {
      return "";
    }
    return value.length() > MAX_HEADER ? value.substring(0, MAX_HEADER) : value;
  }
}
