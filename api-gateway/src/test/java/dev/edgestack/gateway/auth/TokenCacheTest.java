package dev.edgestack.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void neverServesAnEntryAtOrAfterExpiry() {
    TokenCache cache = new TokenCache(10, clock);
    long exp = clock.instant().getEpochSecond() + 60;
    cache.put("t", identity(exp));

    assertThat(cache.get("t")).isNotNull();
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.get("t")).isNotNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.get("t")).isNull();
  }

  @Test
  void staysWithinItsBound() {
    TokenCache cache = new TokenCache(100, clock);
    long exp = clock.instant().getEpochSecond() + 60;
    for (int i = 0; i < 1_000; i++) {
      cache.put("t" + i, identity(exp));
    }

    assertThat(cache.size()).isLessThanOrEqualTo(100);
    assertThat(cache.get("t999")).isNotNull();
  }

  @Test
  void aZeroSizeCacheHoldsNothing() {
    TokenCache cache = new TokenCache(0, clock);
    cache.put("t", identity(clock.instant().getEpochSecond() + 60));

    assertThat(cache.get("t")).isNull();
  }

  @Test
  void tellsApartTokensThatEndAlike() {
    TokenCache cache = new TokenCache(10, clock);
    String tail = "x".repeat(40);
    cache.put("aaaa." + tail, identity(clock.instant().getEpochSecond() + 60));

    assertThat(cache.get("aaaa." + tail)).isNotNull();
    assertThat(cache.get("bbbb." + tail)).isNull();
    assertThat(cache.get("aaa." + tail)).isNull();
  }

  @Test
  void handsEveryRequestOfATokenTheSameAnswerUntilItExpires() {
    TokenCache cache = new TokenCache(10, clock);
    Identity alice = identity(clock.instant().getEpochSecond() + 60);
    cache.put("t", alice);

    TokenCache.Verified first = cache.get("t");
    assertThat(first.authenticated().result()).contains(alice);
    assertThat(first.verified().result()).isSameAs(alice);
    assertThat(cache.get(new String("t"))).isSameAs(first);
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.get("t")).isNull();
  }

  private static Identity identity(long exp) {
    return new Identity("alice", List.of("accounts:read"), Optional.empty(), exp);
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
