package dev.edgestack.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class IdentityHeadersTest {
  @Test
  void stripsEverySpellingOfTheIdentityHeadersAndNothingElse() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-Auth-Subject", "bob")
            .add("x_auth_scopes", "admin")
            .add("X-AUTH_Client", "evil")
            .add("x-Auth-", "empty suffix")
            .add("X-Authorization", "kept")
            .add("X-Auth", "kept")
            .add("Authorization", "Bearer kept")
            .add("X-Request-Id", "kept");

    IdentityHeaders.strip(headers);

    assertThat(headers.names())
        .containsExactlyInAnyOrder("X-Authorization", "X-Auth", "Authorization", "X-Request-Id");
  }

  @Test
  void leavesHeadersWithoutIdentityHeadersAsTheyAre() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Host", "a").add("Accept", "b");
    IdentityHeaders.strip(headers);
    assertThat(headers.size()).isEqualTo(2);
  }
}
