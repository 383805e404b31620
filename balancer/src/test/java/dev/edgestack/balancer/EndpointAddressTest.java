package dev.edgestack.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointAddressTest {
  @Test
  void healthPortDefaultsToTrafficPort() {
    assertThat(EndpointAddress.parse("127.0.0.1:8101"))
        .isEqualTo(new EndpointAddress("127.0.0.1", 8101, 8101));
  }

  @Test
  void healthPortAfterAt() {
    assertThat(EndpointAddress.parse(" gateway:8080@9080 "))
        .isEqualTo(new EndpointAddress("gateway", 8080, 9080));
  }

  @Test
  void bracketedIpv6() {
    EndpointAddress address = EndpointAddress.parse("[::1]:8080");
    assertThat(address.host()).isEqualTo("::1");
    assertThat(address).hasToString("[::1]:8080");
  }

  @Test
  void rejectsMalformedAddresses() {
    for (String bad : new String[] {"nohost", ":80", "host:", "host:abc", "host:70000", "h:1@x"}) {
      assertThatThrownBy(() -> EndpointAddress.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected");
    }
  }
}
