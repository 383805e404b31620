package dev.edgestack.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
  private final ForwardedHeaders forwarded =
      new ForwardedHeaders(TrustedProxies.parse(List.of("10.0.0.0/8")), "gw-1");

  @Test
  void aTrustedProxysForwardedHostIsTheHostTheClientAskedFor() {
    assertThat(forwarded.requestedHost("10.1.2.3", "10.9.9.9:8080", "shop.example.com"))
        .isEqualTo("shop.example.com");
    assertThat(forwarded.requestedHost("10.1.2.3", "10.9.9.9:8080", " a.example , b.example"))
        .as("the first proxy saw the client's")
        .isEqualTo("a.example");
  }

  @Test
  void anUntrustedPeerOrAnEmptyForwardedHostLeavesTheHostField() {
    assertThat(forwarded.requestedHost("192.0.2.7", "api.example", "evil.example"))
        .isEqualTo("api.example");
    assertThat(forwarded.requestedHost("10.1.2.3", "api.example", " ")).isEqualTo("api.example");
    assertThat(forwarded.requestedHost("10.1.2.3", "api.example", null)).isEqualTo("api.example");
    assertThat(forwarded.requestedHost("10.1.2.3", null, ",")).isNull();
  }
}
