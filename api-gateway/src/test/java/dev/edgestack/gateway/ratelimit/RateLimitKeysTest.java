package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.config.RateLimitKey;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitKeysTest {
  private final Optional<Identity> alice =
      Optional.of(new Identity("alice", List.of(), Optional.of("mobile"), 0));

  @Test
  void aClientAddressKeyIsTheAddress() {
    assertThat(key(RateLimitKey.CLIENT_ADDRESS, MultiMap.caseInsensitiveMultiMap()))
        .isEqualTo("203.0.113.7");
  }

  @Test
  void combinationsCannotBeForgedWithSeparatorsInAHeader() {
    RateLimitKey combined =
        new RateLimitKey(
            List.of(
                new RateLimitKey.Part(RateLimitKey.Kind.HEADER, "x-a"),
                new RateLimitKey.Part(RateLimitKey.Kind.HEADER, "x-b")));

    String one =
        key(combined, MultiMap.caseInsensitiveMultiMap().add("X-A", "1:x").add("X-B", "y"));
    String two =
        key(combined, MultiMap.caseInsensitiveMultiMap().add("X-A", "1").add("X-B", "x1:y"));

    assertThat(one).isNotEqualTo(two);
  }

  @Test
  void subjectClientAndRouteComeFromTheRequest() {
    RateLimitKey key =
        RateLimitKey.of(
            RateLimitKey.Kind.SUBJECT, RateLimitKey.Kind.CLIENT, RateLimitKey.Kind.ROUTE);

    assertThat(key(key, MultiMap.caseInsensitiveMultiMap())).isEqualTo("5:alice6:mobile5:rates");
  }

  private String key(RateLimitKey key, MultiMap headers) {
    return RateLimitKeys.of(key, () -> "203.0.113.7", alice, "rates", headers);
  }
}
