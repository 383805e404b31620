package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.config.RateLimitKey;
import io.vertx.core.MultiMap;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A request's value of a {@link RateLimitKey}: its parts length-prefixed and joined, so that no
 * header value can pose as another combination. Header values are cut at 256 characters.
 */
public final class RateLimitKeys {
  private static final int MAX_HEADER = 256;

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
