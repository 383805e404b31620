package dev.edgestack.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamTemplateTest {
  @Test
  void substitutesEncodedValuesAndAppendsTheClientQuery() {
    UpstreamTemplate template = UpstreamTemplate.parse("/accounts/{id}");

    assertThat(template.expand(Map.of("id", "acc-1"), null)).isEqualTo("/accounts/acc-1");
    assertThat(template.expand(Map.of("id", "a b?c#d"), "")).isEqualTo("/accounts/a%20b%3Fc%23d");
    assertThat(template.expand(Map.of("id", "é"), "limit=5")).isEqualTo("/accounts/%C3%A9?limit=5");
  }

  @Test
  void mergesTheClientQueryWithItsOwn() {
    UpstreamTemplate template = UpstreamTemplate.parse("/rates?base=EUR");

    assertThat(template.expand(Map.of(), null)).isEqualTo("/rates?base=EUR");
    assertThat(template.expand(Map.of(), "symbols=USD")).isEqualTo("/rates?base=EUR&symbols=USD");
  }

  @Test
  void rejectsVariablesInTheQueryAndDotSegments() {
    assertThatThrownBy(() -> UpstreamTemplate.parse("/rates?base={id}"))
        .hasMessageContaining("query");
    assertThatThrownBy(() -> UpstreamTemplate.parse("/a/../{id}"))
        .hasMessageContaining("dot segment");
    assertThatThrownBy(() -> UpstreamTemplate.parse("/a/{id")).hasMessageContaining("{id");
  }
}
