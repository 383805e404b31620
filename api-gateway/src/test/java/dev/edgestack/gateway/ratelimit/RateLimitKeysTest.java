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

  @Test
  void aKeyOfTheIdentityFollowsTheIdentityAndRouteOfEachRequest() {
    RateLimitKey key = RateLimitKey.of(RateLimitKey.Kind.SUBJECT, RateLimitKey.Kind.ROUTE);
    Optional<Identity> bob = Optional.of(new Identity("bob", List.of(), Optional.empty(), 0));
    MultiMap none = MultiMap.caseInsensitiveMultiMap();

    String first = RateLimitKeys.of(key, () -> "203.0.113.7", alice, "rates", none);
    assertThat(RateLimitKeys.of(key, () -> "203.0.113.7", alice, "rates", none)).isSameAs(first);
    assertThat(RateLimitKeys.of(key, () -> "203.0.113.7", bob, "rates", none))
        .isEqualTo("3:bob5:rates");
    assertThat(RateLimitKeys.of(key, () -> "203.0.113.7", alice, "accounts", none))
        .isEqualTo("5:alice8:accounts");
    assertThat(RateLimitKeys.of(key, () -> "203.0.113.7", alice, "rates", none))
        .isEqualTo("5:alice5:rates");
    RateLimitKey byHeader =
        new RateLimitKey(
            List.of(
                new RateLimitKey.Part(RateLimitKey.Kind.SUBJECT, ""),
                new RateLimitKey.Part(RateLimitKey.Kind.HEADER, "x-tenant")));
    assertThat(key(byHeader, MultiMap.caseInsensitiveMultiMap().add("X-Tenant", "a")))
        .isEqualTo("5:alice1:a");
    assertThat(key(byHeader, MultiMap.caseInsensitiveMultiMap().add("X-Tenant", "b")))
        .isEqualTo("5:alice1:b");
  }

  private String key(RateLimitKey key, MultiMap headers) {
    return RateLimitKeys.of(key, () -> "203.0.113.7", alice, "rates", headers);
  }
}
