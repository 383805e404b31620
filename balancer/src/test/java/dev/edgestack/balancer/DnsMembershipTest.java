package dev.edgestack.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsMembershipTest {
  private final EndpointSpec named = EndpointSpec.parse("gateway:8080@9080;weight=2");
  private final EndpointSpec literal = EndpointSpec.parse("10.0.0.9:8080@9080");
  private final DnsMembership membership = new DnsMembership(List.of(named, literal));

  private static EndpointAddress at(String ip) {
    return new EndpointAddress(ip, 8080, 9080);
  }

  @Test
  void everyAddressOfANameBecomesAnEndpointWithTheConfiguredPortsAndWeight() {
    assertThat(membership.names()).containsExactly("gateway");
    DnsMembership.Plan plan = membership.plan(Map.of("gateway", List.of("10.0.0.2", "10.0.0.3")));
    assertThat(plan.add())
        .containsExactly(new EndpointSpec(at("10.0.0.2"), 2), new EndpointSpec(at("10.0.0.3"), 2));
    assertThat(plan.remove()).containsExactly(named.address());
  }

  @Test
  void followsScalingUpAndDown() {
    membership.plan(Map.of("gateway", List.of("10.0.0.2", "10.0.0.3")));
    DnsMembership.Plan up =
        membership.plan(Map.of("gateway", List.of("10.0.0.2", "10.0.0.3", "10.0.0.4")));
    assertThat(up.add()).containsExactly(new EndpointSpec(at("10.0.0.4"), 2));
    assertThat(up.remove()).isEmpty();
    DnsMembership.Plan down = membership.plan(Map.of("gateway", List.of("10.0.0.4")));
    assertThat(down.add()).isEmpty();
    assertThat(down.remove()).containsExactly(at("10.0.0.2"), at("10.0.0.3"));
    assertThat(membership.plan(Map.of("gateway", List.of("10.0.0.4"))).isEmpty()).isTrue();
  }

  @Test
  void aFailedLookupKeepsWhatTheNameHad() {
    membership.plan(Map.of("gateway", List.of("10.0.0.2")));
    assertThat(membership.plan(Map.of()).isEmpty()).isTrue();
    assertThat(membership.plan(Map.of("gateway", List.of())).isEmpty()).isTrue();
  }

  @Test
  void ipAddressesAreNotNames() {
    assertThat(DnsMembership.isName("10.0.0.9")).isFalse();
    assertThat(DnsMembership.isName("::1")).isFalse();
    assertThat(DnsMembership.isName("gateway")).isTrue();
    assertThat(DnsMembership.isName("localhost")).isTrue();
  }
}
