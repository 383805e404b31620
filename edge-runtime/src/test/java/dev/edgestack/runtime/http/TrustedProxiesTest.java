package dev.edgestack.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  @Test
  void matchesCidrRanges() {
    TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8", "127.0.0.1", "::1/128"));
    assertThat(trusted.trusts("10.200.3.4")).isTrue();
    assertThat(trusted.trusts("11.0.0.1")).isFalse();
    assertThat(trusted.trusts("127.0.0.1")).isTrue();
    assertThat(trusted.trusts("127.0.0.2")).isFalse();
    assertThat(trusted.trusts("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(trusted.trusts("not-an-ip")).isFalse();
    assertThat(trusted.trusts(null)).isFalse();
  }

  @Test
  void readsOnlyWellFormedDottedQuads() {
    TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8", "0.0.0.0/32"));
    assertThat(trusted.trusts("10.255.255.255")).isTrue();
    assertThat(trusted.trusts(" 10.0.0.1 ")).isTrue();
    assertThat(trusted.trusts("0.0.0.0")).isTrue();
    for (String bad :
        List.of(
            "10.0.0.256",
            "10.0.0",
            "10.0.0.1.",
            "10..0.1",
            ".10.0.0.1",
            "10.0.0.1.2",
            "10.0.0.x")) {
      assertThat(trusted.trusts(bad)).as(bad).isFalse();
    }
  }

  @Test
  void oddPrefixLengths() {
    TrustedProxies trusted = TrustedProxies.parse(List.of("192.168.4.0/22"));
    assertThat(trusted.trusts("192.168.7.255")).isTrue();
    assertThat(trusted.trusts("192.168.8.0")).isFalse();
  }

  @Test
  void noneTrustsNobody() {
    assertThat(TrustedProxies.none().trusts("127.0.0.1")).isFalse();
    assertThat(TrustedProxies.parse(List.of()).isEmpty()).isTrue();
  }

  @Test
  void rejectsNamesAndBadPrefixesWithoutLookingThemUp() {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("proxy.example.com")))
        .hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("999.1.1.1")))
        .hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
        .hasMessageContaining("bad prefix length");
  }
}
